"""What the Tuned controller knows of the cluster: its stores in the one controller runtime.

Each table is a :class:`~nto.runtime.store.Store` the runtime fills from kopf's watches (and
prunes on re-lists); the DaemonSet and the ClusterOperator are one-object stores read through
properties. Writes by the controller record the API's answer at once (:mod:`.writes`), so a
reconcile that runs before the watch event arrives does not write the same change twice.
Neighbours: :mod:`.handlers` (declares the watches), :mod:`.controller` (reads it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from nto.controller.computed import NodeFacts
from nto.controller.names import (
    CLUSTER_OPERATOR_NAME,
    DAEMONSET_NAME,
    GENERATED_BY_CONTROLLER_VERSION_ANNOTATION,
)
from nto.runtime.store import Resource, Store
from nto_api.names import (
    CONFIG_GROUP,
    MACHINECONFIG_GROUP,
    PROFILE_PLURAL,
    TUNED_GROUP,
    TUNED_PLURAL,
)
from nto_api.objects import JSONDict, annotations_of, name_of

__all__ = ["RESOURCES", "ClusterCache"]

TUNEDS: Final = Resource(TUNED_GROUP, "v1", TUNED_PLURAL)
PROFILES: Final = Resource(TUNED_GROUP, "v1", PROFILE_PLURAL)
NODES: Final = Resource("", "v1", "nodes")
POOLS: Final = Resource(MACHINECONFIG_GROUP, "v1", "machineconfigpools")
MACHINE_CONFIGS: Final = Resource(MACHINECONFIG_GROUP, "v1", "machineconfigs")
DAEMONSETS: Final = Resource("apps", "v1", "daemonsets")
CLUSTER_OPERATORS: Final = Resource(CONFIG_GROUP, "v1", "clusteroperators")

RESOURCES: Final = {
    "tuneds": TUNEDS,
    "profiles": PROFILES,
    "nodes": NODES,
    "pools": POOLS,
    "machine_configs": MACHINE_CONFIGS,
    "daemonsets": DAEMONSETS,
    "cluster_operators": CLUSTER_OPERATORS,
}
"""Cache table -> the resource it holds."""


def generated(mc: Mapping[str, Any]) -> bool:
    """MachineConfigs this operator wrote (the only ones it prunes)."""
    return GENERATED_BY_CONTROLLER_VERSION_ANNOTATION in annotations_of(mc)


def _named(name: str) -> Any:
    return lambda obj: name_of(obj) == name


@dataclass
class ClusterCache:
    """Objects the Tuned controller reads, by name (see the module docstring)."""

    tuneds: Store = field(default_factory=lambda: Store(TUNEDS))
    profiles: Store = field(default_factory=lambda: Store(PROFILES))
    nodes: Store = field(default_factory=lambda: Store(NODES))
    pools: Store = field(default_factory=lambda: Store(POOLS))
    machine_configs: Store = field(default_factory=lambda: Store(MACHINE_CONFIGS, where=generated))
    daemonsets: Store = field(
        default_factory=lambda: Store(DAEMONSETS, where=_named(DAEMONSET_NAME))
    )
    cluster_operators: Store = field(
        default_factory=lambda: Store(CLUSTER_OPERATORS, where=_named(CLUSTER_OPERATOR_NAME))
    )
    pod_labels: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    """node name -> pod "namespace/name" -> labels, only while the Pod watch runs."""

    @property
    def daemonset(self) -> JSONDict | None:
        return self.daemonsets.get(DAEMONSET_NAME)

    @daemonset.setter
    def daemonset(self, obj: JSONDict | None) -> None:
        self._set_single(self.daemonsets, DAEMONSET_NAME, obj)

    @property
    def cluster_operator(self) -> JSONDict | None:
        return self.cluster_operators.get(CLUSTER_OPERATOR_NAME)

    @cluster_operator.setter
    def cluster_operator(self, obj: JSONDict | None) -> None:
        self._set_single(self.cluster_operators, CLUSTER_OPERATOR_NAME, obj)

    @staticmethod
    def _set_single(store: Store, name: str, obj: JSONDict | None) -> None:
        if obj is None:
            store.pop(name, None)
        else:
            store[name] = obj

    def store(self, kind: str, obj: JSONDict, *, deleted: bool = False) -> None:
        """Record one object of ``kind`` (a table of this class) as the controller wrote it."""
        table: Store = getattr(self, kind)
        if deleted:
            table.pop(name_of(obj), None)
        else:
            table[name_of(obj)] = obj

    def node_facts(self, name: str) -> NodeFacts | None:
        node = self.nodes.get(name)
        return NodeFacts.from_node(node) if node is not None else None

    def all_node_facts(self) -> list[NodeFacts]:
        return [NodeFacts.from_node(node) for node in self.nodes.values()]

    def pods_on(self, node: str) -> list[dict[str, str]]:
        return list(self.pod_labels.get(node, {}).values())
