"""Which nodes a profile targets, which labels select its pool, and whether the nodes agree.

Pools are assigned to nodes the way the Machine Config Operator does it (`pools_for_node`):
a pool claims a node when its non-empty ``spec.nodeSelector`` matches the node's labels; Windows
nodes belong to no pool; a node may be claimed by ``worker`` plus one custom pool (the custom one
is then its primary pool), or by ``master`` alone; two custom pools, or ``master`` plus a custom
pool, are refused. A pool's nodes (`nodes_of_pool`) are those whose primary pool it is, minus the
nodes tainted ``NoSchedule`` with a ``key: value`` the pool's selector requires. On HyperShift the
nodes of a NodePool carry the label ``hypershift.openshift.io/nodePool``.

`pool_selector` picks the labels for ``spec.machineConfigPoolSelector`` and `compare_hardware`
checks that all targeted nodes share one CPU topology. Pure: inputs are the models that
`nto_performance.ppc.mustgather` reads and the `Hardware` of `nto_performance.ppc.snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nto_performance.ppc.hardware import Hardware

if TYPE_CHECKING:
    from nto_api.views import NodeView, PoolView

__all__ = [
    "NODE_POOL_LABEL",
    "HardwareComparison",
    "SelectionError",
    "compare_hardware",
    "group_by_node_pool",
    "group_by_pool",
    "nodes_in_no_node_pool",
    "nodes_of_node_pool",
    "nodes_of_pool",
    "pool_selector",
    "pools_for_node",
]

NODE_POOL_LABEL = "hypershift.openshift.io/nodePool"
_OS_LABEL = "kubernetes.io/os"
_MASTER = "master"
_WORKER = "worker"


class SelectionError(ValueError):
    """Nodes or pools of the must-gather cannot be resolved; the message names them."""


def _name(node: NodeView) -> str:
    return node.metadata.name or "<unnamed>"


def _labels(node: NodeView) -> dict[str, str]:
    return node.metadata.labels or {}


def pools_for_node(node: NodeView, pools: Mapping[str, PoolView]) -> list[str]:
    """Return the names of the pools claiming `node`, primary first (empty for none)."""
    labels = _labels(node)
    if labels.get(_OS_LABEL) == "windows":
        return []
    matching = []
    for name, pool in sorted(pools.items()):
        selector = pool.spec.node_selector
        if selector is None or not (selector.match_labels or selector.match_expressions):
            continue
        if selector.matches(labels):
            matching.append(name)
    custom = [name for name in matching if name not in (_MASTER, _WORKER)]
    if len(custom) > 1:
        raise SelectionError(
            f"node {_name(node)!r} belongs to {len(custom)} custom MachineConfigPools "
            f"{custom!r}; relabel it so that at most one custom pool selects it"
        )
    if custom and _MASTER in matching:
        raise SelectionError(
            f"node {_name(node)!r} belongs to both the master pool and the custom pool "
            f"{custom[0]!r}; a master node cannot join a custom pool"
        )
    if custom:
        return custom + ([_WORKER] if _WORKER in matching else [])
    if _MASTER in matching:
        return [_MASTER]
    return [_WORKER] if _WORKER in matching else []


def _tainted_for(node: NodeView, pool: PoolView) -> bool:
    """True when a NoSchedule taint of `node` names a ``key: value`` the pool selects on."""
    selector = pool.spec.node_selector
    wanted = (selector.match_labels if selector else None) or {}
    taints = (node.spec.taints if node.spec else None) or []
    return any(
        taint.effect == "NoSchedule" and wanted.get(taint.key) == (taint.value or "")
        for taint in taints
        if taint.key in wanted
    )


def group_by_pool(
    nodes: Iterable[NodeView], pools: Mapping[str, PoolView]
) -> dict[str, list[NodeView]]:
    """Return every pool's nodes (possibly none), keyed by pool name.

    Nodes keep the order of `nodes` (the must-gather's file order, which the Go binary follows
    too: ``sno-b.yaml`` comes before ``sno.yaml``).
    """
    groups: dict[str, list[NodeView]] = {name: [] for name in pools}
    for node in nodes:
        names = pools_for_node(node, pools)
        if names and not _tainted_for(node, pools[names[0]]):
            groups[names[0]].append(node)
    return groups


def nodes_of_pool(
    nodes: Iterable[NodeView], pools: Mapping[str, PoolView], pool_name: str
) -> list[NodeView]:
    """Return the nodes whose primary pool is `pool_name`; refuse an unknown or empty pool."""
    if pool_name not in pools:
        raise SelectionError(
            f"MachineConfigPool {pool_name!r} is not in the must-gather; "
            f"pass --mcp-name with one of {sorted(pools)!r}"
        )
    selected = group_by_pool(nodes, pools)[pool_name]
    if not selected:
        raise SelectionError(
            f"MachineConfigPool {pool_name!r} has no nodes in the must-gather (no untainted node "
            "has it as its primary pool); pick a pool that has nodes"
        )
    return selected


def group_by_node_pool(nodes: Iterable[NodeView]) -> dict[str, list[NodeView]]:
    """Return the nodes of every HyperShift NodePool, keyed by the pool's label value.

    Nodes keep the order of `nodes`, as in `group_by_pool`.
    """
    groups: dict[str, list[NodeView]] = {}
    for node in nodes:
        pool = _labels(node).get(NODE_POOL_LABEL)
        if pool is not None:
            groups.setdefault(pool, []).append(node)
    return groups


def nodes_in_no_node_pool(nodes: Iterable[NodeView]) -> list[str]:
    """Return the names of the nodes without the HyperShift NodePool label, sorted."""
    return sorted(_name(node) for node in nodes if NODE_POOL_LABEL not in _labels(node))


def nodes_of_node_pool(nodes: Iterable[NodeView], node_pool: str) -> list[NodeView]:
    """Return the nodes labelled with HyperShift NodePool `node_pool`; refuse an empty pool."""
    groups = group_by_node_pool(nodes)
    if not groups:
        raise SelectionError(
            f"no node has the label {NODE_POOL_LABEL}={node_pool!r}: no node of this hosted "
            f"must-gather has a {NODE_POOL_LABEL} label at all; gather the NodePool's nodes "
            "(they carry it)"
        )
    if node_pool not in groups:
        raise SelectionError(
            f"no node has the label {NODE_POOL_LABEL}={node_pool!r}; "
            f"pass --node-pool-name with one of {sorted(groups)!r}"
        )
    return groups[node_pool]


def pool_selector(pool_name: str, pools: Mapping[str, PoolView]) -> dict[str, str]:
    """Return one label of the pool that no other pool carries with the same value.

    Among several such labels, a key ending with the pool's name wins; the first in key order
    breaks remaining ties.
    """
    own = pools[pool_name].metadata.labels or {}
    others = {
        (key, value)
        for name, pool in pools.items()
        if name != pool_name
        for key, value in (pool.metadata.labels or {}).items()
    }
    unique = sorted(key for key, value in own.items() if (key, value) not in others)
    if not unique:
        raise SelectionError(
            f"MachineConfigPool {pool_name!r} has no label that other pools lack "
            f"(its labels: {own!r}); add one, e.g. machineconfiguration.openshift.io/role: "
            f"{pool_name}, to select it in machineConfigPoolSelector"
        )
    preferred = [key for key in unique if key.endswith(pool_name)]
    key = (preferred or unique)[0]
    return {key: own[key]}


@dataclass(frozen=True, slots=True)
class HardwareComparison:
    """The outcome of `compare_hardware` when the nodes agree."""

    different_core_ids: bool
    """The nodes match in every respect but the core ids sysfs reports."""


def _core_ids(hardware: Hardware) -> list[list[int]]:
    return [[core.core_id for core in node.cores] for node in hardware.numa_nodes]


def _difference(first: Hardware, other: Hardware, first_arch: str, arch: str) -> str | None:
    if first_arch != arch:
        return f"architecture {first_arch!r} != {arch!r}"
    if len(first.numa_nodes) != len(other.numa_nodes):
        return f"{len(first.numa_nodes)} NUMA nodes != {len(other.numa_nodes)}"
    for mine, theirs in zip(first.numa_nodes, other.numa_nodes, strict=True):
        if mine.id != theirs.id:
            return f"NUMA node id {mine.id} != {theirs.id}"
        if len(mine.cores) != len(theirs.cores):
            return f"NUMA node {mine.id} has {len(mine.cores)} cores != {len(theirs.cores)}"
        for core, twin in zip(mine.cores, theirs.cores, strict=True):
            if len(core.cpus) != len(twin.cpus):
                return (
                    f"NUMA node {mine.id}: core of CPU {core.first_cpu} has {len(core.cpus)} "
                    f"threads != {len(twin.cpus)}"
                )
            if core.cpus != twin.cpus:
                return f"NUMA node {mine.id}: core CPUs {list(core.cpus)} != {list(twin.cpus)}"
    return None


def compare_hardware(
    hardware: Mapping[str, Hardware], architectures: Mapping[str, str]
) -> HardwareComparison:
    """Check that every node in `hardware` (keyed by node name) has the same CPU topology.

    Architecture, NUMA node ids, cores per node, threads per core and the CPUs of each core must
    match; a mismatch raises `SelectionError` ("targeted nodes differ: ..."). Differing core ids
    only set `HardwareComparison.different_core_ids`.
    """
    names = sorted(hardware)
    first = names[0]
    different_ids = False
    for name in names[1:]:
        why = _difference(
            hardware[first],
            hardware[name],
            architectures.get(first, ""),
            architectures.get(name, ""),
        )
        if why is not None:
            raise SelectionError(
                f"targeted nodes differ: nodes {first!r} and {name!r}: {why}; "
                "select a pool whose nodes have identical hardware"
            )
        different_ids |= _core_ids(hardware[first]) != _core_ids(hardware[name])
    return HardwareComparison(different_core_ids=different_ids)
