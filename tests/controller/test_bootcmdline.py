"""Gating MachineConfigs on node reports, conflict tracking, the readiness signal."""

from __future__ import annotations

import pytest

from nto.controller.bootcmdline import (
    BootcmdlineSignals,
    GateResult,
    KargTracker,
    deps_ready,
    gate_pool,
    machine_config_target,
    nodes_in_pool,
)
from nto.controller.computed import NodeFacts

from .conftest import standard_pools

DEPS = "4.20.0,default:1,rt:2"
BOOT = "tuned.openshift.io/bootcmdline"
BOOT_DEPS = "tuned.openshift.io/bootcmdline-deps"


def _node(name, deps=DEPS, cmdline="nohz=on", **labels):
    annotations = {}
    if deps is not None:
        annotations[BOOT_DEPS] = deps
    if cmdline is not None:
        annotations[BOOT] = cmdline
    return NodeFacts(
        name, labels or {"node-role.kubernetes.io/worker-rt": ""}, annotations=annotations
    )


GATE_CASES = [
    (
        "all agree",
        [_node("a"), _node("b")],
        GateResult("ready", bootcmdline="nohz=on", agreeing=("a", "b")),
    ),
    ("one lags on deps", [_node("a"), _node("b", deps="4.20.0,default:1,rt:1")], "wait"),
    ("one has not reported", [_node("a"), _node("b", deps=None)], "wait"),
    ("one differs", [_node("a"), _node("b", cmdline="nohz=off")], "conflict"),
    (
        "missing cmdline counts as empty",
        [_node("a", cmdline=""), _node("b", cmdline=None)],
        "ready",
    ),
]


@pytest.mark.parametrize(
    ("nodes", "expected"), [c[1:] for c in GATE_CASES], ids=[c[0] for c in GATE_CASES]
)
def test_gate_pool(nodes, expected):
    result = gate_pool("worker-rt", nodes[0], nodes, DEPS)
    if isinstance(expected, GateResult):
        assert result == expected
    else:
        assert result.state == expected


def test_gate_messages_name_pool_and_nodes():
    wait = gate_pool("worker-rt", _node("a"), [_node("a"), _node("b", deps="old")], DEPS)
    assert wait.waiting_for == ("b",)
    assert wait.message == (
        "waiting for 1 node(s) of MachineConfigPool 'worker-rt' to report bootcmdline-deps "
        "'4.20.0,default:1,rt:2': b"
    )
    conflict = gate_pool("worker-rt", _node("a"), [_node("a"), _node("b", cmdline="x")], DEPS)
    assert (conflict.conflicting, conflict.agreeing) == (("b",), ("a",))
    assert conflict.message == (
        "nodes of MachineConfigPool 'worker-rt' disagree on the kernel command line: 'a' has "
        "'nohz=on', 1 node(s) differ (b); give the pool's nodes the same TuneD profile"
    )


def test_subject_is_always_part_of_its_pool():
    result = gate_pool("worker-rt", _node("a", cmdline="x"), [_node("b")], DEPS)
    assert (result.state, result.conflicting) == ("conflict", ("b",))


def test_tracker_marks_and_clears():
    tracker = KargTracker()
    tracker.record_gate(gate_pool("p", _node("a"), [_node("a"), _node("b", cmdline="x")], DEPS))
    assert tracker.bootcmdline_conflict == {"b"}
    tracker.record_gate(gate_pool("p", _node("a"), [_node("a"), _node("b", deps="old")], DEPS))
    assert tracker.bootcmdline_conflict == {"b"}, "waiting changes nothing"
    tracker.record_gate(gate_pool("p", _node("a"), [_node("a"), _node("b")], DEPS))
    assert tracker.bootcmdline_conflict == set()
    pools = standard_pools()
    across = machine_config_target({"machineconfiguration.openshift.io/role": "worker"}, pools)
    assert (across.name, across.pools, across.across_pools) == (
        "50-nto-worker",
        ("worker", "worker-rt"),
        True,
    )
    tracker.record_target("a", across)
    assert tracker.mc_labels_across_mcps == {"a"}
    tracker.record_target("a", None)
    assert tracker.mc_labels_across_mcps == set()
    tracker.record_target("c", across)
    tracker.bootcmdline_conflict.add("c")
    tracker.forget("c")
    assert tracker == KargTracker()


def test_nodes_in_pool_uses_the_primary_pool():
    worker = "node-role.kubernetes.io/worker"
    rt = "node-role.kubernetes.io/worker-rt"
    nodes = [
        NodeFacts("w", {worker: ""}),
        NodeFacts("rt", {worker: "", rt: ""}),
        NodeFacts("m", {"node-role.kubernetes.io/master": "", worker: ""}),
    ]
    pools = standard_pools()
    assert [n.name for n in nodes_in_pool("worker-rt", nodes, pools)] == ["rt"]
    assert [n.name for n in nodes_in_pool("worker", nodes, pools)] == ["w"]
    assert [n.name for n in nodes_in_pool("master", nodes, pools)] == ["m"]


# Ported from the reference's readiness table (our own wording and values).
READY_CASES = [
    ("version and dep match", "4.20.0,tuned1:1", "4.20.0", "tuned1:1", True),
    ("dep among several", "4.20.0,a:3,tuned1:1,z:9", "4.20.0", "tuned1:1", True),
    ("wrong version", "4.19.0,tuned1:1", "4.20.0", "tuned1:1", False),
    ("wrong dep", "4.20.0,tuned2:1", "4.20.0", "tuned1:1", False),
    ("other generation", "4.20.0,tuned1:2", "4.20.0", "tuned1:1", False),
    ("partial name", "4.20.0,tuned1:1", "4.20.0", "tuned1", False),
    ("prefix of a longer name", "4.20.0,tuned10:1", "4.20.0", "tuned1:1", False),
    ("empty expected dep", "4.20.0,tuned1:1", "4.20.0", "", False),
    ("empty deps", "", "4.20.0", "tuned1:1", False),
    ("no deps recorded", None, "4.20.0", "tuned1:1", False),
    ("empty version on both sides", ",tuned1:1", "", "tuned1:1", True),
    ("empty env, versioned deps", "4.20.0,tuned1:1", "", "tuned1:1", False),
    ("version-only entry", "4.20.0", "4.20.0", "tuned1:1", False),
    ("version is not a dep", "4.20.0,tuned1:1", "4.20.0", "4.20.0", False),
    (
        "rc version with build metadata",
        "4.22.0-rc.1+git.abc123,t:1",
        "4.22.0-rc.1+git.abc123",
        "t:1",
        True,
    ),
    (
        "underscores and big generation",
        "4.20.0,my-tuned-profile_v2:123",
        "4.20.0",
        "my-tuned-profile_v2:123",
        True,
    ),
    ("version prefix only", "4.20.0.1,tuned1:1", "4.20.0", "tuned1:1", False),
]


@pytest.mark.parametrize(
    ("deps", "version", "dep", "expected"),
    [c[1:] for c in READY_CASES],
    ids=[c[0] for c in READY_CASES],
)
def test_deps_ready(deps, version, dep, expected):
    assert deps_ready(deps, version, dep) is expected
    signals = BootcmdlineSignals()
    if deps is not None:
        signals.signal_ready("worker-rt", deps)
    assert signals.is_ready("worker-rt", dep, version) is expected
    assert signals.is_ready("other-pool", dep, version) is False


def test_signal_is_deduplicated_per_pool():
    signals = BootcmdlineSignals()
    assert signals.signal_ready("p", DEPS) is True
    assert signals.signal_ready("p", DEPS) is False
    assert signals.signal_ready("q", DEPS) is True
    assert signals.signal_ready("p", "4.20.0,default:2") is True
    assert signals.is_ready("p", "default:2", "4.20.0")
