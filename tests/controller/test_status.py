"""ClusterOperator node-tuning conditions, versions and related objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nto.controller.conditions import conditions_equal, set_condition
from nto.controller.daemonset import desired_daemonset
from nto.controller.status import (
    StatusInputs,
    cluster_operator_status,
    compute_status,
    related_objects,
    status_changed,
    versions,
)

RV = "4.20.0"
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
STABLE = "tuned.openshift.io/last-stable-daemonset-generation"


def _ds(
    *,
    annotated=False,
    generation=1,
    observed=1,
    desired=3,
    updated=3,
    current=3,
    available=3,
    unavailable=0,
    release=RV,
):
    ds = desired_daemonset(image="img", release_version=release)
    ds["metadata"]["generation"] = generation
    if annotated:
        ds["metadata"]["annotations"] = {STABLE: str(generation)}
    ds["status"] = {
        "observedGeneration": observed,
        "desiredNumberScheduled": desired,
        "updatedNumberScheduled": updated,
        "currentNumberScheduled": current,
        "numberAvailable": available,
        "numberUnavailable": unavailable,
    }
    return ds


def _profile(wanted="openshift-node", active="openshift-node", applied="True", degraded="False"):
    return {
        "spec": {"config": {"tunedProfile": wanted}},
        "status": {
            "tunedProfile": active,
            "conditions": [
                {"type": "Applied", "status": applied, "lastTransitionTime": "x"},
                {"type": "Degraded", "status": degraded, "lastTransitionTime": "x"},
            ],
        },
    }


def _summary(result):
    return tuple((c["type"], c["status"], c["reason"], c["message"]) for c in result.conditions)


DEPLOYED = f'Cluster has deployed 3/3 "{RV}" operands'
STABLE_MSG = f'Cluster version is "{RV}"'
DS_OK = 'DaemonSet "tuned" available'

CASES = [
    (
        "initial sync, new installation",
        StatusInputs(RV),
        (
            ("Available", "False", "TunedUnavailable", 'DaemonSet "tuned" unavailable'),
            ("Progressing", "True", "Reconciling", f'Working towards "{RV}"'),
            ("Degraded", "False", "Reconciling", f'Working towards "{RV}"'),
        ),
        "",
    ),
    (
        "daemonset fully available, annotation not updated",
        StatusInputs(RV, daemonset=_ds()),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        RV,
    ),
    (
        "daemonset fully available, annotation updated",
        StatusInputs(RV, daemonset=_ds(annotated=True)),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        RV,
    ),
    (
        "operator progressing, 1/3 updated",
        StatusInputs(RV, daemonset=_ds(generation=2, observed=2, updated=1)),
        (
            ("Available", "True", "AsExpected", f'Cluster has deployed 1/3 "{RV}" operands'),
            ("Progressing", "True", "Reconciling", "Waiting for DaemonSet to update 3 node pods"),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        "",
    ),
    (
        "generation vs observedGeneration mismatch",
        StatusInputs(RV, daemonset=_ds(generation=2, observed=1)),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "True", "Reconciling", "Waiting for DaemonSet to act on changes"),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        "",
    ),
    (
        "unavailable pods while stable generation is annotated",
        StatusInputs(RV, daemonset=_ds(annotated=True, unavailable=1)),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        RV,
    ),
    (
        "operand of another release: no deployed message",
        StatusInputs(RV, daemonset=_ds(release="4.19.0")),
        (
            ("Available", "True", "AsExpected", ""),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        RV,
    ),
    (
        "daemonset has no available pods",
        StatusInputs(RV, daemonset=_ds(available=0)),
        (
            ("Available", "False", "TunedUnavailable", 'DaemonSet "tuned" has no available Pod(s)'),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        RV,
    ),
    (
        "profile progressing",
        StatusInputs(
            RV,
            daemonset=_ds(),
            profiles=[_profile(), _profile(active="openshift"), _profile(applied="False")],
        ),
        (
            ("Available", "True", "ProfileProgressing", "Waiting for 2/3 Profiles to be applied"),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        RV,
    ),
    (
        "profiles degraded win over progressing",
        StatusInputs(
            RV, daemonset=_ds(), profiles=[_profile(degraded="True"), _profile(applied="False")]
        ),
        (
            ("Available", "True", "ProfileDegraded", "1/2 Profiles failed to be applied"),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "False", "AsExpected", DS_OK),
        ),
        RV,
    ),
    (
        "bootcmdline conflict",
        StatusInputs(
            RV, daemonset=_ds(), profiles=[_profile(), _profile()], bootcmdline_conflicts=1
        ),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            ("Degraded", "True", "ProfileConflict", "1/2 Profiles with bootcmdline conflict"),
        ),
        RV,
    ),
    (
        "MC labels across MCPs win over conflict",
        StatusInputs(
            RV,
            daemonset=_ds(),
            profiles=[_profile(), _profile()],
            bootcmdline_conflicts=1,
            mc_labels_across_mcps=2,
        ),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            (
                "Degraded",
                "True",
                "MCLabelsAcrossMCPs",
                "2/2 Profiles use machineConfigLabels that match across multiple MCPs",
            ),
        ),
        RV,
    ),
    (
        "management state unmanaged",
        StatusInputs(RV, management_state="Unmanaged", daemonset=_ds()),
        tuple(
            (t, s, "Unmanaged", "The operator configuration is set to unmanaged mode")
            for t, s in (("Available", "True"), ("Progressing", "False"), ("Degraded", "False"))
        ),
        "",
    ),
    (
        "management state removed",
        StatusInputs(RV, management_state="Removed"),
        tuple(
            (t, s, "Removed", "The operator is removed")
            for t, s in (("Available", "True"), ("Progressing", "False"), ("Degraded", "False"))
        ),
        "",
    ),
    (
        "daemonset read error",
        StatusInputs(RV, daemonset_error="forbidden"),
        tuple(
            (t, "Unknown", "Unknown", 'Unable to fetch DaemonSet "tuned": forbidden')
            for t in ("Available", "Progressing", "Degraded")
        ),
        "",
    ),
    (
        "profile list error",
        StatusInputs(RV, daemonset=_ds(), profiles_error="timeout"),
        tuple(
            (t, "Unknown", "Unknown", "Unable to fetch Tuned Profiles: timeout")
            for t in ("Available", "Progressing", "Degraded")
        ),
        "",
    ),
    (
        "plugin failure alone degrades",
        StatusInputs(RV, daemonset=_ds(), plugin_failures=["performance: ImportError: boom"]),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            (
                "Degraded",
                "True",
                "PluginFailed",
                "Plugin failures: performance: ImportError: boom; the core keeps tuning nodes",
            ),
        ),
        RV,
    ),
    (
        "plugin failure appended to a core reason",
        StatusInputs(
            RV,
            daemonset=_ds(),
            profiles=[_profile()],
            bootcmdline_conflicts=1,
            plugin_failures=["p: x", "q: y"],
        ),
        (
            ("Available", "True", "AsExpected", DEPLOYED),
            ("Progressing", "False", "AsExpected", STABLE_MSG),
            (
                "Degraded",
                "True",
                "ProfileConflict",
                "1/1 Profiles with bootcmdline conflict; plugin failures: p: x; q: y",
            ),
        ),
        RV,
    ),
]


@pytest.mark.parametrize(
    ("inputs", "expected", "operand"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_compute_status(inputs, expected, operand):
    result = compute_status(inputs, [], now=NOW)
    assert _summary(result) == expected
    assert result.operand_version == operand
    assert result.error is None
    assert {c["lastTransitionTime"] for c in result.conditions} == {"2026-03-01T12:00:00Z"}


def test_progressed_to_stable_replaces_stale_conditions():
    old = compute_status(
        StatusInputs(RV, daemonset=_ds(generation=2, observed=1)), [], now=NOW
    ).conditions
    later = NOW + timedelta(minutes=5)
    new = compute_status(StatusInputs(RV, daemonset=_ds(annotated=True)), old, now=later).conditions
    by_type = {c["type"]: c for c in new}
    assert by_type["Progressing"]["status"] == "False"
    assert by_type["Progressing"]["lastTransitionTime"] == "2026-03-01T12:05:00Z"
    assert by_type["Available"]["lastTransitionTime"] == "2026-03-01T12:00:00Z", "status unchanged"
    assert len(new) == 3


def test_daemonset_not_found_with_existing_conditions_is_an_error():
    old = compute_status(StatusInputs(RV, daemonset=_ds()), [], now=NOW).conditions
    result = compute_status(StatusInputs(RV), old, now=NOW)
    assert result.conditions == old
    assert result.error == 'DaemonSet "tuned" not found; keeping the previous conditions'


@pytest.mark.parametrize(
    ("elapsed", "degraded"), [(7200, False), (7201, True)], ids=["at 7200 s", "past 7200 s"]
)
def test_unavailable_for_too_long_degrades(elapsed, degraded):
    inputs = StatusInputs(
        RV, daemonset=_ds(available=0), bootcmdline_conflicts=1, profiles=[_profile()]
    )
    old = compute_status(inputs, [], now=NOW).conditions
    result = compute_status(inputs, old, now=NOW + timedelta(seconds=elapsed))
    deg = next(c for c in result.conditions if c["type"] == "Degraded")
    if degraded:
        assert (deg["reason"], deg["message"]) == (
            "TunedUnavailable",
            'DaemonSet "tuned" unavailable for more than 7200 seconds',
        )
    else:
        assert deg["reason"] == "ProfileConflict"


def test_foreign_conditions_are_kept():
    old = [
        {
            "type": "Upgradeable",
            "status": "True",
            "lastTransitionTime": "t",
            "reason": "x",
            "message": "",
        }
    ]
    result = compute_status(StatusInputs(RV, daemonset=_ds()), old, now=NOW)
    assert [c["type"] for c in result.conditions] == [
        "Upgradeable",
        "Available",
        "Progressing",
        "Degraded",
    ]


def test_set_condition_add_replace_keep():
    conds = set_condition([], type_="A", status="True", reason="r", message="m", now=NOW)
    conds = set_condition(conds, type_="B", status="False", reason="r", message="m", now=NOW)
    later = NOW + timedelta(hours=1)
    same_status = set_condition(
        conds, type_="A", status="True", reason="r2", message="m2", now=later
    )
    assert same_status[0] == {
        "type": "A",
        "status": "True",
        "lastTransitionTime": "2026-03-01T12:00:00Z",
        "reason": "r2",
        "message": "m2",
    }
    flipped = set_condition(conds, type_="A", status="False", reason="r", message="m", now=later)
    assert flipped[0]["lastTransitionTime"] == "2026-03-01T13:00:00Z"
    assert flipped[1] == conds[1]


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ([], None, True),
        (
            [{"type": "A", "status": "True", "lastTransitionTime": "1"}],
            [{"type": "A", "status": "True", "lastTransitionTime": "2"}],
            True,
        ),
        ([{"type": "A", "status": "True"}], [{"type": "A", "status": "False"}], False),
        (
            [{"type": "A", "status": "True", "message": "x"}],
            [{"type": "A", "status": "True", "message": "y"}],
            False,
        ),
        (
            [{"type": "A", "status": "True"}, {"type": "B", "status": "True"}],
            [{"type": "B", "status": "True"}, {"type": "A", "status": "True"}],
            True,
        ),
        ([{"type": "A", "status": "True"}], [], False),
    ],
    ids=["empty", "time ignored", "status", "message", "order ignored", "missing"],
)
def test_conditions_equal(a, b, equal):
    assert conditions_equal(a, b) is equal


def test_versions_follow_availability_and_rollout():
    result = compute_status(StatusInputs(RV, daemonset=_ds()), [], now=NOW)
    assert versions(
        None, result.conditions, release_version=RV, operand_version=result.operand_version
    ) == [
        {"name": "operator", "version": RV},
        {"name": "ocp-tuned", "version": RV},
    ]
    fresh = compute_status(StatusInputs(RV), [], now=NOW)
    old = [{"name": "ocp-tuned", "version": "4.19.0"}]
    assert versions(old, fresh.conditions, release_version=RV, operand_version="") == old
    assert versions(None, result.conditions, release_version="", operand_version="") == []


def test_related_objects_with_plugin_extras():
    extra = [{"group": "performance.openshift.io", "resource": "performanceprofiles", "name": ""}]
    objects = related_objects(extra)
    assert objects[0] == {
        "group": "",
        "resource": "namespaces",
        "name": "openshift-cluster-node-tuning-operator",
    }
    assert objects[-1] == extra[0]
    assert len(objects) == 8
    assert related_objects([*extra, *extra, objects[0]]) == objects


def test_cluster_operator_status_and_change_detection():
    result = compute_status(StatusInputs(RV, daemonset=_ds()), [], now=NOW)
    status = cluster_operator_status({"extension": {"x": 1}}, result, release_version=RV)
    assert status["extension"] == {"x": 1}
    assert [v["name"] for v in status["versions"]] == ["operator", "ocp-tuned"]
    again = compute_status(
        StatusInputs(RV, daemonset=_ds()), status["conditions"], now=NOW + timedelta(days=1)
    )
    same = cluster_operator_status(status, again, release_version=RV)
    assert not status_changed(status, same)
    moved = cluster_operator_status(
        status,
        compute_status(StatusInputs(RV, daemonset=_ds(available=0)), status["conditions"], now=NOW),
        release_version=RV,
    )
    assert status_changed(status, moved)
    assert status_changed(None, status)


def _degraded(inputs: StatusInputs) -> tuple[str, str, str]:
    result = compute_status(inputs, None, now=NOW)
    found = next(c for c in result.conditions if c["type"] == "Degraded")
    return found["status"], found["reason"], found["message"]


def test_oversized_tuneds_degrade_with_their_names():
    status, reason, message = _degraded(
        StatusInputs(release_version=RV, daemonset=_ds(), oversized_tuneds=["big-b", "big-a"])
    )
    assert (status, reason) == ("True", "ProfilesTooLarge")
    assert "Tuned(s) big-a, big-b left out of every Profile" in message


def test_failed_profile_writes_degrade_with_a_bounded_list():
    failures = [f"worker-{i}: 422 Invalid: {'x' * 1000}" for i in range(12)]
    status, reason, message = _degraded(
        StatusInputs(release_version=RV, daemonset=_ds(), profile_write_failures=failures)
    )
    assert (status, reason) == ("True", "ProfileWriteFailed")
    assert message.startswith("12 Profile(s) could not be written")
    assert "worker-4:" in message
    assert "worker-5:" not in message
    assert message.endswith("; and 7 more")
    assert len(message) < 1200


def test_contained_failures_are_appended_to_a_core_reason():
    inputs = StatusInputs(
        release_version=RV,
        daemonset=_ds(),
        bootcmdline_conflicts=1,
        oversized_tuneds=["big"],
        plugin_failures=["performance: boom"],
    )
    status, reason, message = _degraded(inputs)
    assert (status, reason) == ("True", "ProfileConflict")
    assert "Tuned(s) big left out" in message
    assert message.endswith("plugin failures: performance: boom")
