"""Turn pydantic models into structural OpenAPI v3 schemas for CRDs.

Neighbours: `crdgen` (assembles CRDs from the schemas), `_markers` (CRD facts carried in
``Annotated`` metadata), `meta` (the bases whose ``extra`` setting decides whether unknown fields
are preserved). Property names are the wire aliases; descriptions come from class and field
docstrings (`_fielddocs`). Only the types the models use are supported; anything else raises
`SchemaGenerationError`, so a new field with an unsupported type fails the generator's tests.
"""

from __future__ import annotations

import inspect
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pydantic
from pydantic.fields import FieldInfo

from nto_api._fielddocs import field_doc
from nto_api._markers import CrdDefault, Format, OpaqueItems, PreserveUnknown
from nto_api.errors import SchemaGenerationError

__all__ = ["object_schema", "root_schema"]

Schema = dict[str, Any]

_FORMAT_BOUNDS = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
_SCALARS: dict[Any, str] = {str: "string", int: "integer", bool: "boolean", float: "number"}
_ROOT_DOCS = {
    "apiVersion": "Versioned schema of this representation of the object; the API server "
    "converts recognised versions to the one it stores.",
    "kind": "REST resource this object represents, in CamelCase; set by the client, never changed.",
}


def describe(text: str | None) -> str | None:
    """A docstring as one CRD description line: paragraphs joined, RST backquotes dropped."""
    if not text:
        return None
    return " ".join(inspect.cleandoc(text).split()).replace("``", "")


def root_schema(model: type[pydantic.BaseModel]) -> Schema:
    """The ``openAPIV3Schema`` of a top-level kind: apiVersion, kind, metadata, spec, status."""
    schema = object_schema(model)
    for name, doc in _ROOT_DOCS.items():
        schema["properties"][name] = {"description": doc, "type": "string"}
    schema["properties"]["metadata"] = {"type": "object"}
    return schema


def object_schema(model: type[pydantic.BaseModel]) -> Schema:
    """The schema of one model: its properties, required fields and description."""
    schema: Schema = {"type": "object"}
    doc = describe(model.__doc__)
    if doc:
        schema["description"] = doc
    properties: Schema = {}
    required: list[str] = []
    for name, field in model.model_fields.items():
        wire = field.alias or name
        properties[wire] = _field_schema(model, name, field)
        if field.is_required():
            required.append(wire)
    schema["properties"] = properties
    if required:
        schema["required"] = sorted(required)
    if model.model_config.get("extra") == "allow":
        schema["x-kubernetes-preserve-unknown-fields"] = True
    return schema


def _field_schema(model: type[pydantic.BaseModel], name: str, field: FieldInfo) -> Schema:
    try:
        schema = _type_schema(field.annotation, list(field.metadata))
    except SchemaGenerationError as exc:
        raise SchemaGenerationError(f"{model.__name__}.{name}: {exc}") from None
    description = describe(field.description or field_doc(model, name))
    if description:
        schema["description"] = description
    return schema


def _type_schema(annotation: Any, metadata: list[Any]) -> Schema:
    annotation, metadata = _unwrap(annotation, metadata)
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        schema = object_schema(annotation)
    elif annotation in _SCALARS:
        schema = {"type": _SCALARS[annotation]}
    elif origin is Literal:
        schema = _enum_schema(get_args(annotation))
    elif origin is list:
        schema = {"type": "array", "items": _items_schema(get_args(annotation)[0], metadata)}
    elif origin is dict:
        schema = _map_schema(get_args(annotation), metadata)
    else:
        raise SchemaGenerationError(f"type {annotation!r} has no structural schema equivalent")
    _apply_metadata(schema, metadata)
    return schema


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """Strip ``Annotated`` (collecting its metadata) and ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            metadata = metadata + _flatten(extra)
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                raise SchemaGenerationError(f"union {annotation!r} is not structural")
            annotation = members[0]
        else:
            return annotation, metadata


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return out


def _enum_schema(values: tuple[Any, ...]) -> Schema:
    if not all(isinstance(v, str) for v in values):
        raise SchemaGenerationError(f"Literal{list(values)!r} must hold strings only")
    return {"type": "string", "enum": list(values)}


def _items_schema(item: Any, metadata: list[Any]) -> Schema:
    if any(isinstance(m, OpaqueItems) for m in metadata):
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return _type_schema(item, [])


def _map_schema(args: tuple[Any, ...], metadata: list[Any]) -> Schema:
    key, value = args
    if key is not str:
        raise SchemaGenerationError(f"map keys must be str, not {key!r}")
    if value is Any or any(isinstance(m, PreserveUnknown) for m in metadata):
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return {"type": "object", "additionalProperties": _type_schema(value, [])}


def _apply_metadata(schema: Schema, metadata: list[Any]) -> None:
    fmt = next((m.name for m in metadata if isinstance(m, Format)), None)
    bounds = _FORMAT_BOUNDS.get(fmt or "", (None, None))
    for item in metadata:
        if isinstance(item, Format):
            schema["format"] = item.name
        elif isinstance(item, CrdDefault):
            schema["default"] = item.value
        elif isinstance(item, annotated_types.MinLen):
            schema["minItems" if schema["type"] == "array" else "minLength"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            schema["maxItems" if schema["type"] == "array" else "maxLength"] = item.max_length
        elif isinstance(item, annotated_types.Ge) and item.ge != bounds[0]:
            schema["minimum"] = item.ge
        elif isinstance(item, annotated_types.Le) and item.le != bounds[1]:
            schema["maximum"] = item.le
        elif getattr(item, "pattern", None):
            schema["pattern"] = item.pattern
