"""The one composition point: a PerformanceProfile in, its four rendered objects out.

``render(profile, options)`` calls the four renderers (:mod:`.machineconfig`,
:mod:`.kubeletconfig`, :mod:`.tuned`, :mod:`.runtimeclass`) and returns a frozen `ManifestSet`
with one field per kind and :meth:`ManifestSet.in_apply_order` (Tuned first, then MachineConfig,
KubeletConfig, RuntimeClass: spec section 3.5). Owner references and labels are the callers'
business (the controller, the offline ``render`` command). Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from nto_performance.components import kubeletconfig, machineconfig, runtimeclass, tuned
from nto_performance.components.names import RenderedKind
from nto_performance.components.options import RenderOptions

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = ["APPLY_ORDER", "ManifestSet", "render"]

APPLY_ORDER: Final[tuple[RenderedKind, ...]] = (
    "tuned",
    "machineconfig",
    "kubeletconfig",
    "runtimeclass",
)
"""Kinds in the order the controller applies them (the Tuned first: its kernel arguments must
be computed by the nodes before the MachineConfig reboots them)."""


@dataclass(frozen=True, kw_only=True)
class ManifestSet:
    """The four wire dicts rendered from one profile."""

    machine_config: dict[str, Any]
    kubelet_config: dict[str, Any]
    tuned: dict[str, Any]
    runtime_class: dict[str, Any]

    def by_kind(self, kind: RenderedKind) -> dict[str, Any]:
        """The object of `kind` (``machineconfig``, ``kubeletconfig``, ``tuned``,
        ``runtimeclass``)."""
        return {
            "machineconfig": self.machine_config,
            "kubeletconfig": self.kubelet_config,
            "tuned": self.tuned,
            "runtimeclass": self.runtime_class,
        }[kind]

    def in_apply_order(self) -> Iterator[tuple[RenderedKind, dict[str, Any]]]:
        """``(kind, object)`` pairs in :data:`APPLY_ORDER`."""
        for kind in APPLY_ORDER:
            yield kind, self.by_kind(kind)


def render(profile: ProfileView, options: RenderOptions) -> ManifestSet:
    """All four objects of `profile`; `RenderError` (from any renderer) on bad input."""
    return ManifestSet(
        machine_config=machineconfig.render(profile, options),
        kubelet_config=kubeletconfig.render(profile, options),
        tuned=tuned.render(profile, options),
        runtime_class=runtimeclass.render(profile, options),
    )
