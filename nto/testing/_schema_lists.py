"""Kubernetes-specific schema checks beside the kube-openapi ones, for :mod:`nto.testing.schema`.

kube-apiserver runs these after the OpenAPI validation proper and reports them with
apimachinery's own wording: ``x-kubernetes-list-type: set`` and ``map`` uniqueness
(``spec.x[1]: Duplicate value: "a"``) and the ``apiVersion``/``kind`` rules of
``x-kubernetes-embedded-resource`` objects. Called from :mod:`nto.testing._schema_validate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nto.testing._schema_values import (
    REASON_DUPLICATE,
    REASON_REQUIRED,
    FieldError,
    go_value,
    identity_key,
    short_json,
)


def list_type_errors(
    schema: Mapping[str, Any], value: Sequence[Any], path: str
) -> list[FieldError]:
    """Duplicates in a ``set`` list, or items sharing their keys in a ``map`` list."""
    list_type = schema.get("x-kubernetes-list-type")
    if list_type == "set":
        return _duplicates(path, value, identity_key, go_value)
    if list_type == "map":
        keys = schema.get("x-kubernetes-list-map-keys")
        if not isinstance(keys, list) or not keys:
            return []
        names = [key for key in keys if isinstance(key, str)]
        entries = [item for item in value if isinstance(item, Mapping)]
        if len(entries) != len(value):
            return []  # the item type errors say it better

        def key_of(item: Any) -> Any:
            return tuple(identity_key(item.get(name)) for name in names)

        def shown(item: Any) -> str:
            return short_json({name: item.get(name) for name in names if name in item})

        return _duplicates(path, value, key_of, shown)
    return []


def _duplicates(path: str, value: Sequence[Any], key_of: Any, shown: Any) -> list[FieldError]:
    seen: set[Any] = set()
    errors = []
    for position, item in enumerate(value):
        key = key_of(item)
        if key in seen:
            message = f"Duplicate value: {shown(item)}"
            errors.append(FieldError(f"{path}[{position}]", message, REASON_DUPLICATE))
        seen.add(key)
    return errors


def embedded_resource_errors(value: Mapping[Any, Any], path: str) -> list[FieldError]:
    """``apiVersion`` and ``kind`` must be non-empty strings in an embedded resource."""
    errors = []
    for name in ("apiVersion", "kind"):
        where = f"{path}.{name}" if path else name
        if name not in value:
            errors.append(FieldError(where, "Required value: must not be empty", REASON_REQUIRED))
            continue
        field = value[name]
        if not isinstance(field, str):
            errors.append(FieldError(where, f"Invalid value: {go_value(field)}: must be a string"))
        elif not field:
            errors.append(FieldError(where, 'Invalid value: "": must not be empty'))
        elif name == "apiVersion" and field.count("/") > 1:
            message = f"Invalid value: {go_value(field)}: unexpected GroupVersion string: {field}"
            errors.append(FieldError(where, message))
    return errors
