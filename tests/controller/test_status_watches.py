"""A watch that keeps failing degrades the ClusterOperator until it works again."""

from __future__ import annotations

from datetime import UTC, datetime

from nto.controller.daemonset import desired_daemonset
from nto.controller.status import WATCH_FAILING, StatusInputs, compute_status

RV = "4.20.0"
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def available_daemonset():
    ds = desired_daemonset(image="img", release_version=RV)
    ds["metadata"]["generation"] = 1
    ds["status"] = {
        "observedGeneration": 1,
        "desiredNumberScheduled": 1,
        "updatedNumberScheduled": 1,
        "currentNumberScheduled": 1,
        "numberAvailable": 1,
        "numberUnavailable": 0,
    }
    return ds


def degraded(result):
    return next(c for c in result.conditions if c["type"] == "Degraded")


def test_failing_watch_degrades_and_recovery_clears():
    failing = StatusInputs(
        RV,
        daemonset=available_daemonset(),
        watch_failures=["profiles.tuned.openshift.io (HTTP 500)"],
    )
    result = compute_status(failing, [], now=NOW)
    condition = degraded(result)
    assert (condition["status"], condition["reason"]) == ("True", WATCH_FAILING)
    assert "profiles.tuned.openshift.io (HTTP 500)" in condition["message"]
    assert next(c for c in result.conditions if c["type"] == "Available")["status"] == "True"

    healed = compute_status(
        StatusInputs(RV, daemonset=available_daemonset()), result.conditions, now=NOW
    )
    assert (degraded(healed)["status"], degraded(healed)["reason"]) == ("False", "AsExpected")


def test_failing_watch_before_the_daemonset_exists():
    result = compute_status(StatusInputs(RV, watch_failures=["nodes (HTTP 503)"]), [], now=NOW)
    assert degraded(result)["reason"] == WATCH_FAILING


def test_failing_watch_is_appended_to_a_core_reason():
    inputs = StatusInputs(
        RV,
        daemonset=available_daemonset(),
        bootcmdline_conflicts=1,
        watch_failures=["nodes (HTTP 503)"],
    )
    condition = degraded(compute_status(inputs, [], now=NOW))
    assert condition["reason"] == "ProfileConflict"
    assert condition["message"].endswith("; failing watches: nodes (HTTP 503)")
