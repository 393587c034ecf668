"""The three PATCH flavours of the Kubernetes API: JSON merge, JSON patch and strategic merge.

Pure functions over JSON-like values; they never mutate their inputs. The store
(:mod:`nto.testing._store`) picks one by the request's content type; admission
(:mod:`nto.testing._admission`) reuses :func:`json_patch` for mutating webhooks' patches.
Strategic merge knows the merge keys of the few built-in list fields this project writes
(containers, volumes, env by name; conditions by type; ownerReferences by uid) and the
``$patch: delete`` / ``$patch: replace`` directives; other lists are replaced, as Kubernetes does
for lists without a merge key.
"""

from __future__ import annotations

import copy
from typing import Any

from nto.testing import _jsonpatch
from nto.testing._errors import ApiError

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"

# List fields merged by key in strategic merge patches, by field name.
MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "env": "name",
    "ports": "containerPort",
    "conditions": "type",
    "ownerReferences": "uid",
    "tolerations": "key",
    "imagePullSecrets": "name",
}
# List fields whose items are scalars merged as sets in strategic merge patches.
SET_LISTS = frozenset({"finalizers"})


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 (see :func:`nto.testing._jsonpatch.merge_patch`)."""
    return _jsonpatch.merge_patch(target, patch)


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902 on a copy of ``target``; a malformed or failing patch is an :class:`ApiError`.

    As kube-apiserver does, a body that is not a list of operations is a 400 (it cannot be
    decoded) and an operation that cannot be applied is a 422.
    """
    if not isinstance(operations, list):
        raise ApiError(
            400, "a JSON patch must be a list of operations, got " + type(operations).__name__
        )
    try:
        return _jsonpatch.apply_json_patch(target, operations)
    except _jsonpatch.JsonPatchError as error:
        raise ApiError(422, f"JSON patch {error}") from None


def _merge_keyed_list(target: list[Any], patch: list[Any], key: str) -> list[Any]:
    result = [copy.deepcopy(item) for item in target]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            raise ApiError(422, f"strategic merge patch list item {item!r} lacks merge key {key!r}")
        positions = [
            i for i, old in enumerate(result) if isinstance(old, dict) and old.get(key) == item[key]
        ]
        if item.get("$patch") == "delete":
            result = [old for i, old in enumerate(result) if i not in positions]
        elif positions:
            result[positions[0]] = strategic_merge_patch(result[positions[0]], item)
        else:
            result.append(strategic_merge_patch({}, item))
    return result


def strategic_merge_patch(target: Any, patch: Any) -> Any:
    """Kubernetes strategic merge for the built-in kinds (see ``MERGE_KEYS``)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    if patch.get("$patch") == "delete":
        return None
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        old = result.get(key)
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and isinstance(old, list) and key in MERGE_KEYS:
            result[key] = _merge_keyed_list(old, value, MERGE_KEYS[key])
        elif isinstance(value, list) and isinstance(old, list) and key in SET_LISTS:
            result[key] = old + [item for item in value if item not in old]
        elif isinstance(value, list):
            result[key] = [
                strategic_merge_patch({}, v) if isinstance(v, dict) else copy.deepcopy(v)
                for v in value
                if not (isinstance(v, dict) and v.get("$patch") == "delete")
            ]
        else:
            merged = strategic_merge_patch(old, value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
    return result


def apply_patch(content_type: str, target: dict[str, Any], patch: Any, *, strategic: bool) -> Any:
    """Dispatch on the PATCH content type; ``strategic`` says whether the kind supports it."""
    media = content_type.split(";", maxsplit=1)[0].strip().lower()
    if media == MERGE_PATCH:
        return merge_patch(target, patch)
    if media == JSON_PATCH:
        return json_patch(target, patch)
    if media == STRATEGIC_MERGE_PATCH:
        if not strategic:
            raise ApiError(
                415,
                "strategic merge patch is not supported for custom resources;"
                f" use {MERGE_PATCH} or {JSON_PATCH}",
                reason="UnsupportedMediaType",
            )
        return strategic_merge_patch(target, patch)
    if media == APPLY_PATCH:
        return merge_patch(target, patch)
    raise ApiError(
        415,
        f"PATCH content type {content_type!r} is not supported;"
        f" use {MERGE_PATCH}, {JSON_PATCH} or {STRATEGIC_MERGE_PATCH}",
        reason="UnsupportedMediaType",
    )
