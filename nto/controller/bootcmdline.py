"""Gating kernel-argument MachineConfigs on what the nodes report, and the readiness signal.

A pool's ``50-nto-<pool>`` MachineConfig is written only when **every** node whose primary pool it
is reports a ``bootcmdline-deps`` annotation equal to the Profile's (so all computed their command
line from the same Tuned generations, e.g. not mid-upgrade) **and** the same ``bootcmdline``.
Nodes that disagree are in a bootcmdline conflict (ClusterOperator Degraded ``ProfileConflict``);
a Profile whose ``machineConfigLabels`` select more than one pool is ``MCLabelsAcrossMCPs``.

The readiness signal tells the performance plugin that pool P applied Tuned T at generation G:
the pool's deps start with the current release version and list ``T:G`` exactly.

`KargTracker` and `BootcmdlineSignals` hold state in memory (no I/O); the kopf layer keeps one of
each. Neighbours: `kargs` (the MachineConfig itself), `pools`, `computed` (`NodeFacts`),
`status` (counts of conflicts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from nto.controller.computed import NodeFacts
from nto.controller.names import machine_config_name
from nto.controller.pools import pools_for_machine_config_labels, pools_for_node

__all__ = [
    "BootcmdlineSignals",
    "GateResult",
    "KargTracker",
    "MachineConfigTarget",
    "deps_ready",
    "gate_pool",
    "machine_config_target",
    "nodes_in_pool",
]

GateState = Literal["wait", "conflict", "ready"]


@dataclass(frozen=True)
class MachineConfigTarget:
    """Where a Profile's kernel arguments go: the MC name and the pools selecting its labels."""

    name: str
    pools: tuple[str, ...]

    @property
    def across_pools(self) -> bool:
        """The labels select several pools: not supported (``MCLabelsAcrossMCPs``)."""
        return len(self.pools) > 1


def machine_config_target(
    mc_labels: Mapping[str, str],
    pools: Sequence[Mapping[str, Any]],
) -> MachineConfigTarget:
    """The MachineConfig for a Profile that won through `mc_labels`."""
    names = tuple(pools_for_machine_config_labels(mc_labels, pools))
    return MachineConfigTarget(machine_config_name(names), names)


def nodes_in_pool(
    pool: str,
    nodes: Iterable[NodeFacts],
    pools: Sequence[Mapping[str, Any]],
) -> list[NodeFacts]:
    """The nodes whose primary pool is `pool`."""
    return [n for n in nodes if pools_for_node(n.name, n.labels, pools).primary == pool]


@dataclass(frozen=True)
class GateResult:
    """Whether the pool's MachineConfig may be written, and who holds it back."""

    state: GateState
    bootcmdline: str = ""
    """The command line all nodes agree on (state ``ready``)."""
    waiting_for: tuple[str, ...] = ()
    """Nodes whose reported deps differ from the Profile's (state ``wait``)."""
    conflicting: tuple[str, ...] = ()
    """Nodes whose bootcmdline differs from the subject node's (state ``conflict``)."""
    agreeing: tuple[str, ...] = ()
    """Nodes of the pool that are not in conflict."""
    message: str = ""


def gate_pool(
    pool: str,
    subject: NodeFacts,
    pool_nodes: Sequence[NodeFacts],
    expected_deps: str,
) -> GateResult:
    """Gate pool `pool` for the Profile of `subject` whose deps are `expected_deps`."""
    members = {n.name: n for n in pool_nodes}
    members.setdefault(subject.name, subject)
    lagging = tuple(
        sorted(n for n, facts in members.items() if facts.bootcmdline_deps != expected_deps)
    )
    if lagging:
        return GateResult(
            "wait",
            waiting_for=lagging,
            message=(
                f"waiting for {len(lagging)} node(s) of MachineConfigPool {pool!r} to report "
                f"bootcmdline-deps {expected_deps!r}: {', '.join(lagging[:5])}"
            ),
        )
    wanted = subject.bootcmdline or ""
    conflicting = tuple(sorted(n for n, f in members.items() if (f.bootcmdline or "") != wanted))
    agreeing = tuple(sorted(set(members) - set(conflicting)))
    if conflicting:
        return GateResult(
            "conflict",
            conflicting=conflicting,
            agreeing=agreeing,
            message=(
                f"nodes of MachineConfigPool {pool!r} disagree on the kernel command line: "
                f"{subject.name!r} has {wanted!r}, {len(conflicting)} node(s) differ "
                f"({', '.join(conflicting[:5])}); give the pool's nodes the same TuneD profile"
            ),
        )
    return GateResult("ready", bootcmdline=wanted, agreeing=agreeing)


@dataclass
class KargTracker:
    """Which nodes are in a bootcmdline conflict or use MC labels across pools."""

    bootcmdline_conflict: set[str] = field(default_factory=set)
    mc_labels_across_mcps: set[str] = field(default_factory=set)

    def record_gate(self, result: GateResult) -> None:
        """Mark the conflicting nodes and clear the agreeing ones (no change while waiting)."""
        self.bootcmdline_conflict.difference_update(result.agreeing)
        self.bootcmdline_conflict.update(result.conflicting)

    def record_target(self, node: str, target: MachineConfigTarget | None) -> None:
        """Remember whether `node`'s Profile uses MC labels across pools (None: no MC labels)."""
        if target is not None and target.across_pools:
            self.mc_labels_across_mcps.add(node)
        else:
            self.mc_labels_across_mcps.discard(node)

    def forget(self, node: str) -> None:
        """Drop a deleted node."""
        self.bootcmdline_conflict.discard(node)
        self.mc_labels_across_mcps.discard(node)


def deps_ready(deps: str | None, release_version: str, dep: str) -> bool:
    """Whether `deps` were computed by `release_version` and include `dep` exactly."""
    if not deps or not dep:
        return False
    version, *elements = deps.split(",")
    return version == release_version and dep in elements


@dataclass
class BootcmdlineSignals:
    """Per pool, the deps of the kernel arguments last written to its MachineConfig."""

    by_pool: dict[str, str] = field(default_factory=dict)
    listeners: list[Callable[[str], None]] = field(default_factory=list)
    """Called with the pool's name on each piece of news (``OperatorContext.on_pool_applied``)."""

    def signal_ready(self, pool: str, deps: str) -> bool:
        """Record that `pool` applied `deps`; True when that is news (de-duplicated per pool)."""
        if self.by_pool.get(pool) == deps:
            return False
        self.by_pool[pool] = deps
        for listener in self.listeners:
            listener(pool)
        return True

    def is_ready(self, pool: str, dep: str, release_version: str) -> bool:
        """Whether `pool` applied `dep` (``<tuned>:<generation>``) under `release_version`."""
        return deps_ready(self.by_pool.get(pool), release_version, dep)
