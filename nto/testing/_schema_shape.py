"""Pruning and defaulting walks behind :func:`nto.testing.schema.prune` and ``apply_defaults``.

Both mutate a private copy that the public functions made, following kube-apiserver's order and
rules: pruning drops fields the schema does not declare (except under
``x-kubernetes-preserve-unknown-fields``, and ``apiVersion``/``kind``/``metadata`` of the root and
of embedded resources) and drops ``null`` values of non-nullable fields that have no default;
defaulting fills absent (or non-nullable ``null``) properties and then descends into them.
The walks stop quietly at :data:`~nto.testing._schema_validate.MAX_DEPTH`; validation reports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nto.testing._schema_validate import MAX_DEPTH, child, index
from nto.testing._schema_values import copy_json

OBJECT_META_FIELDS = frozenset(
    {
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
    }
)
RESOURCE_FIELDS = frozenset({"apiVersion", "kind", "metadata"})


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = schema.get("properties")
    return properties if isinstance(properties, Mapping) else {}


def _has_default(schema: Mapping[str, Any]) -> bool:
    return schema.get("default") is not None


def _drops_null(schema: Any) -> bool:
    """A null here is pruned: the field is neither nullable nor defaulted."""
    return (
        isinstance(schema, Mapping)
        and schema.get("nullable") is not True
        and not _has_default(schema)
    )


def default_walk(schema: Any, value: Any, depth: int) -> None:
    """Apply the defaults of ``schema`` inside ``value`` (in place)."""
    if depth > MAX_DEPTH or not isinstance(schema, Mapping):
        return
    if isinstance(value, dict):
        properties = _properties(schema)
        for name, sub in properties.items():
            if not isinstance(sub, Mapping) or not _has_default(sub):
                continue
            if name not in value or (value[name] is None and sub.get("nullable") is not True):
                value[name] = copy_json(sub["default"])
        additional = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                default_walk(properties[key], item, depth + 1)
            elif isinstance(additional, Mapping):
                default_walk(additional, item, depth + 1)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for item in value:
                default_walk(items, item, depth + 1)


def prune_walk(
    schema: Any,
    value: Any,
    path: str,
    depth: int,
    unknown: list[str] | None,
    *,
    resource: bool = False,
) -> None:
    """Drop from ``value`` (in place) what ``schema`` does not declare; record dropped paths."""
    if depth > MAX_DEPTH or not isinstance(schema, Mapping):
        return
    if isinstance(value, dict):
        resource = resource or schema.get("x-kubernetes-embedded-resource") is True
        _prune_object(schema, value, path, depth, unknown, resource=resource)
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for position, item in enumerate(value):
                prune_walk(items, item, index(path, position), depth + 1, unknown)


def _prune_object(
    schema: Mapping[str, Any],
    value: dict[Any, Any],
    path: str,
    depth: int,
    unknown: list[str] | None,
    *,
    resource: bool,
) -> None:
    properties = _properties(schema)
    additional = schema.get("additionalProperties")
    keep_unknown = schema.get("x-kubernetes-preserve-unknown-fields") is True or additional is True
    for key in list(value):
        item, where = value[key], child(path, key)
        if resource and key in RESOURCE_FIELDS:
            if key == "metadata" and isinstance(item, dict):
                _prune_metadata(item, where, unknown)
            continue
        sub = properties.get(key) if key in properties else additional
        if isinstance(sub, Mapping):
            if item is None and _drops_null(sub):
                del value[key]
            else:
                prune_walk(sub, item, where, depth + 1, unknown)
        elif not keep_unknown:
            del value[key]
            if unknown is not None:
                unknown.append(where)


def _prune_metadata(metadata: dict[Any, Any], path: str, unknown: list[str] | None) -> None:
    for key in list(metadata):
        if key not in OBJECT_META_FIELDS:
            del metadata[key]
            if unknown is not None:
                unknown.append(child(path, key))
