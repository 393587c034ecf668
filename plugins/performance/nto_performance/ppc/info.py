"""The creator's ``info`` command: the CPU layout of every node, grouped by pool.

Nodes are grouped by their primary MachineConfigPool (every pool of the must-gather is listed,
an empty one with ``"nodes": null``) or, on HyperShift, by NodePool label; groups are sorted by
name, nodes keep the must-gather's file order (as in the Go binary). Per node: hyper-threading,
the online CPU count and, per NUMA node in id order, its CPUs ascending; a cell's ``id`` is its
index in that order.

`pool_infos` computes the values, `render_json` and `render_text` the two output formats:

- JSON: ``[{"name", "nodes": [{"name", "smt_enabled", "cpus_count", "numa_cells_count",
  "numa_cells": [{"id", "cores": [cpu, ...]}]}] | null}]``, or ``null`` without any group
- text, per pool: ``MCP '<name>' nodes:``, then per node ``Node: <n> (NUMA cells: K, HT: b)``,
  ``NUMA cell <i> : [a b c]`` per cell and ``CPU(s): N``, and ``---`` after each pool.

Neighbours: `mustgather` and `selection` provide the nodes, `snapshot` their hardware.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nto_performance.ppc.hardware import Hardware

if TYPE_CHECKING:
    from nto_api.views import NodeView

__all__ = ["NodeInfo", "PoolInfo", "pool_infos", "render_json", "render_text"]


@dataclass(frozen=True, slots=True)
class NodeInfo:
    name: str
    smt_enabled: bool
    cpus_count: int
    numa_cells: tuple[tuple[int, ...], ...]
    """The CPUs of each NUMA node, nodes in id order, CPUs ascending."""

    @classmethod
    def of(cls, name: str, hardware: Hardware) -> NodeInfo:
        return cls(
            name=name,
            smt_enabled=hardware.ht_enabled,
            cpus_count=hardware.cpu_count,
            numa_cells=tuple(tuple(node.cpus) for node in hardware.numa_nodes),
        )

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "smt_enabled": self.smt_enabled,
            "cpus_count": self.cpus_count,
            "numa_cells_count": len(self.numa_cells),
            "numa_cells": [
                {"id": index, "cores": list(cpus)} for index, cpus in enumerate(self.numa_cells)
            ],
        }


@dataclass(frozen=True, slots=True)
class PoolInfo:
    name: str
    nodes: tuple[NodeInfo, ...]


def pool_infos(
    groups: Mapping[str, Sequence[NodeView]], hardware_of: Callable[[str], Hardware]
) -> list[PoolInfo]:
    """Return the info of every group, sorted by name, nodes in their given order (the
    must-gather's file order, as in the Go binary); `hardware_of` reads a node's snapshot."""
    infos = []
    for pool in sorted(groups):
        names = [node.metadata.name or "" for node in groups[pool]]
        infos.append(PoolInfo(pool, tuple(NodeInfo.of(name, hardware_of(name)) for name in names)))
    return infos


def render_json(infos: Sequence[PoolInfo]) -> str:
    """The JSON form; no group at all (a hosted cluster without labelled nodes) is ``null``,
    as an empty list is in the Go binary's output."""
    document = [
        {"name": info.name, "nodes": [node.as_json() for node in info.nodes] or None}
        for info in infos
    ] or None
    return json.dumps(document, separators=(",", ":")) + "\n"


def render_text(infos: Sequence[PoolInfo]) -> str:
    lines = []
    for info in infos:
        lines.append(f"MCP '{info.name}' nodes:")
        for node in info.nodes:
            ht = "true" if node.smt_enabled else "false"
            lines.append(f"Node: {node.name} (NUMA cells: {len(node.numa_cells)}, HT: {ht})")
            for index, cpus in enumerate(node.numa_cells):
                lines.append(f"NUMA cell {index} : [{' '.join(map(str, cpus))}]")
            lines.append(f"CPU(s): {node.cpus_count}")
        lines.append("---")
    return "".join(line + "\n" for line in lines)
