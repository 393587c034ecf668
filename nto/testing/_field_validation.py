"""Server-side field validation: the ``fieldValidation`` query parameter of POST, PUT and PATCH.

As a kube-apiserver does (https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation):
``Ignore`` drops unknown fields silently; ``Warn`` (the default) drops them and answers one
``Warning: 299 - "unknown field \\"spec.foo\\""`` header each; ``Strict`` rejects the request with
400 BadRequest, ``<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error:
unknown field "spec.foo"``, writing nothing. kubectl sends ``fieldValidation=Strict`` once
``/openapi/v3`` (:mod:`nto.testing._openapi`) shows that the PATCH operation takes it.

Unknown fields of custom resources are what CRD pruning would drop
(:func:`nto.testing.schema.unknown_fields`); of built-in kinds, fields their OpenAPI definition
does not declare. The router (:mod:`nto.testing._handler`) opens a :func:`scope` per write
request; :func:`check` runs where the schema is applied (:func:`nto.testing._crds.check_schema`).
Duplicate JSON keys are not detected (Python's JSON decoder keeps the last one).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from nto.testing._errors import ApiError
from nto.testing._resources import PRESERVE_UNKNOWN, ResourceInfo

DIRECTIVES = ("Ignore", "Warn", "Strict")


@dataclasses.dataclass
class Scope:
    directive: str
    warnings: list[str] = dataclasses.field(default_factory=list)


_SCOPE: contextvars.ContextVar[Scope | None] = contextvars.ContextVar(
    "nto_field_validation", default=None
)


@contextlib.contextmanager
def scope(directive: str | None) -> Iterator[Scope]:
    """Validate fields with ``directive`` (None or empty: Warn) for the enclosed request."""
    if directive not in (None, "", *DIRECTIVES):
        raise ApiError(
            400,
            f"fieldValidation {directive!r} is invalid; use one of {', '.join(DIRECTIVES)}",
        )
    current = Scope(directive or "Warn")
    token = _SCOPE.set(current)
    try:
        yield current
    finally:
        _SCOPE.reset(token)


def warning_header(message: str) -> str:
    """The ``Warning`` header value (RFC 7234 code 299) for ``message``."""
    escaped = message.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{escaped}"'


WARNING_ITEM_RUNES = 256
"""kube-apiserver cuts each warning to this many characters once the total passes the budget."""
WARNING_TOTAL_RUNES = 4 * 1024
"""kube-apiserver's budget for the warnings of one response (all sources)."""


def add_warning(message: str) -> None:
    """Record a warning from another source (an admission webhook) for the current request.

    As kube-apiserver's warning recorder does: control characters become spaces, empty and
    repeated messages are dropped; :func:`bounded_warnings` applies the size budget. No-op
    outside a :func:`scope`.
    """
    current = _SCOPE.get()
    if current is None:
        return
    text = "".join(" " if (ord(ch) < 32 or ord(ch) == 127) else ch for ch in message).strip()
    if text and text not in current.warnings:
        current.warnings.append(text)


def bounded_warnings(warnings: list[str]) -> list[str]:
    """The warnings a response carries: all of them while they fit in
    :data:`WARNING_TOTAL_RUNES` characters; past that each is cut to :data:`WARNING_ITEM_RUNES`
    and the ones that still do not fit are dropped (kube-apiserver's rule)."""
    if sum(len(w) for w in warnings) <= WARNING_TOTAL_RUNES:
        return list(warnings)
    kept: list[str] = []
    total = 0
    for warning in warnings:
        cut = warning if len(warning) <= WARNING_ITEM_RUNES else warning[:WARNING_ITEM_RUNES]
        if total + len(cut) > WARNING_TOTAL_RUNES:
            break
        kept.append(cut)
        total += len(cut)
    return kept


def _builtin_unknown(
    definitions: Mapping[str, Any],
    schema: Any,
    value: Any,
    path: str,
    *,
    found: list[str],
    depth: int,
) -> None:
    while isinstance(schema, Mapping) and "$ref" in schema:
        schema = definitions.get(str(schema["$ref"])[2:])
    if not isinstance(schema, Mapping) or depth > 64:
        return
    if isinstance(value, dict):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        if properties is None and not isinstance(extra, Mapping):
            return  # a free-form object
        for key, item in value.items():
            if properties is not None and key in properties:
                child_schema = properties[key]
            elif isinstance(extra, Mapping):
                child_schema = extra
            else:
                if extra is None and not schema.get("x-kubernetes-preserve-unknown-fields"):
                    found.append(f"{path}.{key}" if path else key)
                continue
            if isinstance(item, dict | list):
                child = f"{path}.{key}" if path else key
                _builtin_unknown(
                    definitions, child_schema, item, child, found=found, depth=depth + 1
                )
    elif isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    child = f"{path}[{index}]"
                    _builtin_unknown(definitions, items, item, child, found=found, depth=depth + 1)


def unknown(info: ResourceInfo, version: str, obj: Mapping[str, Any]) -> list[str]:
    """Paths of the fields of ``obj`` that the kind's schema in ``version`` does not declare."""
    if info.custom:
        schema = info.schemas.get(version)
        if not schema or schema == PRESERVE_UNKNOWN:
            return []
        from nto.testing import schema as schema_module

        return schema_module.unknown_fields(schema, obj)
    from nto.testing._openapi_builtin import builtin_by_gvk, builtin_definitions

    name = builtin_by_gvk().get((info.group, version, info.kind))
    if name is None:
        return []
    found: list[str] = []
    _builtin_unknown(
        builtin_definitions("#/"), {"$ref": f"#/{name}"}, obj, "", found=found, depth=0
    )
    return found


def check(info: ResourceInfo, version: str, obj: Mapping[str, Any]) -> None:
    """Apply the request's directive to the unknown fields of ``obj`` (no-op outside a scope)."""
    current = _SCOPE.get()
    if current is None or current.directive == "Ignore":
        return
    fields = unknown(info, version, obj)
    if not fields:
        return
    messages = [f'unknown field "{field}"' for field in fields]
    if current.directive == "Strict":
        raise ApiError(
            400,
            f'{info.kind} in version "{version}" cannot be handled as a {info.kind}:'
            f" strict decoding error: {', '.join(messages)}",
            reason="BadRequest",
        )
    current.warnings.extend(m for m in messages if m not in current.warnings)
