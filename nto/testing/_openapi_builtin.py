"""The built-in kinds' OpenAPI definitions, from the schemas bundled with kubernetes-validate.

kubernetes-validate ships the Kubernetes definitions as JSON Schema (``$defs``, ``type: [x,
"null"]``, ``oneOf`` for int-or-string); :func:`builtin_definitions` serves them converted to
OpenAPI with ``$ref`` under a given prefix (``#/components/schemas/`` for v3, ``#/definitions/``
for v2), each converted on first use; :func:`builtin_by_gvk` finds a kind's definition by its
``x-kubernetes-group-version-kind``; :func:`closure` adds every definition a set of schemas
references. Used by :mod:`nto.testing._openapi` and :mod:`nto.testing._field_validation`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

KUBE_VERSION = "v1.31.0"
_DEFS_PREFIX = "#/$defs/"
GVK = "x-kubernetes-group-version-kind"


def _convert(node: Any, prefix: str) -> Any:
    """A JSON Schema node of kubernetes-validate as an OpenAPI schema with refs under prefix."""
    if isinstance(node, list):
        return [_convert(item, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    one_of = node.get("oneOf")
    if isinstance(one_of, list) and {
        t for item in one_of for t in (item.get("type") or []) if t != "null"
    } == {"string", "integer"}:
        return {"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": True}
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$schema", "$id"):
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS_PREFIX):
            result[key] = prefix + value[len(_DEFS_PREFIX) :]
        elif key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            if len(types) == 1:
                result[key] = types[0]
        elif key in ("enum", "default", "example", GVK):
            result[key] = value
        else:
            result[key] = _convert(value, prefix)
    return result


@functools.cache
def _raw_definitions() -> Mapping[str, Any]:
    from importlib import resources

    root = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    name = f"{KUBE_VERSION}-local"
    for candidate in (name, *sorted((p.name for p in root.iterdir()), reverse=True)):
        path = root / candidate / "_definitions.json"
        if path.is_file():
            document = json.loads(path.read_text())
            return dict(document.get("$defs") or document.get("definitions") or {})
    return {}


class _Converted(Mapping[str, Any]):
    """The raw definitions, each converted on first use (converting all takes ~0.5 s)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.raw = _raw_definitions()
        self.done: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        found = self.done.get(name)
        if found is None:
            found = self.done[name] = _convert(self.raw[name], self.prefix)
        return found

    def __contains__(self, name: object) -> bool:
        return name in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


@functools.cache
def builtin_definitions(prefix: str) -> Mapping[str, Any]:
    """Every bundled Kubernetes definition, converted, with refs under ``prefix``."""
    return _Converted(prefix)


@functools.cache
def builtin_by_gvk() -> Mapping[tuple[str, str, str], str]:
    found: dict[tuple[str, str, str], str] = {}
    for name, schema in _raw_definitions().items():
        for gvk in schema.get(GVK) or []:
            found.setdefault((gvk.get("group", ""), gvk.get("version", ""), gvk["kind"]), name)
    return found


def _refs(node: Any, prefix: str) -> Iterable[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(prefix):
            yield ref[len(prefix) :]
        for key, value in node.items():
            if key not in ("enum", "default", "example"):
                yield from _refs(value, prefix)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item, prefix)


def closure(roots: dict[str, Any], prefix: str) -> dict[str, Any]:
    """``roots`` plus every built-in definition they reference, transitively."""
    definitions = builtin_definitions(prefix)
    result = dict(roots)
    todo = [ref for schema in roots.values() for ref in _refs(schema, prefix)]
    while todo:
        name = todo.pop()
        if name in result or name not in definitions:
            continue
        result[name] = definitions[name]
        todo.extend(_refs(definitions[name], prefix))
    return result
