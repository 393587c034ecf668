"""Admission warnings through the validating webhook: what each kind of change does to nodes.

Table-driven: each case sends a CREATE or UPDATE AdmissionReview to the real handler, with
pools and the disruption policy from a fake cached view, and checks the ``response.warnings``
kubectl would print.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from nto_performance.preview.plan import ClusterFacts
from nto_performance.webhooks import AdmissionWebhook

from .conftest import FakeProvider, make_admission_body, make_node, make_profile

ROLE = "machineconfiguration.openshift.io/role"


def make_pool(name: str = "worker-cnf", *, machines: int | None = 3, paused: bool = False) -> dict:
    pool: dict[str, Any] = {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfigPool",
        "metadata": {"name": name, "labels": {ROLE: name}},
        "spec": {
            "machineConfigSelector": {
                "matchExpressions": [{"key": ROLE, "operator": "In", "values": ["worker", name]}]
            },
            "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{name}": ""}},
            "paused": paused,
        },
    }
    if machines is not None:
        pool["status"] = {"machineCount": machines}
    return pool


def kubelet_restart_policy() -> dict[str, Any]:
    return {
        "apiVersion": "operator.openshift.io/v1",
        "kind": "MachineConfiguration",
        "metadata": {"name": "cluster"},
        "spec": {
            "nodeDisruptionPolicy": {
                "files": [
                    {
                        "path": "/etc/kubernetes/kubelet.conf",
                        "actions": [
                            {"type": "Restart", "restart": {"serviceName": "kubelet.service"}}
                        ],
                    }
                ]
            }
        },
    }


class StaticFacts:
    def __init__(self, facts: ClusterFacts | Exception) -> None:
        self._facts = facts

    async def facts(self) -> ClusterFacts:
        if isinstance(self._facts, Exception):
            raise self._facts
        return self._facts


def changed(**spec: Any) -> dict[str, Any]:
    return make_profile(**spec)


BASE = make_profile()
RT = make_profile(realTimeKernel={"enabled": True})
LABELLED = copy.deepcopy(BASE)
LABELLED["metadata"]["labels"] = {"team": "ran"}

CASES = [
    pytest.param(
        None,
        RT,
        {},
        [
            'PerformanceProfile "manual": this change reboots the 3 nodes of MachineConfigPool '
            '"worker-cnf"',
            'reboot reason: MachineConfig "50-performance-manual" created: kernel type default '
            "-> realtime",
            'reboot reason: KubeletConfig "performance-manual" created',
            'reboot reason: Tuned "openshift-node-performance-manual" created: kernel arguments '
            "added:",
        ],
        id="create-reboots-the-pool",
    ),
    pytest.param(
        BASE,
        changed(cpu={"reserved": "0-1,7", "isolated": "2-6"}),
        {},
        [
            "this change reboots the 3 nodes",
            "kernel arguments added: isolcpus=managed_irq,2-6, nohz_full=2-6, rcu_nocbs=2-6",
            "kernel arguments removed: isolcpus=managed_irq,2-7, nohz_full=2-7, rcu_nocbs=2-7",
            'MachineConfig "50-performance-manual" updated: files changed: '
            "/etc/crio/crio.conf.d/99-runtimes.conf",
            "kubelet settings changed (/etc/kubernetes/kubelet.conf): reservedSystemCPUs",
        ],
        id="cpu-split-kernel-args-files-kubelet",
    ),
    pytest.param(
        BASE,
        RT,
        {},
        ["this change reboots", "kernel type default -> realtime"],
        id="kernel-type",
    ),
    pytest.param(
        BASE,
        changed(numa={"topologyPolicy": "restricted"}),
        {},
        [
            "this change reboots the 3 nodes",
            'reboot reason: KubeletConfig "performance-manual" updated: kubelet settings changed '
            "(/etc/kubernetes/kubelet.conf): memoryManagerPolicy, reservedMemory, "
            "topologyManagerPolicy",
        ],
        id="kubelet-only-reboots-by-default",
    ),
    pytest.param(
        BASE,
        changed(numa={"topologyPolicy": "restricted"}),
        {"machine_configuration": kubelet_restart_policy()},
        [
            'PerformanceProfile "manual": this change restarts the kubelet (no reboot) on the 3 '
            'nodes of MachineConfigPool "worker-cnf" (changed: KubeletConfig "performance-manual")'
        ],
        id="kubelet-restart-by-policy",
    ),
    pytest.param(
        BASE,
        changed(globallyDisableIrqLoadBalancing=True),
        {},
        [
            'PerformanceProfile "manual": this change only reloads TuneD (no reboot) on the 3 '
            'nodes of MachineConfigPool "worker-cnf" (changed: Tuned '
            '"openshift-node-performance-manual")'
        ],
        id="tuned-reload-only",
    ),
    pytest.param(BASE, LABELLED, {}, [], id="metadata-only-no-warning"),
    pytest.param(
        None,
        changed(nodeSelector={"node-role.kubernetes.io/nowhere": ""}),
        {},
        ["no MachineConfigPool selects spec.nodeSelector 'node-role.kubernetes.io/nowhere='"],
        id="no-pool",
    ),
    pytest.param(
        BASE,
        RT,
        {"pools": [make_pool(paused=True)]},
        ['MachineConfigPool "worker-cnf" is paused: its nodes change when it is unpaused'],
        id="paused-pool",
    ),
    pytest.param(
        BASE,
        RT,
        {"pools": [make_pool(machines=None)]},
        ['this change reboots the 2 nodes of MachineConfigPool "worker-cnf"'],
        id="count-from-selected-nodes-without-pool-status",
    ),
    pytest.param(
        BASE,
        RT,
        {"notes": ("cannot read MachineConfiguration cluster: Forbidden",)},
        [
            'PerformanceProfile "manual": preview incomplete: cannot read MachineConfiguration '
            "cluster: Forbidden"
        ],
        id="incomplete-facts-are-said",
    ),
]


@pytest.mark.parametrize(("old", "new", "facts", "expected"), CASES)
async def test_warnings_say_what_the_change_does(
    old: dict | None, new: dict, facts: dict[str, Any], expected: list[str]
) -> None:
    build = {"pools": [make_pool()], **facts}
    webhook = AdmissionWebhook(
        provider=FakeProvider(nodes=[make_node("w1"), make_node("w2")]),
        facts=StaticFacts(ClusterFacts.build(**build)),
    )
    operation = "CREATE" if old is None else "UPDATE"
    status, payload = await webhook(
        make_admission_body(new, operation=operation, oldObject=old), "application/json"
    )
    assert status == 200
    response = payload["response"]
    assert response["allowed"] is True, response
    warnings = response.get("warnings", [])
    text = "\n".join(warnings)
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    if not expected:
        assert warnings == []
    assert all(len(w) <= 240 for w in warnings)
    json.dumps(payload)


async def test_denied_requests_carry_no_warnings() -> None:
    webhook = AdmissionWebhook(
        provider=None, facts=StaticFacts(ClusterFacts.build(pools=[make_pool()]))
    )
    bad = make_profile(cpu={"reserved": "0-3", "isolated": "2-7"})
    _, payload = await webhook(make_admission_body(bad), "application/json")
    assert payload["response"]["allowed"] is False
    assert "warnings" not in payload["response"]


async def test_a_failing_preview_never_changes_the_answer() -> None:
    webhook = AdmissionWebhook(provider=None, facts=StaticFacts(RuntimeError("boom")))
    _, payload = await webhook(make_admission_body(RT), "application/json")
    assert payload["response"]["allowed"] is True
    assert "warnings" not in payload["response"]


async def test_v1_old_objects_are_compared_in_v2() -> None:
    webhook = AdmissionWebhook(
        provider=None, facts=StaticFacts(ClusterFacts.build(pools=[make_pool()]))
    )
    old_v1 = make_profile(api_version="v1")  # v1 disables IRQ load balancing on every CPU
    same = make_profile(globallyDisableIrqLoadBalancing=True)
    _, payload = await webhook(
        make_admission_body(same, operation="UPDATE", oldObject=old_v1), "application/json"
    )
    assert "warnings" not in payload["response"]  # the same spec once converted
