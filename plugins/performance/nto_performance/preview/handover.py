"""The handover preview: what taking over a cluster from the Go operator rewrites, and its cost.

For every PerformanceProfile of the cluster, the four objects ours renders are compared with the
objects of the same names the Go operator left (MachineConfig ``50-performance-<name>``,
KubeletConfig ``performance-<name>``, Tuned ``openshift-node-performance-<name>``, RuntimeClass
``performance-<name>``) with the controller's own notion of a real difference
(:func:`nto_performance.controller.diff.differences`: the KubeletConfiguration decoded and
without the Go operator's zero values). An object ours would not rewrite counts as unchanged; a
rewritten one is compared as it stands (zero values dropped) with ours, under the same MCO rule
as every preview (:mod:`.effects`). Metadata-only rewrites (labels, owner references) cost no
node action and are listed as notes. Pure. Neighbours: :mod:`.plan`, :mod:`.command`,
``docs/upgrade.md`` (what the handover rewrites, measured against the Go binary).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from nto_api.objects import name_of
from nto_performance.components.names import RenderedKind
from nto_performance.controller.diff import CONTENT_FIELDS, differences
from nto_performance.preview.plan import (
    ClusterFacts,
    ProfilePreview,
    Rendered,
    assemble,
    render_profile,
)

__all__ = ["handover_previews"]

_ZERO: Final[tuple[Any, ...]] = ("", "0s", "0", 0, False, None, {}, [])


def _without_zero_values(value: Any) -> Any:
    if isinstance(value, Mapping):
        items = {k: _without_zero_values(v) for k, v in value.items()}
        return {
            k: v for k, v in items.items() if not any(v == z and type(v) is type(z) for z in _ZERO)
        }
    if isinstance(value, list):
        return [_without_zero_values(v) for v in value]
    return value


def _as_compared(kind: str, obj: Mapping[str, Any]) -> dict[str, Any]:
    shown = dict(obj)
    if kind == "kubeletconfig" and isinstance(shown.get("spec"), Mapping):
        spec = dict(shown["spec"])
        spec["kubeletConfig"] = _without_zero_values(spec.get("kubeletConfig"))
        shown["spec"] = spec
    return shown


def handover_previews(
    profiles: Mapping[str, Mapping[str, Any]],
    existing: Mapping[tuple[str, str], Mapping[str, Any]],
    facts: ClusterFacts,
) -> tuple[list[ProfilePreview], list[str]]:
    """One preview per profile and the metadata-only rewrites; `existing` maps
    ``(rendered kind, name)`` to the object found in the cluster."""
    previews: list[ProfilePreview] = []
    notes: list[str] = []
    for name, raw in sorted(profiles.items()):
        profile, desired, problem = render_profile(raw, facts)
        before: Rendered = {}
        for kind, obj in desired.items():
            if obj is None:
                continue
            object_name = name_of(obj)
            current = existing.get((kind, object_name))
            if current is None:
                before[kind] = None
                continue
            found = differences(kind, current, obj)  # type: ignore[arg-type]
            content = [f for f in found if f in CONTENT_FIELDS[kind]]  # type: ignore[index]
            if not content:
                before[kind] = obj
                if found:
                    notes.append(
                        f"{_KINDS[kind]} {object_name!r}: rewrites {', '.join(found)} only"
                    )
            else:
                before[kind] = _as_compared(kind, current)
        previews.append(assemble(name, profile, before, desired, facts, render_problem=problem))
    return previews, notes


_KINDS: Final[Mapping[RenderedKind | str, str]] = {
    "machineconfig": "MachineConfig",
    "kubeletconfig": "KubeletConfig",
    "tuned": "Tuned",
    "runtimeclass": "RuntimeClass",
}
