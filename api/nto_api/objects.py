"""Safe readers of wire-format objects: dicts as the API server and kopf deliver them.

The one home of the small accessors every layer needs (``metadata.name``, labels, annotations,
nested maps and lists), for the core and plugins alike: a missing or mistyped field
(``labels: null``, ``spec: []``, no ``metadata`` at all) reads as empty instead of raising. Also
`JSONDict`, the type of a wire object built in code. Standard library only, so short command-line
paths may import it (no pydantic: `as_dict` dumps a model only when given one). Neighbours:
`names` (API groups, versions and well-known names), the models in `tuned`, `performance`,
`foreign`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "JSONDict",
    "annotations_of",
    "as_dict",
    "get_list",
    "get_map",
    "labels_of",
    "metadata_of",
    "name_of",
    "namespace_of",
    "resource_version_of",
    "str_map",
    "uid_of",
]

JSONDict = dict[str, Any]
"""A wire-format object or fragment (what ``json.loads`` returns for an object)."""

_EMPTY: Mapping[str, Any] = {}


def as_dict(obj: Any) -> Mapping[str, Any]:
    """The wire form of `obj`: a mapping as is, a pydantic model dumped by alias without nulls."""
    if isinstance(obj, Mapping):
        return obj
    dump = getattr(obj, "model_dump", None)
    if dump is not None:
        dumped: Mapping[str, Any] = dump(mode="json", by_alias=True, exclude_none=True)
        return dumped
    return _EMPTY


def get_map(obj: Any, *path: str) -> Mapping[str, Any]:
    """The mapping at `path` inside `obj`, or an empty mapping when absent or not a mapping."""
    current: Any = obj
    for key in path:
        if not isinstance(current, Mapping):
            return _EMPTY
        current = current.get(key)
    return current if isinstance(current, Mapping) else _EMPTY


def get_list(obj: Any, *path: str) -> list[Any]:
    """The list at `path` inside `obj`, or an empty list when absent or not a list."""
    *parents, last = path
    value = get_map(obj, *parents).get(last)
    return value if isinstance(value, list) else []


def str_map(value: Any) -> dict[str, str]:
    """`value` as a ``str -> str`` dict, dropping entries that are not strings."""
    if not isinstance(value, Mapping):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def metadata_of(obj: Any) -> Mapping[str, Any]:
    """``metadata``, or an empty mapping (also for ``None`` and non-mappings)."""
    return get_map(obj, "metadata")


def _meta_text(obj: Any, key: str) -> str:
    value = metadata_of(obj).get(key)
    return value if isinstance(value, str) else ""


def name_of(obj: Any) -> str:
    """``metadata.name``, or an empty string."""
    return _meta_text(obj, "name")


def namespace_of(obj: Any) -> str:
    """``metadata.namespace``, or an empty string (cluster-scoped objects)."""
    return _meta_text(obj, "namespace")


def resource_version_of(obj: Any) -> str:
    """``metadata.resourceVersion`` (of an object or a list), or an empty string."""
    return _meta_text(obj, "resourceVersion")


def uid_of(obj: Any) -> str:
    """``metadata.uid``, or an empty string."""
    return _meta_text(obj, "uid")


def labels_of(obj: Any) -> dict[str, str]:
    """``metadata.labels`` as strings."""
    return str_map(metadata_of(obj).get("labels"))


def annotations_of(obj: Any) -> dict[str, str]:
    """``metadata.annotations`` as strings."""
    return str_map(metadata_of(obj).get("annotations"))
