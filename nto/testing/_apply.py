"""Server-side apply (``PATCH`` with ``application/apply-patch+yaml``), simplified but honest.

What a kube-apiserver does (https://kubernetes.io/docs/reference/using-api/server-side-apply/)
and this module keeps: apply creates the object when it is missing; ``fieldManager`` is required;
each manager's applied fields are recorded in ``metadata.managedFields`` (``operation: Apply``,
``fieldsType: FieldsV1``); a field the same manager applied before and leaves out now is removed
unless another manager also applied it; a field another manager applied with a different value
is a 409 Conflict naming that manager, unless ``force=true`` moves ownership. The body may be
YAML or JSON.

Simplified: lists are atomic (no ``listType: map`` merging of items by key), ownership is tracked
only between Apply managers (create/update/patch writes record no ``Update`` entries), and the
``status`` subresource is applied as a JSON merge patch. The router
(:mod:`nto.testing._handler`) sends apply requests here; the write itself goes through the
normal pipeline (:mod:`nto.testing._pipeline`) as a create or an update.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from nto.testing._content import decode_body
from nto.testing._errors import ApiError
from nto.testing._patch import merge_patch
from nto.testing._pipeline import Api
from nto.testing._resources import ResourceInfo
from nto.testing._store import now
from nto_api.objects import metadata_of

APPLY_PATCH = "application/apply-patch+yaml"
_IGNORED = {("apiVersion",), ("kind",), ("status",)}
_IGNORED_META = {"name", "namespace", "resourceVersion", "managedFields", "uid", "generation"}
_RETRIES = 5

Path = tuple[str, ...]


def is_apply(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == APPLY_PATCH


def decode(raw: bytes) -> dict[str, Any]:
    """The apply configuration: JSON, or YAML (a single document, through the bounded safe
    loader of `._content`) as kubectl may send."""
    body = decode_body(raw, APPLY_PATCH)
    if not isinstance(body, dict):
        raise ApiError(400, f"the apply configuration must be an object, got {str(body)[:80]!r}")
    return body


def leaf_paths(obj: Mapping[str, Any], prefix: Path = ()) -> set[Path]:
    """The paths of the fields a manager owns by applying ``obj`` (maps recursed, lists atomic)."""
    found: set[Path] = set()
    for key, value in obj.items():
        path = (*prefix, key)
        if path in _IGNORED or (prefix == ("metadata",) and key in _IGNORED_META):
            continue
        if isinstance(value, dict) and value:
            found |= leaf_paths(value, path)
        else:
            found.add(path)
    return found


def to_fields_v1(paths: Iterable[Path]) -> dict[str, Any]:
    """``{"f:spec": {"f:size": {}}}`` for the path ``("spec", "size")``."""
    root: dict[str, Any] = {}
    for path in sorted(paths):
        node = root
        for key in path:
            node = node.setdefault(f"f:{key}", {})
    return root


def from_fields_v1(fields: Any, prefix: Path = ()) -> set[Path]:
    found: set[Path] = set()
    if not isinstance(fields, dict):
        return found
    for key, value in fields.items():
        if not key.startswith("f:"):
            continue
        path = (*prefix, key[2:])
        children = from_fields_v1(value, path)
        found |= children or {path}
    return found


def _lookup(obj: Any, path: Path) -> tuple[bool, Any]:
    for key in path:
        if not isinstance(obj, dict) or key not in obj:
            return False, None
        obj = obj[key]
    return True, obj


def _remove(obj: dict[str, Any], path: Path) -> None:
    parents = [obj]
    for key in path[:-1]:
        child = parents[-1].get(key)
        if not isinstance(child, dict):
            return
        parents.append(child)
    parents[-1].pop(path[-1], None)
    for depth in range(len(parents) - 1, 0, -1):  # drop maps the removal left empty
        if not parents[depth]:
            parents[depth - 1].pop(path[depth - 1], None)


def _dotted(path: Path) -> str:
    return "." + ".".join(path)


def merge_managed(
    current: Mapping[str, Any] | None,
    config: Mapping[str, Any],
    *,
    manager: str,
    api_version: str,
    force: bool,
) -> dict[str, Any]:
    """The object after ``manager`` applies ``config`` to ``current`` (None: not there yet)."""
    applied = leaf_paths(config)
    entries = [dict(e) for e in metadata_of(current).get("managedFields") or [] if e]
    mine = [e for e in entries if e.get("manager") == manager and e.get("operation") == "Apply"]
    others = [e for e in entries if e not in mine]
    previous = set().union(*(from_fields_v1(e.get("fieldsV1")) for e in mine))
    conflicts: list[tuple[str, Path]] = []
    for entry in others:
        owned = from_fields_v1(entry.get("fieldsV1"))
        if entry.get("operation") != "Apply":
            continue
        lost = {p for p in owned & applied if _lookup(current, p) != _lookup(config, p)}
        conflicts += [(str(entry.get("manager")), path) for path in sorted(lost)]
        if force and lost:
            entry["fieldsV1"] = to_fields_v1(owned - lost)
    if conflicts and not force:
        listed = "\n".join(f'- conflict with "{who}": {_dotted(path)}' for who, path in conflicts)
        raise ApiError(
            409,
            f"Apply failed with {len(conflicts)} conflict{'s' if len(conflicts) > 1 else ''}:"
            f" {listed.lstrip('- ') if len(conflicts) == 1 else chr(10) + listed}",
            reason="Conflict",
        )
    kept_by_others = set().union(*(from_fields_v1(e.get("fieldsV1")) for e in others))
    result = copy.deepcopy(dict(current)) if current is not None else {}
    for path in previous - applied - kept_by_others:
        _remove(result, path)
    config_body = {k: v for k, v in config.items() if k != "status"}
    result = dict(merge_patch(result, config_body))
    entry = {
        "manager": manager,
        "operation": "Apply",
        "apiVersion": api_version,
        "time": now(),
        "fieldsType": "FieldsV1",
        "fieldsV1": to_fields_v1(applied),
    }
    kept = [e for e in others if e.get("fieldsV1") or e.get("operation") != "Apply"]
    result.setdefault("metadata", {})["managedFields"] = [*kept, entry]
    return result


async def server_side_apply(
    api: Api,
    info: ResourceInfo,
    version: str,
    *,
    namespace: str,
    name: str,
    raw: bytes,
    query: Mapping[str, str],
) -> tuple[dict[str, Any], int]:
    """Apply ``raw`` as ``query['fieldManager']``; returns the object and 200 or 201."""
    manager = query.get("fieldManager") or ""
    if not manager:
        raise ApiError(
            422,
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value:'
            " is required for apply patch",
            reason="Invalid",
        )
    force = (query.get("force") or "").lower() == "true"
    config = decode(raw)
    config_name = metadata_of(config).get("name")
    if config_name not in (None, name):
        raise ApiError(
            400,
            f"the name of the applied object ({config_name!r}) does not match the name on the"
            f" URL ({name!r})",
        )
    config.setdefault("metadata", {})["name"] = name
    for attempt in range(_RETRIES):
        stored = api.store.get(info, namespace, name)
        current = None if stored is None else await api.converter.one(info, stored, version)
        merged = merge_managed(
            current,
            config,
            manager=manager,
            api_version=info.api_version(version),
            force=force,
        )
        try:
            if current is None:
                return await api.create(info, version, namespace, merged), 201
            merged["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            obj = await api.replace(info, version, namespace=namespace, name=name, body=merged)
            return obj, 200
        except ApiError as exc:
            if exc.code != 409 or attempt == _RETRIES - 1:  # 409: a concurrent write, retry
                raise
    raise AssertionError("unreachable")  # pragma: no cover
