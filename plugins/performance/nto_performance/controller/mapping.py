"""Which PerformanceProfiles a watch event concerns, and which events matter (spec 6).

- a MachineConfigPool maps to the profiles whose nodeSelector (as a label set) its
  ``spec.nodeSelector`` selects; it matters when its conditions, labels or spec change;
- a TuneD ``Profile`` is named after its node: it maps to the profiles whose nodeSelector the
  node's labels satisfy; it matters when its conditions change;
- a KubeletConfig, MachineConfig, Tuned or RuntimeClass maps to the profile named in its
  controller owner reference; any change matters (the reference ignores KubeletConfig
  updates by mistake; we do not).

Pure. Neighbours: :mod:`.handlers` (feeds events), :mod:`.cache` (current objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nto_api.meta import LabelSelector
from nto_api.objects import metadata_of, name_of

__all__ = [
    "conditions_changed",
    "node_selector_of",
    "nodes_for_profile",
    "pool_changed",
    "profiles_for_node",
    "profiles_for_pool",
    "selects",
]


def node_selector_of(profile: Mapping[str, Any]) -> dict[str, str]:
    """``spec.nodeSelector`` of a profile wire dict (empty when missing or malformed)."""
    selector = (profile.get("spec") or {}).get("nodeSelector") or {}
    if not isinstance(selector, Mapping):
        return {}
    return {str(k): str(v) for k, v in selector.items()}


def selects(node_selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    """Whether `labels` carry every ``key: value`` of a non-empty `node_selector`."""
    return bool(node_selector) and all(labels.get(k) == v for k, v in node_selector.items())


def profiles_for_pool(
    pool: Mapping[str, Any],
    profiles: Iterable[Mapping[str, Any]],
) -> list[str]:
    """Names of the profiles whose nodeSelector the pool's ``spec.nodeSelector`` selects."""
    raw = (pool.get("spec") or {}).get("nodeSelector")
    if not isinstance(raw, Mapping):
        return []
    try:
        selector = LabelSelector.model_validate(raw)
    except ValueError:
        return []
    return sorted(
        name_of(p)
        for p in profiles
        if node_selector_of(p) and selector.matches(node_selector_of(p))
    )


def profiles_for_node(
    labels: Mapping[str, str],
    profiles: Iterable[Mapping[str, Any]],
) -> list[str]:
    """Names of the profiles whose nodeSelector the node's labels satisfy."""
    return sorted(name_of(p) for p in profiles if selects(node_selector_of(p), labels))


def nodes_for_profile(
    profile: Mapping[str, Any],
    nodes: Mapping[str, Mapping[str, str]],
) -> list[str]:
    """Names of the nodes (name -> labels) the profile's nodeSelector selects."""
    selector = node_selector_of(profile)
    return sorted(name for name, labels in nodes.items() if selects(selector, labels))


def _condition_facts(obj: Mapping[str, Any] | None) -> list[tuple[str, str, str, str]]:
    status = (obj or {}).get("status") or {}
    conditions = status.get("conditions") if isinstance(status, Mapping) else None
    return sorted(
        (
            str(c.get("type") or ""),
            str(c.get("status") or ""),
            str(c.get("reason") or ""),
            str(c.get("message") or ""),
        )
        for c in conditions or []
        if isinstance(c, Mapping)
    )


def conditions_changed(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
    """Whether the status conditions differ (timestamps ignored)."""
    return _condition_facts(old) != _condition_facts(new)


def pool_changed(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
    """Whether a pool's conditions, labels or spec changed (or it appeared or vanished)."""
    if old is None or new is None:
        return old is not new
    return (
        conditions_changed(old, new)
        or metadata_of(old).get("labels") != metadata_of(new).get("labels")
        or old.get("spec") != new.get("spec")
    )
