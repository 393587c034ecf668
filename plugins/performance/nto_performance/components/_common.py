"""Small pure helpers shared by the renderers (errors, dict pruning, cpulist algebra).

Neighbours: every renderer in :mod:`nto_performance.components` imports from here and from
:mod:`.names`; renderers never import each other, so anything two of them need lives here.
No I/O, no logging, no clock, no environment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from nto_api.cpuset import CPUSet
from nto_api.performance.annotations import (
    CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION,
    DRA_RESOURCE_MANAGEMENT_ANNOTATION,
    ENABLE_PHYSICAL_DEV_RPS_ANNOTATION,
    ENABLE_RPS_ANNOTATION,
    EXEC_CPU_AFFINITY_ANNOTATION,
    PAUSE_RECONCILE_ANNOTATION,
)

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = [
    "RenderError",
    "annotation",
    "cpuset_union",
    "dra_resource_management_requested",
    "exec_cpu_affinity_disabled",
    "ovs_dpdk_load_balancing_disabled",
    "parse_bool",
    "physical_dev_rps_enabled",
    "prune",
    "reconcile_paused",
    "rps_enabled",
    "sorted_unique",
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


def sorted_unique(items: Iterable[str]) -> list[str]:
    """Sorted distinct strings (deterministic output from sets)."""
    return sorted(set(items))


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


def rps_enabled(profile: ProfileView) -> bool:
    """``performance.openshift.io/enable-rps`` is ``"true"`` or ``"enable"`` (RPS is off by
    default)."""
    return annotation(profile, ENABLE_RPS_ANNOTATION) in ("true", "enable")


def physical_dev_rps_enabled(profile: ProfileView) -> bool:
    """``performance.openshift.io/enable-physical-dev-rps: "true"``."""
    return annotation(profile, ENABLE_PHYSICAL_DEV_RPS_ANNOTATION) == "true"


def exec_cpu_affinity_disabled(profile: ProfileView) -> bool:
    """``performance.openshift.io/exec-cpu-affinity: "disable"``."""
    return annotation(profile, EXEC_CPU_AFFINITY_ANNOTATION) == "disable"


def dra_resource_management_requested(profile: ProfileView) -> bool:
    """``performance.openshift.io/dra-resource-management`` parsed as a Go bool; unparsable
    values count as false."""
    return parse_bool(annotation(profile, DRA_RESOURCE_MANAGEMENT_ANNOTATION) or "") is True


def ovs_dpdk_load_balancing_disabled(profile: ProfileView) -> bool:
    """``performance.openshift.io/cpu-load-balancing-ovs-dpdk: disable`` (case-insensitive)."""
    return (annotation(profile, CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION) or "").lower() == "disable"
