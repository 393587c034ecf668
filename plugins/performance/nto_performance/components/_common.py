"""Small pure helpers shared by the renderers (errors, dict pruning, cpulist algebra).

Neighbours: every renderer in :mod:`nto_performance.components` imports from here and from
:mod:`.names`; renderers never import each other, so anything two of them need lives here.
No I/O, no logging, no clock, no environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nto_api.cpuset import CPUSet
from nto_api.performance.annotations import (
    CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION,
    DRA_RESOURCE_MANAGEMENT_ANNOTATION,
    PAUSE_RECONCILE_ANNOTATION,
)

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = [
    "RenderError",
    "annotation",
    "cpuset_union",
    "dra_resource_management_requested",
    "ovs_dpdk_load_balancing_disabled",
    "parse_bool",
    "prune",
    "reconcile_paused",
    "wire_metadata",
]


class RenderError(ValueError):
    """A profile (or its render options) cannot be rendered; the message names field and fix."""


def cpuset_union(*cpulists: str | None) -> CPUSet:
    """The union of the given cpulists; ``None`` and empty strings count as empty sets."""
    result = CPUSet()
    for text in cpulists:
        if text:
            result = result | CPUSet.parse(text)
    return result


def prune(value: Any) -> Any:
    """A deep copy of `value` without ``None`` values, empty dicts and empty lists in mappings."""
    if isinstance(value, Mapping):
        out = {k: prune(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in out.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def wire_metadata(
    *,
    name: str,
    namespace: str | None = None,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """``metadata`` of a rendered object, with only the fields that carry a value."""
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = dict(labels)
    if annotations:
        meta["annotations"] = dict(annotations)
    return meta


_TRUE_WORDS = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE_WORDS = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def parse_bool(text: str) -> bool | None:
    """Go ``strconv.ParseBool``: the accepted spellings of true and false; ``None`` otherwise."""
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    return None


def annotation(profile: ProfileView, key: str) -> str | None:
    """The value of annotation `key` on `profile`, or ``None``."""
    return (profile.metadata.annotations or {}).get(key)


def reconcile_paused(profile: ProfileView) -> bool:
    """``performance.openshift.io/pause-reconcile: "true"``."""
    return annotation(profile, PAUSE_RECONCILE_ANNOTATION) == "true"


def dra_resource_management_requested(profile: ProfileView) -> bool:
    """``performance.openshift.io/dra-resource-management`` parsed as a Go bool; unparsable
    values count as false."""
    return parse_bool(annotation(profile, DRA_RESOURCE_MANAGEMENT_ANNOTATION) or "") is True


def ovs_dpdk_load_balancing_disabled(profile: ProfileView) -> bool:
    """``performance.openshift.io/cpu-load-balancing-ovs-dpdk: disable`` (case-insensitive)."""
    return (annotation(profile, CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION) or "").lower() == "disable"
