"""The ``RolloutStarted`` Event text and decision, and the nodes-pending gauge (pure parts).

The operator-level behaviour (one Event per change, none on restart, the gauge following the
pool's status, a failing Event POST) is in ``test/e2e/test_rollout_events.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from nto_performance.controller.metrics import ControllerMetrics
from nto_performance.controller.rollout import (
    MAX_REASONS,
    RolloutTracker,
    node_count,
    pending_nodes,
    rollout_message,
)
from nto_performance.preview.disruption import DisruptionPolicy, policy_from
from nto_performance.preview.effects import compare

from .conftest import pool

KUBELET_RESTART = policy_from(
    {
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
        }
    }
)


def tuned(cmdline: str = "", data: str = "") -> dict[str, Any]:
    text = f"[main]\nsummary=x\n{data}\n[bootloader]\ncmdline_cpu=+{cmdline}\n"
    return {
        "kind": "Tuned",
        "metadata": {"name": "openshift-node-performance-manual"},
        "spec": {"profile": [{"name": "openshift-node-performance-manual", "data": text}]},
    }


def kubelet(reserved: str) -> dict[str, Any]:
    return {
        "kind": "KubeletConfig",
        "metadata": {"name": "performance-manual"},
        "spec": {"kubeletConfig": {"reservedSystemCPUs": reserved}},
    }


def machine_config(kargs: list[str]) -> dict[str, Any]:
    return {
        "kind": "MachineConfig",
        "metadata": {"name": "50-performance-manual"},
        "spec": {"kernelArguments": kargs},
    }


def mcp(
    *,
    updating: str | None = None,
    machine: Any = None,
    updated: Any = None,
    paused: bool = False,
) -> dict[str, Any]:
    body = pool()
    status: dict[str, Any] = {}
    if updating is not None:
        status["conditions"] = [
            {"type": "Updated", "status": "False" if updating == "True" else "True"},
            {"type": "Updating", "status": updating},
        ]
    if machine is not None:
        status["machineCount"] = machine
    if updated is not None:
        status["updatedMachineCount"] = updated
    if status:
        body["status"] = status
    if paused:
        body["spec"]["paused"] = True
    return body


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param({"updating": "True", "machine": 3, "updated": 1}, 2, id="updating"),
        pytest.param({"updating": "True", "machine": 3, "updated": 3}, 0, id="updating-all-done"),
        pytest.param({"updating": "True", "machine": 3}, 3, id="no-updated-count"),
        pytest.param({"updating": "False", "machine": 3, "updated": 1}, 0, id="not-updating"),
        pytest.param({"machine": 3, "updated": 1}, 0, id="no-conditions"),
        pytest.param({"updating": "True", "machine": 2, "updated": 5}, 0, id="never-negative"),
        pytest.param({"updating": "True", "updated": 1}, 0, id="no-machine-count"),
        pytest.param({"updating": "True", "machine": "3", "updated": 0}, 0, id="string-count"),
        pytest.param({"updating": "True", "machine": True, "updated": 0}, 0, id="bool-count"),
        pytest.param({"updating": "True", "machine": -1, "updated": 0}, 0, id="negative-count"),
    ],
)
def test_pending_nodes_from_pool_status(status, expected):
    assert pending_nodes(mcp(**status)) == expected


def test_pending_nodes_of_nothing_is_zero():
    assert pending_nodes(None) == 0
    assert pending_nodes({"status": "garbage"}) == 0
    assert pending_nodes({"status": {"conditions": ["garbage"]}}) == 0


NODES = {
    "cnf-0": {"node-role.kubernetes.io/worker-cnf": ""},
    "cnf-1": {"node-role.kubernetes.io/worker-cnf": ""},
    "w-0": {"node-role.kubernetes.io/worker": ""},
}


@pytest.mark.parametrize(
    ("pool_body", "expected"),
    [
        pytest.param(mcp(machine=5), 5, id="machine-count-wins"),
        pytest.param(mcp(), 2, id="selected-nodes"),
        pytest.param(pool(node_selector={}), None, id="empty-selector"),
        pytest.param(pool(node_selector={"matchLabels": "bad"}), None, id="bad-selector"),
        pytest.param(None, None, id="no-pool"),
    ],
)
def test_node_count(pool_body, expected):
    assert node_count(pool_body, NODES) == expected


def test_node_count_without_nodes_selected_is_zero():
    assert node_count(mcp(), {}) == 0


KARGS_OLD = "isolcpus=managed_irq,2-3 nohz_full=2-3"
KARGS_NEW = "isolcpus=managed_irq,2-5 nohz_full=2-5"


@pytest.mark.parametrize(
    ("old", "new", "policy", "count", "expected", "absent"),
    [
        pytest.param(
            {"tuned": tuned(KARGS_OLD)},
            {"tuned": tuned(KARGS_NEW)},
            DisruptionPolicy(),
            2,
            [
                'MachineConfigPool "worker-cnf" rolls this change out to its 2 nodes: the '
                "Machine Config Operator drains and reboots them, maxUnavailable (default 1) at "
                'a time. Why: Tuned "openshift-node-performance-manual" updated: kernel '
                "arguments added: isolcpus=managed_irq,2-5, nohz_full=2-5; Tuned "
                '"openshift-node-performance-manual" updated: kernel arguments removed: '
                "isolcpus=managed_irq,2-3, nohz_full=2-3."
            ],
            [],
            id="kernel-arguments-reboot",
        ),
        pytest.param(
            {"machineconfig": machine_config([])},
            {"machineconfig": machine_config(["nosmt"])},
            DisruptionPolicy(),
            1,
            ["to its 1 node:", "drains and reboots", "kernel arguments added: nosmt"],
            [],
            id="one-node",
        ),
        pytest.param(
            {"kubeletconfig": kubelet("0-1")},
            {"kubeletconfig": kubelet("0")},
            KUBELET_RESTART,
            3,
            [
                'MachineConfigPool "worker-cnf" rolls this change out to its 3 nodes: the kubelet '
                'restarts on each, no reboot. Why: KubeletConfig "performance-manual" updated: '
                "kubelet settings changed (/etc/kubernetes/kubelet.conf): reservedSystemCPUs."
            ],
            ["drains"],
            id="kubelet-restart-only",
        ),
        pytest.param(
            {"kubeletconfig": kubelet("0-1")},
            {"kubeletconfig": kubelet("0")},
            DisruptionPolicy(),
            None,
            ["rolls this change out to its nodes:", "drains and reboots", "reservedSystemCPUs"],
            [],
            id="kubelet-change-reboots-by-default",
        ),
        pytest.param(
            {"kubeletconfig": kubelet("0-1"), "tuned": tuned(KARGS_OLD)},
            {"kubeletconfig": kubelet("0"), "tuned": tuned(KARGS_NEW)},
            KUBELET_RESTART,
            2,
            ["drains and reboots", "kernel arguments added"],
            ["reservedSystemCPUs"],  # the reboot's reasons only
            id="reboot-wins-over-restart",
        ),
        pytest.param(
            {"machineconfig": None, "kubeletconfig": None, "tuned": None},
            {
                "machineconfig": machine_config(["nosmt"]),
                "kubeletconfig": kubelet("0"),
                "tuned": tuned(KARGS_NEW),
            },
            DisruptionPolicy(),
            2,
            ['MachineConfig "50-performance-manual" created', "drains and reboots"],
            [],
            id="created",
        ),
    ],
)
def test_rollout_message(old, new, policy, count, expected, absent):
    message = rollout_message(pool="worker-cnf", count=count, effects=compare(old, new, policy))
    assert message is not None
    for fragment in expected:
        assert fragment in message
    for fragment in absent:
        assert fragment not in message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            {"tuned": tuned(KARGS_OLD, "[sysctl]\nvm.x=1")},
            {"tuned": tuned(KARGS_OLD, "[sysctl]\nvm.x=2")},
            id="tuned-reload-only",
        ),
        pytest.param({"tuned": tuned(KARGS_OLD)}, {"tuned": tuned(KARGS_OLD)}, id="nothing"),
        pytest.param(
            {"runtimeclass": None},
            {"runtimeclass": {"kind": "RuntimeClass", "handler": "high-performance"}},
            id="runtimeclass-only",
        ),
    ],
)
def test_no_message_without_reboot_or_restart(old, new):
    effects = compare(old, new, DisruptionPolicy())
    assert rollout_message(pool="worker-cnf", count=2, effects=effects) is None


def test_message_of_a_paused_pool_and_many_reasons():
    old = {"machineconfig": machine_config([])}
    new = {"machineconfig": machine_config([f"arg{i}" for i in range(30)])}
    effects = compare(old, new, DisruptionPolicy())
    message = rollout_message(pool="worker-cnf", count=2, effects=effects, paused=True)
    assert message is not None
    assert message.endswith("The pool is paused: its nodes change once it is unpaused.")
    assert "and 26 more" in message  # the classifier lists 4 arguments per reason

    many = {"machineconfig": {**machine_config([]), "spec": {"kernelType": "realtime"}}}
    kinds = {
        "machineconfig": {"spec": {"kernelArguments": ["a"], "extensions": ["x"], "fips": True}},
        "tuned": tuned(KARGS_NEW),
        "kubeletconfig": kubelet("0"),
    }
    effects = compare(
        {**many, "tuned": tuned(KARGS_OLD), "kubeletconfig": kubelet("1")},
        kinds,
        DisruptionPolicy(),
    )
    message = rollout_message(pool="p", count=2, effects=effects)
    assert message is not None
    reasons = sum(len(c.reasons) for c in effects.changes)
    assert reasons > MAX_REASONS
    assert f"; and {reasons - MAX_REASONS} more." in message


def test_tracker_spans_the_wait_for_the_pool():
    """The Tuned is written and the apply waits; the next apply writes nothing more: one
    message, from the objects before the first apply."""
    tracker = RolloutTracker()
    before = {"tuned": tuned(KARGS_OLD), "machineconfig": machine_config([])}
    after = {"tuned": tuned(KARGS_NEW), "machineconfig": machine_config([])}
    tracker.started("manual", before)
    tracker.started("manual", after)  # a second wait of the same change keeps the first
    message = tracker.finished(
        "manual",
        before=after,
        after=after,
        changed=False,
        policy=DisruptionPolicy(),
        pool=mcp(machine=2),
        node_labels=NODES,
    )
    assert message is not None
    assert "its 2 nodes" in message
    assert "kernel arguments added: isolcpus=managed_irq,2-5" in message
    assert "manual" not in tracker.before
    # Another completed apply that wrote nothing: no message.
    again = tracker.finished(
        "manual",
        before=after,
        after=after,
        changed=False,
        policy=DisruptionPolicy(),
        pool=mcp(machine=2),
        node_labels=NODES,
    )
    assert again is None


def test_tracker_forgets_a_deleted_profile():
    tracker = RolloutTracker()
    tracker.started("manual", {"tuned": tuned(KARGS_OLD)})
    tracker.forget("manual")
    tracker.forget("never-seen")
    assert tracker.before == {}


def test_nodes_pending_gauge_follows_pools_and_goes_with_the_profile():
    registry = CollectorRegistry()
    metrics = ControllerMetrics(registry)

    def value(name: str, pool_name: str) -> float | None:
        return registry.get_sample_value(
            "nto_performance_profile_nodes_pending", {"name": name, "pool": pool_name}
        )

    metrics.pending(
        "manual", "worker-cnf", pending_nodes(mcp(updating="True", machine=3, updated=1))
    )
    assert value("manual", "worker-cnf") == 2
    metrics.pending("manual", "worker-cnf", pending_nodes(mcp(updating="False", machine=3)))
    assert value("manual", "worker-cnf") == 0
    metrics.pending("manual", "other", 1)
    assert value("manual", "worker-cnf") == 0
    metrics.pending("manual", "other", 0, only=True)  # the reconcile knows its one pool
    assert value("manual", "worker-cnf") is None
    assert value("manual", "other") == 0
    metrics.not_pending("manual", "other")
    metrics.not_pending("manual", "never-seen")
    assert value("manual", "other") is None
    metrics.pending("manual", "worker-cnf", 1)
    metrics.pending("manual", "other", 1)
    metrics.no_pool("manual")  # the profile's nodeSelector matches no pool any more
    assert value("manual", "worker-cnf") is None
    assert value("manual", "other") is None
    metrics.no_pool("never-seen")
    metrics.pending("manual", "worker-cnf", 1)
    metrics.conditions("manual", [("Available", "True")])
    metrics.forget("manual")
    assert "nodes_pending{" not in generate_latest(registry).decode()
