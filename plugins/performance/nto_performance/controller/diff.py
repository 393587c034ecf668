"""Owner references, real differences and merges of the four objects a profile owns.

The controller writes an object only when it really differs (spec section 3, "Controller
behaviour"): the content compared as normalized JSON (so the KubeletConfiguration is compared
decoded, not as text, and without zero values: the Go operator serializes every field of its
KubeletConfiguration, ``"syncFrequency": "0s"``, ``"logging": {"verbosity": 0}`` and so on, and
the MCO merges only non-zero values into the node's kubelet configuration, so these mean nothing
and a KubeletConfig handed over from the Go operator stays as it is), labels and annotations
merged into the existing ones (keys the desired object does not set are kept), and our controller
owner reference present. Pure. Neighbours:
:mod:`.apply` (the writer), :mod:`nto_performance.components.manifestset` (desired objects).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, Final

from nto_api.names import PERFORMANCE_GROUP, PERFORMANCE_KIND, PERFORMANCE_V2
from nto_api.objects import metadata_of
from nto_performance.components._common import prune
from nto_performance.components.names import RenderedKind

__all__ = [
    "CONTENT_FIELDS",
    "PROFILE_API_VERSION",
    "PROFILE_KIND",
    "controller_owner",
    "differences",
    "merged_for_update",
    "owned_by",
    "with_owner",
]

PROFILE_API_VERSION: Final = PERFORMANCE_V2
PROFILE_KIND: Final = PERFORMANCE_KIND

CONTENT_FIELDS: Final[Mapping[RenderedKind, tuple[str, ...]]] = {
    "tuned": ("spec",),
    "machineconfig": ("spec",),
    "kubeletconfig": ("spec",),
    "runtimeclass": ("handler", "scheduling", "overhead"),
}
"""Top-level fields replaced on update, per kind (a RuntimeClass has no ``spec``)."""


def controller_owner(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The controller owner reference pointing at `profile` (a wire dict)."""
    meta = metadata_of(profile)
    return {
        "apiVersion": PROFILE_API_VERSION,
        "kind": PROFILE_KIND,
        "name": meta.get("name", ""),
        "uid": meta.get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def owned_by(obj: Mapping[str, Any]) -> str | None:
    """The name of the PerformanceProfile controlling `obj`, if any."""
    for ref in metadata_of(obj).get("ownerReferences") or []:
        if (
            isinstance(ref, Mapping)
            and ref.get("kind") == PROFILE_KIND
            and str(ref.get("apiVersion", "")).startswith(f"{PERFORMANCE_GROUP}/")
            and ref.get("controller")
        ):
            name = ref.get("name")
            return str(name) if name else None
    return None


def with_owner(obj: Mapping[str, Any], owner: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `obj` whose only controller reference is `owner` (others kept)."""
    result = copy.deepcopy(dict(obj))
    meta = result.setdefault("metadata", {})
    others = [r for r in meta.get("ownerReferences") or [] if not r.get("controller")]
    meta["ownerReferences"] = [*others, dict(owner)]
    return result


_ZERO_VALUES: Final[tuple[Any, ...]] = ("", "0s", "0", 0, False, None, {}, [])


def _without_zero_values(value: Any) -> Any:
    """`value` without the zero values of mappings (Go's serialized defaults), recursively."""
    if isinstance(value, Mapping):
        items = {k: _without_zero_values(v) for k, v in value.items()}
        return {
            k: v
            for k, v in items.items()
            if not any(v == zero and type(v) is type(zero) for zero in _ZERO_VALUES)
        }
    if isinstance(value, list):
        return [_without_zero_values(v) for v in value]
    return value


def _normalized(value: Any) -> Any:
    return json.loads(json.dumps(prune(value), sort_keys=True))


def _content(kind: RenderedKind, obj: Mapping[str, Any], field: str) -> Any:
    value = _normalized(obj.get(field))
    if kind == "kubeletconfig" and isinstance(value, dict) and "kubeletConfig" in value:
        value = {**value, "kubeletConfig": _without_zero_values(value["kubeletConfig"])}
    return value


def _merged_map(
    existing: Mapping[str, Any], desired: Mapping[str, Any], key: str
) -> dict[str, Any]:
    return {**(existing.get(key) or {}), **(desired.get(key) or {})}


def differences(
    kind: RenderedKind,
    existing: Mapping[str, Any],
    desired: Mapping[str, Any],
) -> list[str]:
    """What differs between the stored object and the desired one (empty: leave it alone)."""
    found: list[str] = []
    for field in CONTENT_FIELDS[kind]:
        if _content(kind, existing, field) != _content(kind, desired, field):
            found.append(field)
    old_meta = metadata_of(existing)
    new_meta = metadata_of(desired)
    for key in ("labels", "annotations"):
        if _merged_map(old_meta, new_meta, key) != (old_meta.get(key) or {}):
            found.append(f"metadata.{key}")
    wanted = [r for r in new_meta.get("ownerReferences") or [] if r.get("controller")]
    if wanted and not any(_same_ref(r, wanted[0]) for r in old_meta.get("ownerReferences") or []):
        found.append("metadata.ownerReferences")
    return found


def _same_ref(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return bool(a.get("controller")) and all(
        a.get(k) == b.get(k) for k in ("apiVersion", "kind", "name", "uid")
    )


def merged_for_update(
    kind: RenderedKind,
    existing: Mapping[str, Any],
    desired: Mapping[str, Any],
) -> dict[str, Any]:
    """`existing` with the desired content replaced, labels and annotations merged and the
    desired controller reference; keeps resourceVersion so a stale write conflicts."""
    result = copy.deepcopy(dict(existing))
    for field in CONTENT_FIELDS[kind]:
        if field in desired:
            result[field] = copy.deepcopy(desired[field])
        else:
            result.pop(field, None)
    meta = result.setdefault("metadata", {})
    new_meta = metadata_of(desired)
    for key in ("labels", "annotations"):
        merged = _merged_map(meta, new_meta, key)
        if merged:
            meta[key] = merged
    owners = [r for r in new_meta.get("ownerReferences") or [] if r.get("controller")]
    if owners:
        others = [r for r in meta.get("ownerReferences") or [] if not r.get("controller")]
        meta["ownerReferences"] = [*others, copy.deepcopy(owners[0])]
    return result
