"""Pool membership like the Machine Config Operator, pool selectors and hardware comparison."""

from __future__ import annotations

from typing import Any

import pytest

from nto_api.foreign import MachineConfigPool, Node
from nto_performance.ppc import hints
from nto_performance.ppc.selection import (
    SelectionError,
    compare_hardware,
    group_by_pool,
    pool_selector,
    pools_for_node,
)

from .conftest import DEFAULT_POOLS, build_machine, machine_layout, node_doc, pool_doc


def make_pools(specs: dict[str, dict[str, Any]] = DEFAULT_POOLS) -> dict[str, MachineConfigPool]:
    return {
        name: MachineConfigPool.model_validate(pool_doc(name, spec["labels"], spec["selector"]))
        for name, spec in specs.items()
    }


def make_node(name: str, labels: dict[str, str], **extra: Any) -> Node:
    return Node.model_validate(node_doc(name, labels, **extra))


MASTER = {"node-role.kubernetes.io/master": ""}
WORKER = {"node-role.kubernetes.io/worker": ""}
CNF = {"node-role.kubernetes.io/worker-cnf": ""}
GPU = {"node-role.kubernetes.io/gpu": ""}
WITH_GPU = {
    **DEFAULT_POOLS,
    "gpu": {"labels": {"role": "gpu"}, "selector": GPU},
    "empty": {"labels": {"role": "empty"}, "selector": None},
}


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (WORKER, ["worker"]),
        (MASTER, ["master"]),
        ({**MASTER, **WORKER}, ["master"]),
        ({**WORKER, **CNF}, ["worker-cnf", "worker"]),
        (CNF, ["worker-cnf"]),
        ({}, []),
        ({**WORKER, "kubernetes.io/os": "windows"}, []),
    ],
    ids=["worker", "master", "master-worker", "custom-worker", "custom-only", "none", "windows"],
)
def test_pools_for_node(labels: dict[str, str], expected: list[str]) -> None:
    assert pools_for_node(make_node("n", labels), make_pools(WITH_GPU)) == expected


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({**CNF, **GPU}, "node 'n' belongs to 2 custom MachineConfigPools ['gpu', 'worker-cnf']"),
        ({**MASTER, **GPU}, "node 'n' belongs to both the master pool and the custom pool 'gpu'"),
    ],
    ids=["two-custom", "master-custom"],
)
def test_pools_for_node_conflicts(labels: dict[str, str], message: str) -> None:
    with pytest.raises(SelectionError, match=message.replace("[", r"\[")):
        pools_for_node(make_node("n", labels), make_pools(WITH_GPU))


def test_expression_selectors_and_taints() -> None:
    pools = make_pools()
    pools["worker-cnf"] = MachineConfigPool.model_validate(
        {
            "metadata": {"name": "worker-cnf", "labels": {"r": "cnf"}},
            "spec": {
                "nodeSelector": {
                    "matchExpressions": [
                        {"key": "node-role.kubernetes.io/worker-cnf", "operator": "Exists"}
                    ]
                }
            },
        }
    )
    untainted = make_node("a", {**WORKER, **CNF})
    taint = {"key": "node-role.kubernetes.io/worker-cnf", "value": "", "effect": "NoSchedule"}
    # Only matchLabels take part in the taint rule: an Exists expression keeps the node.
    tainted = make_node("b", {**WORKER, **CNF}, taints=[taint])
    groups = group_by_pool([tainted, untainted], pools)
    # Nodes keep the given (file) order, as in the Go binary.
    assert [n.metadata.name for n in groups["worker-cnf"]] == ["b", "a"]

    pools = make_pools()
    other = {**taint, "effect": "NoExecute"}
    nodes = [
        make_node("t", {**WORKER, **CNF}, taints=[taint]),
        make_node("u", {**WORKER, **CNF}, taints=[other]),
        make_node("v", {**WORKER, **CNF}, taints=[{**taint, "value": "x"}]),
    ]
    groups = group_by_pool(nodes, pools)
    assert [n.metadata.name for n in groups["worker-cnf"]] == ["u", "v"]
    assert groups["worker"] == []
    assert groups["master"] == []


@pytest.mark.parametrize(
    ("pool", "pools", "expected"),
    [
        ("worker-cnf", DEFAULT_POOLS, {"machineconfiguration.openshift.io/role": "worker-cnf"}),
        ("master", DEFAULT_POOLS, {"pools.operator.machineconfiguration.openshift.io/master": ""}),
        (
            "edge",
            {
                **DEFAULT_POOLS,
                "edge": {"labels": {"b": "1", "a": "1"}, "selector": None},
            },
            {"a": "1"},
        ),
        (
            "edge",
            {
                "edge": {"labels": {"x/edge": "1", "a": "1", "z/edge": "1"}, "selector": None},
            },
            {"x/edge": "1"},
        ),
    ],
    ids=["unique", "prefer-name-suffix", "first-key", "first-suffixed"],
)
def test_pool_selector(pool: str, pools: dict[str, Any], expected: dict[str, str]) -> None:
    assert pool_selector(pool, make_pools(pools)) == expected


def test_pool_selector_without_unique_label() -> None:
    pools = {
        "a": {"labels": {"shared": ""}, "selector": None},
        "b": {"labels": {"shared": ""}, "selector": None},
    }
    with pytest.raises(SelectionError, match="MachineConfigPool 'a' has no label that other"):
        pool_selector("a", make_pools(pools))


def _renumbered(offset: int) -> list[tuple[int, int, int, int]]:
    return [(cpu, s, core + offset, n) for cpu, s, core, n in machine_layout(cores=4, threads=2)]


@pytest.mark.parametrize(
    ("other", "arch", "message"),
    [
        (build_machine(cores=4, threads=2), "arm64", "architecture 'amd64' != 'arm64'"),
        (build_machine(cores=4, threads=2, numa_per_socket=2), "amd64", "1 NUMA nodes != 2"),
        (
            build_machine([(c, s, k, n + 1) for c, s, k, n in machine_layout(cores=4, threads=2)]),
            "amd64",
            "NUMA node id 0 != 1",
        ),
        (build_machine(cores=5, threads=2), "amd64", "NUMA node 0 has 4 cores != 5"),
        (
            build_machine(cores=4, threads=2, offline=[5]),
            "amd64",
            "NUMA node 0: core of CPU 1 has 2 threads != 1",
        ),
    ],
    ids=["architecture", "numa-count", "numa-id", "cores", "threads"],
)
def test_compare_hardware_differences(other: Any, arch: str, message: str) -> None:
    base = build_machine(cores=4, threads=2)
    with pytest.raises(SelectionError) as caught:
        compare_hardware({"b": other, "a": base}, {"a": "amd64", "b": arch})
    assert str(caught.value) == (
        f"targeted nodes differ: nodes 'a' and 'b': {message}; "
        "select a pool whose nodes have identical hardware"
    )


def test_compare_identical_hardware() -> None:
    machine = build_machine(sockets=2, cores=4, threads=2)
    result = compare_hardware({"a": machine, "b": machine, "c": machine}, {})
    assert not result.different_core_ids


def test_compare_hardware_lp_lists() -> None:
    base = build_machine(cores=2, threads=2)  # cores (0,2) and (1,3)
    swapped = build_machine([(0, 0, 0, 0), (1, 0, 1, 0), (2, 0, 1, 0), (3, 0, 0, 0)])
    with pytest.raises(SelectionError, match=r"core CPUs \[0, 2\] != \[0, 3\]"):
        compare_hardware({"a": base, "b": swapped}, {})


def test_compare_hardware_core_ids_only_warn() -> None:
    result = compare_hardware(
        {"a": build_machine(_renumbered(0)), "b": build_machine(_renumbered(8))}, {}
    )
    assert result.different_core_ids


HINTS = [
    ("default", False, False, (False, False, False), None),
    ("low-latency", True, False, (False, True, False), None),
    ("low-latency", True, True, (False, True, True), None),
    ("ultra-low-latency", True, False, (True, True, False), None),
    ("default", False, True, (False, False, True), None),
    (
        "default",
        True,
        False,
        None,
        "default power consumption mode is not available with "
        "real-time kernel, please use one of [low-latency ultra-low-latency] modes",
    ),
    (
        "ultra-low-latency",
        False,
        True,
        None,
        "please use one of [default low-latency] power "
        "consumption modes together with the perPodPowerManagement",
    ),
]


@pytest.mark.parametrize(
    ("mode", "rt", "per_pod", "expected", "error"),
    HINTS,
    ids=[
        "default",
        "low-latency",
        "ll-per-pod",
        "ull",
        "default-per-pod",
        "default-rt",
        "ull-per-pod",
    ],
)
def test_workload_hints(
    mode: str,
    rt: bool,
    per_pod: bool,
    expected: tuple[bool, bool, bool] | None,
    error: str | None,
) -> None:
    if error is not None:
        with pytest.raises(hints.HintsError) as caught:
            hints.workload_hints(mode=mode, rt_kernel=rt, per_pod_power_management=per_pod)
        assert str(caught.value) == error
        return
    result = hints.workload_hints(mode=mode, rt_kernel=rt, per_pod_power_management=per_pod)
    assert (
        result.high_power_consumption,
        result.real_time,
        result.per_pod_power_management,
    ) == expected


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("Default", "default"),
        (" LOW-LATENCY ", "low-latency"),
        ("ultra-low-latency", "ultra-low-latency"),
    ],
)
def test_power_mode_case_insensitive(text: str, mode: str) -> None:
    assert hints.parse_power_mode(text) == mode
