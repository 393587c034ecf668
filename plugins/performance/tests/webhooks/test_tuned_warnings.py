"""The warning-only Tuned webhook: what a Tuned change does to the nodes, table-driven.

Three worker-cnf nodes in pool worker-cnf, one plain worker in pool worker; a Tuned bound to the
worker-cnf pool through machineConfigLabels and one matching the plain node by label.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from nto_performance.preview.plan import ClusterFacts
from nto_performance.webhooks import TunedWarningsWebhook

from .test_admission_warnings import StaticFacts, make_pool

NAMESPACE = "openshift-cluster-node-tuning-operator"
CNF = {"machineconfiguration.openshift.io/role": "worker-cnf"}
KARGS = "[main]\nsummary=x\n[bootloader]\ncmdline_x=+nosmt\n"
SYSCTL = "[main]\nsummary=x\n[sysctl]\nvm.swappiness=10\n"


def tuned(name: str, data: str, **recommend: Any) -> dict[str, Any]:
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "profile": [{"name": name, "data": data}],
            "recommend": [{"profile": name, "priority": 10, **recommend}],
        },
    }


def node(name: str, role: str) -> dict[str, Any]:
    labels = {f"node-role.kubernetes.io/{role}": "", "node-role.kubernetes.io/worker": ""}
    return {"metadata": {"name": name, "labels": labels}}


KARGS_TUNED = tuned("kargs", KARGS, machineConfigLabels=CNF)
SYSCTL_TUNED = tuned("sysctl", SYSCTL, match=[{"label": "node-role.kubernetes.io/plain"}])


def facts() -> ClusterFacts:
    return ClusterFacts.build(
        pools=[make_pool("worker", machines=None), make_pool("worker-cnf")],
        nodes=[*(node(f"cnf-{i}", "worker-cnf") for i in range(3)), node("w-0", "plain")],
        tuneds=[KARGS_TUNED, SYSCTL_TUNED],
    )


def body(new: Any, old: Any = None, **extra: Any) -> bytes:
    request = {
        "uid": "t-1",
        "kind": {"group": "tuned.openshift.io", "version": "v1", "kind": "Tuned"},
        "namespace": NAMESPACE,
        "operation": "UPDATE" if old else "CREATE",
        "object": new,
        "oldObject": old,
        **extra,
    }
    return json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    ).encode()


CASES = [
    pytest.param(
        KARGS_TUNED,
        tuned("kargs", KARGS.replace("nosmt", "nosmt mitigations=off"), machineConfigLabels=CNF),
        [
            'Tuned "kargs": this change reboots the 3 nodes of MachineConfigPool "worker-cnf"',
            "reboot reason: kernel arguments added: mitigations=off",
        ],
        id="kernel-args-reboot-the-pool",
    ),
    pytest.param(
        KARGS_TUNED,
        tuned("kargs", KARGS + "[sysctl]\nvm.swappiness=1\n", machineConfigLabels=CNF),
        [
            'Tuned "kargs": this change only reloads TuneD (no reboot) on the 3 nodes of '
            'MachineConfigPool "worker-cnf"'
        ],
        id="other-settings-reload-tuned",
    ),
    pytest.param(
        SYSCTL_TUNED,
        tuned(
            "sysctl",
            SYSCTL + "[bootloader]\ncmdline_y=+quiet\n",
            match=[{"label": "node-role.kubernetes.io/plain"}],
        ),
        [
            'Tuned "sysctl": this change only reloads TuneD (no reboot) on the 1 node of '
            'MachineConfigPool "worker"'
        ],
        id="kernel-args-through-label-match-reach-no-machineconfig",
    ),
    pytest.param(
        None,
        tuned("new", SYSCTL, match=[{"label": "node-role.kubernetes.io/nothing"}]),
        ['Tuned "new": this change moves no node to another TuneD profile'],
        id="new-tuned-selecting-nothing",
    ),
    pytest.param(
        SYSCTL_TUNED,
        {**SYSCTL_TUNED, "metadata": {**SYSCTL_TUNED["metadata"], "labels": {"a": "b"}}},
        [],
        id="metadata-only-no-warning",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
async def test_tuned_warnings(old: Any, new: Any, expected: list[str]) -> None:
    webhook = TunedWarningsWebhook(facts=StaticFacts(facts()))
    status, payload = await webhook(body(new, old), "application/json")
    assert status == 200
    response = payload["response"]
    assert response["allowed"] is True
    text = "\n".join(response.get("warnings", []))
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    if not expected:
        assert "warnings" not in response


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"namespace": "elsewhere"}, id="other-namespace"),
        pytest.param({"operation": "DELETE"}, id="delete"),
        pytest.param(
            {"kind": {"group": "", "version": "v1", "kind": "ConfigMap"}}, id="other-kind"
        ),
    ],
)
async def test_requests_it_does_not_preview_are_allowed_silently(extra: dict[str, Any]) -> None:
    webhook = TunedWarningsWebhook(facts=StaticFacts(facts()))
    changed = tuned("kargs", KARGS.replace("nosmt", "quiet"), machineConfigLabels=CNF)
    _, payload = await webhook(body(changed, KARGS_TUNED, **extra), "application/json")
    assert payload["response"] == {"uid": "t-1", "allowed": True}


async def test_bad_bodies_and_failing_previews() -> None:
    webhook = TunedWarningsWebhook(facts=StaticFacts(RuntimeError("boom")))
    status, payload = await webhook(b"[1, 2]", "application/json")
    assert status == 400
    assert payload["error"] == "the body is a JSON list; send a AdmissionReview object"
    _, payload = await webhook(body(KARGS_TUNED), "application/json")
    assert payload["response"] == {"uid": "t-1", "allowed": True}
