"""Values the profile calculator reads and returns: `NodeFacts`, `Operand`, `ComputedProfile`.

`ComputedProfile` renders the Profile ``spec`` the node must get. Neighbours: `calculator`
(produces them), `profile_diff` (turns them into Profile objects), `kargs` (reads MC labels and
bootcmdline deps).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nto.controller.names import (
    BOOTCMDLINE_ANNOTATION,
    BOOTCMDLINE_DEPS_ANNOTATION,
    DEFERRED_ALWAYS,
    DEFERRED_NEVER,
    DEFERRED_UPDATE,
    OS_LABEL,
)
from nto_api.objects import JSONDict, annotations_of, as_dict, get_map, labels_of, name_of

__all__ = [
    "ComputedProfile",
    "NodeFacts",
    "Operand",
    "deferred_mode",
    "is_linux_node",
    "provider_name",
]


def provider_name(provider_id: str) -> str:
    """The provider part of ``spec.providerID``: what precedes ``://``, or the whole ID."""
    head, sep, _ = provider_id.partition("://")
    return head if sep else provider_id


def deferred_mode(annotation_values: Mapping[str, str], key: str) -> str:
    """``always`` or ``update`` when the annotation says so exactly; ``never`` otherwise."""
    value = annotation_values.get(key)
    return value if value in {DEFERRED_ALWAYS, DEFERRED_UPDATE} else DEFERRED_NEVER


def is_linux_node(node_labels: Mapping[str, str]) -> bool:
    """Whether the node runs Linux; a node without the ``kubernetes.io/os`` label counts as Linux.

    The kubelet always sets the label; a hand-made Node without it is tuned rather than ignored.
    """
    return node_labels.get(OS_LABEL, "linux") == "linux"


@dataclass(frozen=True, slots=True)
class NodeFacts:
    """What the calculator and the MachineConfig gate need to know about a Node."""

    name: str
    labels: Mapping[str, str]
    provider_id: str = ""
    annotations: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_node(cls, node: Any) -> NodeFacts:
        """Facts from a Node dict or `nto_api.foreign.Node` model."""
        wire = as_dict(node)
        provider_id = get_map(wire, "spec").get("providerID")
        return cls(
            name=name_of(wire),
            labels=labels_of(wire),
            provider_id=provider_id if isinstance(provider_id, str) else "",
            annotations=annotations_of(wire),
        )

    @property
    def provider_name(self) -> str:
        """``spec.config.providerName`` for this node's Profile."""
        return provider_name(self.provider_id)

    @property
    def bootcmdline(self) -> str | None:
        """The kernel command line TuneD computed on the node, if reported."""
        return self.annotations.get(BOOTCMDLINE_ANNOTATION)

    @property
    def bootcmdline_deps(self) -> str | None:
        """The Tuned generations the reported bootcmdline was computed from, if reported."""
        return self.annotations.get(BOOTCMDLINE_DEPS_ANNOTATION)


@dataclass(frozen=True, slots=True)
class Operand:
    """Operand settings of the winning recommend (``recommend[].operand``)."""

    debug: bool = False
    verbosity: int = 0
    reapply_sysctl: bool | None = None

    @classmethod
    def from_recommend(cls, raw: Any) -> Operand:
        """Settings from a raw ``operand`` dict; mistyped fields fall back to their defaults."""
        if not isinstance(raw, Mapping):
            return _DEFAULT_OPERAND
        debug = raw.get("debug")
        verbosity = raw.get("verbosity")
        tuned_config = raw.get("tunedConfig")
        reapply = tuned_config.get("reapply_sysctl") if isinstance(tuned_config, Mapping) else None
        return cls(
            debug=debug if isinstance(debug, bool) else False,
            verbosity=verbosity if isinstance(verbosity, int) and _is_int(verbosity) else 0,
            reapply_sysctl=reapply if isinstance(reapply, bool) else None,
        )

    def tuned_config(self) -> JSONDict:
        """``tunedConfig`` as written into a Profile (``{}`` when reapply_sysctl is unset)."""
        return {} if self.reapply_sysctl is None else {"reapply_sysctl": self.reapply_sysctl}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_DEFAULT_OPERAND = Operand()


@dataclass(frozen=True, slots=True)
class ComputedProfile:
    """The calculator's answer for one node."""

    node: str
    tuned_profile: str
    operand: Operand
    deferred: str
    """``always``, ``update`` or ``never``: the winning Tuned's deferred annotation."""
    provider_name: str
    bootcmdline_deps: str
    profiles: tuple[tuple[str, str], ...]
    """Every TuneD profile of every Tuned, (name, data), de-duplicated and sorted by name."""
    mc_labels: Mapping[str, str] | None = None
    """The winner's machineConfigLabels, only when it won through them."""
    pools: tuple[str, ...] = ()
    """The node's pools (primary first) when the winner won through machineConfigLabels."""
    source: tuple[str, int] | None = None
    """(Tuned name, recommend index) of the winning rule; None without a winner."""
    node_pool: str = ""
    """HyperShift: the NodePool whose kernel-argument ConfigMap this Profile feeds (a NodePool
    match, :mod:`nto.controller.nodepools`); empty otherwise."""
    warnings: tuple[str, ...] = ()
    error: str | None = None
    """Set when no rule matched: the Profile must not be written and the node is retried."""

    def config(self) -> JSONDict:
        """``spec.config`` of the node's Profile."""
        return {
            "tunedProfile": self.tuned_profile,
            "debug": self.operand.debug,
            "verbosity": self.operand.verbosity,
            "tunedConfig": self.operand.tuned_config(),
            "providerName": self.provider_name,
        }

    def profile_list(self) -> list[JSONDict]:
        """``spec.profile`` of the node's Profile (fresh dicts, safe to mutate)."""
        return [{"name": profile, "data": data} for profile, data in self.profiles]

    def spec(self) -> JSONDict:
        """The full ``spec`` of the node's Profile."""
        return {"config": self.config(), "profile": self.profile_list()}
