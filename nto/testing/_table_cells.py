"""Columns of server-side Tables: the ``TableColumnDefinition`` model, cells, CRD columns.

:class:`Column` pairs a column definition with the function computing its cell; ages are printed
as kubectl prints them (:func:`human_age`); :func:`path_column` evaluates a CRD printer column's
JSONPath (:mod:`nto.testing._jsonpath`) and types the first match as the apiserver's CRD table
convertor does; :func:`crd_columns` builds a CRD version's columns. The built-in kinds' columns
are in :mod:`nto.testing._table_builtin`; negotiation and rendering in :mod:`nto.testing._table`.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nto.testing._jsonpath import JsonPathError, find
from nto_api.objects import metadata_of, name_of

META_GROUP = "meta.k8s.io"
TABLE_VERSIONS = ("v1", "v1beta1")
NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although some"
    " resources may allow a client to request the generation of an appropriate name"
    " automatically. Name is primarily intended for creation idempotence and configuration"
    " definition. Cannot be updated. More info:"
    " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
AGE_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was created."
)
CRD_KEY = ("apiextensions.k8s.io", "customresourcedefinitions")

Obj = Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: its ``TableColumnDefinition`` fields and how to compute a cell."""

    name: str
    type: str
    cell: Callable[[Obj], Any]
    format: str = ""
    description: str = ""
    priority: int = 0

    def definition(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


# --- cells ------------------------------------------------------------------------------------


def human_age(seconds: float) -> str:
    """An age as kubectl prints it: ``45s``, ``3m12s``, ``25m``, ``5h3m``, ``12h``, ``3d4h``."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 120:
        return f"{max(s, 0)}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    years, rest = divmod(days, 365)
    return f"{years}y{rest}d" if rest and years < 8 else f"{years}y"


def age_of(timestamp: Any) -> str | None:
    """The age of an RFC 3339 timestamp, ``<invalid>`` when unreadable, None when absent."""
    if not isinstance(timestamp, str) or not timestamp:
        return None
    try:
        when = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return "<invalid>"
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return human_age((datetime.datetime.now(datetime.UTC) - when).total_seconds())


def _typed(kind: str, value: Any) -> Any:
    """A JSONPath result as the cell of a column of OpenAPI type ``kind``."""
    if value is None:
        return None
    if kind == "date":
        return age_of(value)
    if kind == "integer" and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def path_column(
    name: str, kind: str, path: str, *, priority: int = 0, description: str = "", fmt: str = ""
) -> Column:
    """A column whose cell is the first match of a JSONPath, typed as the CRD convertor does."""

    def cell(obj: Obj) -> Any:
        try:
            found = find(path, obj)
        except JsonPathError:
            return None
        return _typed(kind, found[0]) if found else None

    return Column(name, kind, cell, fmt, description, priority)


NAME = Column("Name", "string", name_of, "name", NAME_DESCRIPTION)
AGE = Column(
    "Age",
    "string",
    lambda o: age_of(metadata_of(o).get("creationTimestamp")) or "<unknown>",
    description=AGE_DESCRIPTION,
)


def crd_columns(crd: Obj | None, version: str) -> tuple[Column, ...]:
    """``Name`` plus the CRD version's ``additionalPrinterColumns`` (``Age`` when none)."""
    declared: Sequence[Mapping[str, Any]] = ()
    for entry in (crd or {}).get("spec", {}).get("versions") or []:
        if entry.get("name") == version:
            declared = entry.get("additionalPrinterColumns") or ()
    if not declared:
        declared = ({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},)
    return (
        NAME,
        *(
            path_column(
                str(c.get("name", "")),
                str(c.get("type", "string")),
                str(c.get("jsonPath", "")),
                priority=int(c.get("priority") or 0),
                description=str(c.get("description") or ""),
                fmt=str(c.get("format") or ""),
            )
            for c in declared
        ),
    )
