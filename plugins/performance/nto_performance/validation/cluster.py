"""The cluster facts some validation rules need, as plain values the rules take as input.

Rule 1 compares the profile's nodeSelector with other profiles' (:class:`ProfileSelector`); rules
5 to 8 look at the nodes the profile selects (:class:`NodeFacts`). The admission webhook fetches
them (:mod:`nto_performance.webhooks.cluster_data`) and builds :class:`ClusterData` with
:func:`node_facts` and :func:`profile_selector`, which read wire objects defensively: a node
without ``status`` gives empty facts, never an exception. Neighbours: :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nto_api.objects import get_map, name_of

__all__ = [
    "ClusterData",
    "NodeFacts",
    "ProfileSelector",
    "cluster_data",
    "node_facts",
    "profile_selector",
]


@dataclass(frozen=True)
class NodeFacts:
    """What validation reads from a Node: its name, CPU architecture and CPU capacity."""

    name: str
    architecture: str = ""
    cpu_capacity: str = ""


@dataclass(frozen=True)
class ProfileSelector:
    """Another PerformanceProfile's name and ``spec.nodeSelector`` (None when unset)."""

    name: str
    node_selector: Mapping[str, str] | None


@dataclass(frozen=True)
class ClusterData:
    """Everything a validation run knows about the cluster.

    ``nodes_error`` and ``profiles_error`` hold the text of a failed lookup; the rules turn them
    into field errors instead of guessing.
    """

    nodes: tuple[NodeFacts, ...] = ()
    profiles: tuple[ProfileSelector, ...] = ()
    nodes_error: str | None = None
    profiles_error: str | None = None

    @property
    def architecture(self) -> str:
        """The first selected node's architecture, or ``""`` when unknown or without nodes."""
        return self.nodes[0].architecture if self.nodes else ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def node_facts(node: Any) -> NodeFacts:
    """The facts of one wire Node object; missing or mistyped fields read as ``""``."""
    status = get_map(node, "status")
    name = name_of(node)
    return NodeFacts(
        name=name or "<unnamed>",
        architecture=_text(get_map(status, "nodeInfo").get("architecture")),
        cpu_capacity=_text(get_map(status, "capacity").get("cpu")),
    )


def profile_selector(profile: Any) -> ProfileSelector | None:
    """Name and nodeSelector of a wire PerformanceProfile; None when it has no usable name."""
    name = name_of(profile)
    if not name:
        return None
    raw = get_map(profile, "spec").get("nodeSelector")
    if not isinstance(raw, Mapping):
        return ProfileSelector(name=name, node_selector=None)
    return ProfileSelector(name=name, node_selector={str(k): str(v) for k, v in raw.items()})


def cluster_data(
    *,
    nodes: Iterable[Any] = (),
    profiles: Iterable[Any] = (),
    nodes_error: str | None = None,
    profiles_error: str | None = None,
) -> ClusterData:
    """Build :class:`ClusterData` from wire Node and PerformanceProfile objects."""
    selectors = (profile_selector(profile) for profile in profiles)
    return ClusterData(
        nodes=tuple(node_facts(node) for node in nodes),
        profiles=tuple(s for s in selectors if s is not None),
        nodes_error=nodes_error,
        profiles_error=profiles_error,
    )
