"""Safe readers of wire-format objects (dicts as kopf delivers them, or `nto_api` models).

Every controller module reads objects through these helpers, so a missing or mistyped field
(``labels: null``, ``spec: []``) reads as empty instead of raising. Neighbours: all modules of
`nto.controller`.
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
    "name_of",
    "str_map",
]

JSONDict = dict[str, Any]

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


def name_of(obj: Any) -> str:
    """``metadata.name``, or an empty string."""
    value = get_map(obj, "metadata").get("name")
    return value if isinstance(value, str) else ""


def labels_of(obj: Any) -> dict[str, str]:
    """``metadata.labels`` as strings."""
    return str_map(get_map(obj, "metadata").get("labels"))


def annotations_of(obj: Any) -> dict[str, str]:
    """``metadata.annotations`` as strings."""
    return str_map(get_map(obj, "metadata").get("annotations"))
