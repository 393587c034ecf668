"""Which MachineConfigPool a PerformanceProfile targets, and whether that pool fits it.

Spec section 6, steps 5 and 6. A pool matches when its ``spec.nodeSelector`` selects the
profile's nodeSelector as a label set; exactly one must match (else Degraded
``GettingMachineConfigPoolFailed``). The chosen pool needs a non-empty machineConfigSelector,
labels (the KubeletConfig binds to them) and a machineConfigSelector that selects the profile's
MachineConfig labels (else Degraded ``BadMachineConfigLabels``). Pure. Neighbours:
:mod:`.reconciler` (the caller), :mod:`.status` (the reasons), :mod:`.mapping`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from nto_api.foreign.mco import MachineConfigPool
from nto_api.meta import LabelSelector
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components import names
from nto_performance.components._common import RenderError

__all__ = [
    "BAD_MACHINE_CONFIG_LABELS",
    "GETTING_POOL_FAILED",
    "PoolError",
    "labels_text",
    "pools_matching",
    "select_pool",
    "selector_text",
    "validate_pool",
]

GETTING_POOL_FAILED: Final = "GettingMachineConfigPoolFailed"
BAD_MACHINE_CONFIG_LABELS: Final = "BadMachineConfigLabels"


class PoolError(Exception):
    """The profile has no usable pool; ``reason`` is the Degraded condition's reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def labels_text(labels: Mapping[str, str]) -> str:
    """A label set as Kubernetes prints it: sorted ``key=value`` joined by commas."""
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels))


def selector_text(selector: LabelSelector) -> str:
    """A label selector as Kubernetes prints it (``a=b,c in (d,e),!f``)."""
    terms = [f"{key}={value}" for key, value in sorted((selector.match_labels or {}).items())]
    for requirement in selector.match_expressions or []:
        values = ",".join(sorted(requirement.values or []))
        terms.append(
            {
                "In": f"{requirement.key} in ({values})",
                "NotIn": f"{requirement.key} notin ({values})",
                "Exists": requirement.key,
                "DoesNotExist": f"!{requirement.key}",
            }.get(requirement.operator, f"{requirement.key} {requirement.operator} ({values})")
        )
    return ",".join(terms)


def _dedupe(pools: Iterable[MachineConfigPool]) -> list[MachineConfigPool]:
    seen: dict[str, MachineConfigPool] = {}
    for pool in pools:
        seen.setdefault(pool.metadata.name or "", pool)
    return list(seen.values())


def pools_matching(
    node_selector: Mapping[str, str],
    pools: Iterable[MachineConfigPool],
) -> list[MachineConfigPool]:
    """Pools (deduplicated by name) whose nodeSelector selects the label set `node_selector`;
    pools without a nodeSelector select nothing."""
    labels = dict(node_selector)
    return [
        pool
        for pool in _dedupe(pools)
        if pool.spec.node_selector is not None and pool.spec.node_selector.matches(labels)
    ]


def select_pool(
    profile: PerformanceProfile,
    pools: Iterable[MachineConfigPool],
) -> MachineConfigPool:
    """The one pool of `profile`; `PoolError` (``GettingMachineConfigPoolFailed``) otherwise."""
    selector = labels_text(profile.spec.node_selector)
    matched = pools_matching(profile.spec.node_selector, pools)
    name = profile.metadata.name
    if not matched:
        raise PoolError(
            GETTING_POOL_FAILED,
            f"failed to find MCP with the node selector that matches labels {selector!r} "
            f"(spec.nodeSelector of PerformanceProfile {name!r}); create a MachineConfigPool "
            "whose spec.nodeSelector selects these labels, or fix spec.nodeSelector",
        )
    if len(matched) > 1:
        found = ", ".join(sorted(repr(pool.metadata.name) for pool in matched))
        raise PoolError(
            GETTING_POOL_FAILED,
            f"more than one MCP found that matches performance profile node selector "
            f"{selector!r} of PerformanceProfile {name!r}: {found}; make exactly one "
            "MachineConfigPool select these labels",
        )
    return matched[0]


def validate_pool(profile: PerformanceProfile, pool: MachineConfigPool) -> None:
    """Check that `pool` can carry the profile's objects; `PoolError`
    (``BadMachineConfigLabels``) naming the pool, the field and the fix otherwise."""
    pool_name = pool.metadata.name
    selector = pool.spec.machine_config_selector
    if selector is None or not (selector.match_labels or selector.match_expressions):
        raise PoolError(
            BAD_MACHINE_CONFIG_LABELS,
            f"the MachineConfigPool {pool_name!r} has an empty spec.machineConfigSelector; "
            "give it a selector that selects the profile's MachineConfig labels",
        )
    if not pool.metadata.labels:
        raise PoolError(
            BAD_MACHINE_CONFIG_LABELS,
            f"the MachineConfigPool {pool_name!r} has no labels, so the KubeletConfig of "
            f"PerformanceProfile {profile.metadata.name!r} cannot select it; label the pool "
            "or set spec.machineConfigPoolSelector",
        )
    try:
        mc_labels = names.machine_config_label(profile)
    except RenderError as exc:
        raise PoolError(BAD_MACHINE_CONFIG_LABELS, str(exc)) from exc
    if selector.matches(mc_labels):
        return
    origin = (
        "spec.machineConfigLabel"
        if profile.spec.machine_config_label
        else "the labels generated from spec.nodeSelector"
    )
    raise PoolError(
        BAD_MACHINE_CONFIG_LABELS,
        f"the machine config labels {labels_text(mc_labels)!r} ({origin} of PerformanceProfile "
        f"{profile.metadata.name!r}) do not match the MachineConfigPool {pool_name!r} "
        f"machineConfigSelector {selector_text(selector)!r}; set spec.machineConfigLabel to "
        "labels the pool selects",
    )
