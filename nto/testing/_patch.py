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
    """RFC 7386: objects merge recursively, ``null`` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ApiError(422, f"JSON patch path {path!r} must start with '/'")
    return [_unescape(token) for token in path[1:].split("/")]


def _index(container: list[Any], token: str, path: str, *, adding: bool) -> int:
    if adding and token == "-":
        return len(container)
    try:
        index = int(token)
    except ValueError:
        raise ApiError(422, f"JSON patch path {path!r}: {token!r} is not a list index") from None
    limit = len(container) if adding else len(container) - 1
    if not 0 <= index <= limit:
        raise ApiError(422, f"JSON patch path {path!r}: index {index} is out of range")
    return index


def _parent(doc: Any, tokens: list[str], path: str) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, path, adding=False)]
        else:
            raise ApiError(422, f"JSON patch path {path!r} does not exist in the object")
    return node


def _get(doc: Any, path: str) -> Any:
    tokens = _pointer(path)
    if not tokens:
        return doc
    parent = _parent(doc, tokens, path)
    if isinstance(parent, dict) and tokens[-1] in parent:
        return parent[tokens[-1]]
    if isinstance(parent, list):
        return parent[_index(parent, tokens[-1], path, adding=False)]
    raise ApiError(422, f"JSON patch path {path!r} does not exist in the object")


def _add(doc: Any, path: str, value: Any) -> Any:
    tokens = _pointer(path)
    if not tokens:
        return value
    parent = _parent(doc, tokens, path)
    if isinstance(parent, dict):
        parent[tokens[-1]] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, tokens[-1], path, adding=True), value)
    else:
        raise ApiError(422, f"JSON patch path {path!r} does not point into an object or list")
    return doc


def _remove(doc: Any, path: str) -> Any:
    tokens = _pointer(path)
    parent = _parent(doc, tokens, path)
    if isinstance(parent, dict) and tokens and tokens[-1] in parent:
        del parent[tokens[-1]]
    elif isinstance(parent, list) and tokens:
        del parent[_index(parent, tokens[-1], path, adding=False)]
    else:
        raise ApiError(422, f"JSON patch cannot remove {path!r}: it does not exist in the object")
    return doc


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902: apply add/remove/replace/move/copy/test operations to a copy of ``target``."""
    if not isinstance(operations, list):
        raise ApiError(
            400, "a JSON patch must be a list of operations, got " + type(operations).__name__
        )
    doc = copy.deepcopy(target)
    for operation in operations:
        if not isinstance(operation, dict) or "op" not in operation or "path" not in operation:
            raise ApiError(400, f"JSON patch operation {operation!r} needs 'op' and 'path'")
        op, path = operation["op"], operation["path"]
        if op in ("add", "replace", "test") and "value" not in operation:
            raise ApiError(400, f"JSON patch operation {op!r} at {path!r} needs a 'value'")
        if op == "add":
            doc = _add(doc, path, copy.deepcopy(operation["value"]))
        elif op == "remove":
            doc = _remove(doc, path)
        elif op == "replace":
            _get(doc, path)
            doc = _add(_remove(doc, path), path, copy.deepcopy(operation["value"]))
        elif op in ("move", "copy"):
            value = copy.deepcopy(_get(doc, operation.get("from", "")))
            if op == "move":
                doc = _remove(doc, operation.get("from", ""))
            doc = _add(doc, path, value)
        elif op == "test":
            if _get(doc, path) != operation["value"]:
                raise ApiError(422, f"JSON patch test failed at {path!r}")
        else:
            raise ApiError(400, f"JSON patch operation {op!r} is unknown; use add, remove, ...")
    return doc


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
