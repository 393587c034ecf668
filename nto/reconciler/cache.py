"""What the controller knows of the cluster, kept current from kopf's watch events.

Objects are stored as plain dicts by name. Writes by the controller update the cache from the
API's answer at once, so a reconcile that runs before the watch event arrives does not write the
same change twice. Neighbours: :mod:`.handlers` (fills it), :mod:`.controller` (reads it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nto.controller.computed import NodeFacts

JSONDict = dict[str, Any]


def name_of(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


@dataclass
class ClusterCache:
    """Objects the Tuned controller reads, by name."""

    tuneds: dict[str, JSONDict] = field(default_factory=dict)
    profiles: dict[str, JSONDict] = field(default_factory=dict)
    nodes: dict[str, JSONDict] = field(default_factory=dict)
    pools: dict[str, JSONDict] = field(default_factory=dict)
    machine_configs: dict[str, JSONDict] = field(default_factory=dict)
    daemonset: JSONDict | None = None
    cluster_operator: JSONDict | None = None
    pod_labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    """node name -> pod "namespace/name" -> labels, only while the Pod watch runs."""

    def store(self, kind: str, obj: JSONDict, *, deleted: bool = False) -> None:
        """Record one object of ``kind`` (a field name of this class holding a dict)."""
        table: dict[str, JSONDict] = getattr(self, kind)
        name = name_of(obj)
        if deleted:
            table.pop(name, None)
        else:
            table[name] = obj

    def node_facts(self, name: str) -> NodeFacts | None:
        node = self.nodes.get(name)
        return NodeFacts.from_node(node) if node is not None else None

    def all_node_facts(self) -> list[NodeFacts]:
        return [NodeFacts.from_node(node) for node in self.nodes.values()]

    def pods_on(self, node: str) -> list[dict[str, str]]:
        return list(self.pod_labels.get(node, {}).values())
