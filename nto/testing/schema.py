"""Structural-schema behaviour of kube-apiserver for custom resources (apiextensions.k8s.io/v1).

Pure functions over a CRD version's ``openAPIV3Schema`` and a decoded JSON object, used by the
emulated API server (:mod:`nto.testing`) on every create, update and patch, in the apiserver's
order::

    obj = prune(schema, obj)            # drop undeclared fields and non-nullable nulls
    obj = apply_defaults(schema, obj)   # fill absent fields from ``default``
    errors = validate(schema, obj)      # -> 422 Invalid with one cause per FieldError

:func:`unknown_fields` lists what :func:`prune` would drop, for ``fieldValidation=Warn/Strict``.

Field paths follow the apiserver's CRD validation: properties joined with dots, array items
with brackets and map entries (``additionalProperties``) with a dot, as kube-openapi prints them::

    spec.cpu.reserved    spec.recommend[0].priority    spec.machineConfigLabels.foo

Messages are the apiserver's ``field.Error`` bodies, e.g. ``Required value``,
``Invalid value: "string": spec.x in body must be of type integer: "string"``,
``Unsupported value: "x": supported values: "a", "b"``, ``Too long: may not be longer than 5``,
``Too many: 4: must have at most 3 items``, ``Duplicate value: "a"``,
``Invalid value: -1: spec.x in body should be greater than or equal to 0``,
``Invalid value: "x": spec.x in body should match '^a$'``. Deliberate differences: composite
(``anyOf``/``oneOf``/``allOf``/``not``) errors carry the node's path where the apiserver leaves
the field empty; objects shown as bad values are printed as JSON, not Go syntax; NaN and
infinities are rejected at typed number fields (the apiserver never decodes them).

``format`` is checked as the apiserver does it: only string formats from its list (``byte``,
``date``, ``date-time``, ``uuid``, ``ipv4``, ``ipv6``, ``cidr``, ``mac``, ``hostname``,
``duration`` here); numeric formats (``int32``, ``int64``...) are ignored by the apiserver and so
by default here too; pass ``int_formats=True`` to :func:`validate` to enforce their bounds.
Root ``metadata`` is not checked against the schema, only the object-name rules
(DNS-1123 subdomain) for ``metadata.name``. Patterns use Python's ``re`` (the apiserver uses
RE2-compatible ECMA patterns; the common subset behaves the same).

Hostile input never raises: wrong types anywhere become errors, objects nested deeper than
:data:`MAX_DEPTH` get one error at the cut, copies are iterative.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nto.testing._schema_shape import default_walk, prune_walk
from nto.testing._schema_validate import MAX_DEPTH, Validator, child, schema_types
from nto.testing._schema_values import FieldError, copy_json, type_name

__all__ = [
    "MAX_DEPTH",
    "FieldError",
    "apply_defaults",
    "prune",
    "unknown_fields",
    "validate",
]

INT_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
ROOT_METADATA_KEYS = frozenset({"name", "generateName"})


def validate(
    schema: Mapping[str, Any],
    obj: Mapping[str, Any],
    *,
    int_formats: bool = False,
) -> list[FieldError]:
    """Every way ``obj`` breaks ``schema``, worded like kube-apiserver; empty when valid.

    ``int_formats`` also enforces ``format: int32``/``int64`` bounds (the apiserver does not).
    """
    validator = Validator()
    if not isinstance(obj, Mapping):
        validator.type_error("", ("object",), type_name(obj))
        return validator.errors
    if not isinstance(schema, Mapping):
        return validator.errors
    root_types = schema_types(schema)
    if root_types and "object" not in root_types:
        validator.type_error("", root_types, "object")
        return validator.errors
    validator.check_object(schema, obj, "", 0, skip=frozenset({"metadata"}))
    _check_root_metadata(validator, schema, obj)
    if int_formats:
        validator.errors.extend(_int_format_errors(schema, obj))
    return validator.errors


def _check_root_metadata(
    validator: Validator, schema: Mapping[str, Any], obj: Mapping[str, Any]
) -> None:
    metadata = obj.get("metadata")
    validator.check_metadata_name(metadata, "metadata")
    properties = schema.get("properties")
    meta_schema = properties.get("metadata") if isinstance(properties, Mapping) else None
    if not isinstance(metadata, Mapping) or not isinstance(meta_schema, Mapping):
        return
    meta_properties = meta_schema.get("properties")
    if not isinstance(meta_properties, Mapping):
        return
    for key in ROOT_METADATA_KEYS & meta_properties.keys():
        if key in metadata:
            validator.check(meta_properties[key], metadata[key], child("metadata", key), 1)


def _int_format_errors(schema: Mapping[str, Any], obj: Any) -> list[FieldError]:
    """Bounds of ``format: int32``/``int64`` integers (iterative walk over the schema)."""
    errors: list[FieldError] = []
    stack: list[tuple[Any, Any, str, int]] = [(schema, obj, "", 0)]
    while stack:
        node, value, path, depth = stack.pop()
        if not isinstance(node, Mapping) or depth > MAX_DEPTH:
            continue
        bounds = INT_FORMAT_BOUNDS.get(str(node.get("format")))
        if bounds and isinstance(value, int) and not isinstance(value, bool):
            low, high = bounds
            if not low <= value <= high:
                detail = f"{path} in body must be of type {node['format']}: {value}"
                errors.append(FieldError(path, f"Invalid value: {value}: {detail}"))
        properties = node.get("properties")
        if isinstance(value, Mapping) and isinstance(properties, Mapping):
            for key, sub in properties.items():
                if key in value and not (depth == 0 and key == "metadata"):
                    stack.append((sub, value[key], child(path, key), depth + 1))
        if isinstance(value, list) and isinstance(node.get("items"), Mapping):
            for position, item in enumerate(value):
                stack.append((node["items"], item, f"{path}[{position}]", depth + 1))
    return errors


def apply_defaults(schema: Mapping[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` with the schema's defaults where fields are absent.

    Like the apiserver: a default also replaces ``null`` in a non-nullable field, defaults are
    applied inside array items and map values, and inside objects that were just defaulted.
    """
    result: dict[str, Any] = copy_json(obj)
    if isinstance(result, dict):
        default_walk(schema, result, 0)
    return result


def prune(schema: Mapping[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` without the fields ``schema`` does not declare.

    Kept: anything under ``x-kubernetes-preserve-unknown-fields: true`` (declared children are
    still pruned), map values under ``additionalProperties``, and ``apiVersion``, ``kind`` and
    ``metadata`` at the root and in ``x-kubernetes-embedded-resource`` objects (their
    ``metadata`` keeps only ObjectMeta fields). Also dropped, as the apiserver does: ``null``
    values of fields that are neither nullable nor defaulted.
    """
    result: dict[str, Any] = copy_json(obj)
    if isinstance(result, dict):
        prune_walk(schema, result, "", 0, None, resource=True)
    return result


def unknown_fields(schema: Mapping[str, Any], obj: Mapping[str, Any]) -> list[str]:
    """Paths of the fields :func:`prune` drops as undeclared (``spec.foo``, ``metadata.bar``).

    The apiserver warns ``unknown field "<path>"`` for each (or rejects with
    ``fieldValidation=Strict``).
    """
    found: list[str] = []
    scratch = copy_json(obj)
    if isinstance(scratch, dict):
        prune_walk(schema, scratch, "", 0, found, resource=True)
    return found
