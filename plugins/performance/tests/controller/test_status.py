"""Status conditions: the four sets, the owned-condition precedence, messages, change test."""

from __future__ import annotations

import datetime

import pytest

from nto_performance.controller import status

NOW = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(minutes=5)


def kc(*conditions: tuple[str, str, str]) -> dict:
    return {
        "status": {
            "conditions": [
                {"type": t, "status": "True", "message": m, "lastTransitionTime": when}
                for t, m, when in conditions
            ]
        }
    }


def mcp(*degraded: tuple[str, str, str]) -> dict:
    return {
        "metadata": {"name": "worker-cnf"},
        "status": {
            "conditions": [
                {"type": t, "status": s, "reason": f"{t} reason", "message": f"{t} msg"}
                for t, s, _ in degraded
            ]
        },
    }


def tuned_profile(node: str, *, degraded: str, applied: str) -> dict:
    return {
        "metadata": {"name": node},
        "status": {
            "conditions": [
                {"type": "Degraded", "status": degraded, "reason": "Err", "message": "bad"},
                {"type": "Applied", "status": applied},
            ]
        },
    }


@pytest.mark.parametrize(
    ("kubelet", "pool", "profiles", "reason", "message"),
    [
        pytest.param(None, mcp(), [], "", "", id="available"),
        pytest.param(None, None, [], None, None, id="pool-gone-no-update"),
        pytest.param(
            kc(
                ("Success", "ok", "2024-01-01T00:00:00Z"),
                ("Failure", "boom", "2024-02-01T00:00:00Z"),
            ),
            None,
            [],
            "KubeletConfig failure",
            "boom",
            id="kubelet-failure-wins-even-without-pool",
        ),
        pytest.param(
            kc(
                ("Failure", "old", "2024-01-01T00:00:00Z"),
                ("Success", "ok", "2024-02-01T00:00:00Z"),
            ),
            mcp(),
            [],
            "",
            "",
            id="kubelet-recovered",
        ),
        pytest.param(
            None,
            mcp(("NodeDegraded", "True", ""), ("RenderDegraded", "True", "")),
            [tuned_profile("n", degraded="True", applied="False")],
            "MCPDegraded",
            "Machine config pool worker-cnf Degraded Reason: NodeDegraded reason.\n"
            "Machine config pool worker-cnf Degraded Message: NodeDegraded msg.\n"
            "Machine config pool worker-cnf Degraded Reason: RenderDegraded reason.\n"
            "Machine config pool worker-cnf Degraded Message: RenderDegraded msg.\n",
            id="pool-before-tuned",
        ),
        pytest.param(
            None,
            mcp(("NodeDegraded", "False", ""), ("Updated", "True", "")),
            [
                tuned_profile("b", degraded="True", applied="False"),
                tuned_profile("a", degraded="True", applied="True"),
                tuned_profile("c", degraded="False", applied="False"),
            ],
            "TunedProfileDegraded",
            "Tuned b Degraded Reason: Err.\nTuned b Degraded Message: bad.\n",
            id="tuned-degraded-and-not-applied-only",
        ),
    ],
)
def test_owned_outcome_precedence(kubelet, pool, profiles, reason, message):
    outcome = status.owned_outcome(kubelet_config=kubelet, pool=pool, tuned_profiles=profiles)
    if reason is None:
        assert outcome is None
        return
    assert outcome is not None
    degraded = {c[0]: c for c in outcome.conditions}["Degraded"]
    assert (degraded[2], degraded[3]) == (reason, message)
    assert outcome.status_of("Available") == ("False" if reason else "True")


@pytest.mark.parametrize(
    ("outcome", "statuses"),
    [
        pytest.param(status.available(), ["True", "True", "False", "False"], id="available"),
        pytest.param(status.degraded("R", "m"), ["False", "False", "False", "True"], id="degraded"),
        pytest.param(status.progressing(), ["False", "False", "True", "False"], id="progressing"),
    ],
)
def test_condition_sets_are_complete(outcome, statuses):
    assert [c[0] for c in outcome.conditions] == [
        status.AVAILABLE,
        status.UPGRADEABLE,
        status.PROGRESSING,
        status.DEGRADED,
    ]
    assert [c[1] for c in outcome.conditions] == statuses


def test_progressing_reason():
    assert status.progressing().reason == "DeploymentStarting"


def test_desired_status_keeps_transition_time_while_status_holds():
    first = status.desired_status(
        None, status.available(), tuned="ns/t", runtime_class="rc", now=NOW
    )
    second = status.desired_status(
        first, status.available(), tuned="ns/t", runtime_class="rc", now=LATER
    )
    assert not status.status_changed(first, second)
    assert all(c["lastTransitionTime"] == "2024-05-01T12:00:00Z" for c in second["conditions"])
    assert all(c["lastHeartbeatTime"] == "2024-05-01T12:05:00Z" for c in second["conditions"])
    third = status.desired_status(
        second, status.degraded("MCPDegraded", "x"), tuned="ns/t", runtime_class="rc", now=LATER
    )
    assert status.status_changed(second, third)
    by_type = {c["type"]: c for c in third["conditions"]}
    assert by_type["Degraded"]["lastTransitionTime"] == "2024-05-01T12:05:00Z"
    assert by_type["Progressing"]["lastTransitionTime"] == "2024-05-01T12:00:00Z"
    assert (third["tuned"], third["runtimeClass"]) == ("ns/t", "rc")


@pytest.mark.parametrize(
    ("old", "changed"),
    [
        pytest.param(None, True, id="no-status"),
        pytest.param({"conditions": "garbage"}, True, id="malformed"),
        pytest.param({"conditions": [], "tuned": "ns/t", "runtimeClass": "rc"}, True, id="empty"),
    ],
)
def test_status_changed_on_missing_or_bad_status(old, changed):
    new = status.desired_status(None, status.available(), tuned="ns/t", runtime_class="rc", now=NOW)
    assert status.status_changed(old, new) is changed


def test_status_changed_on_tuned_or_runtime_class():
    new = status.desired_status(None, status.available(), tuned="ns/t", runtime_class="rc", now=NOW)
    assert status.status_changed({**new, "tuned": "ns/other"}, new)
    assert status.status_changed({**new, "runtimeClass": "x"}, new)


@pytest.mark.parametrize(
    "kubelet",
    [
        pytest.param(None, id="none"),
        pytest.param({"status": None}, id="null-status"),
        pytest.param({"status": {"conditions": ["junk", 3]}}, id="junk"),
    ],
)
def test_kubelet_failure_tolerates_bad_input(kubelet):
    assert status.kubelet_config_failure(kubelet) is None
