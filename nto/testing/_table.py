"""Server-side printing: ``meta.k8s.io`` Tables for get, list and watch, as ``kubectl get`` asks.

kubectl sends ``Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...,application/json`` and
prints the columns the server chose (``-o wide`` adds those with ``priority`` > 0). A CRD's
columns are its version's ``additionalPrinterColumns`` (a default ``Age`` column when it declares
none) after a ``Name`` column, with ``date`` cells shown as ages and the first JSONPath match
(:mod:`nto.testing._jsonpath`) as the value. Built-in kinds get the columns kubectl users know
(Nodes, Pods, DaemonSets, Deployments, Namespaces, ConfigMaps, Secrets, Events) or
``Name``/``Age``; the OpenShift kinds the emulator serves without CRDs get their CRDs' columns
(ClusterOperator, MachineConfigPool, MachineConfig). Rows carry ``PartialObjectMetadata``
unless the request says ``includeObject=Object`` (or ``None``).
``as=PartialObjectMetadata(List)``, as client-go's metadata client asks, answers metadata only.
Columns and cells are in :mod:`nto.testing._table_cells`, the built-in kinds' columns in
:mod:`nto.testing._table_builtin`. The router (:mod:`nto.testing._handler`) asks
:meth:`Tables.negotiate` once per GET.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nto.testing._errors import ApiError
from nto.testing._resources import ResourceInfo
from nto.testing._store import Store
from nto.testing._table_builtin import BUILTIN_COLUMNS
from nto.testing._table_cells import (
    AGE,
    CRD_KEY,
    META_GROUP,
    NAME,
    TABLE_VERSIONS,
    Column,
    Obj,
    crd_columns,
)
from nto_api.objects import metadata_of

# --- negotiation and rendering ----------------------------------------------------------------


def _media_ranges(accept: str) -> list[dict[str, str]]:
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        params = dict(p.split("=", 1) for p in pieces[1:] if "=" in p)
        ranges.append({"type": pieces[0].lower(), **{k.lower(): v for k, v in params.items()}})
    return ranges


class Tables:
    """Builds Tables for the router; see the module docstring."""

    def __init__(self, registry: Any, store: Store) -> None:
        self.registry = registry
        self.store = store

    def negotiate(self, accept: str) -> tuple[str, str] | None:
        """``(as, version)`` the client accepts first, None for plain JSON; 406 when neither.

        ``as`` is ``Table`` or ``PartialObjectMetadata`` (``...List`` is read as the same: a
        list answers a list, a get one object, a watch one object per event).
        """
        if "as=" not in accept:
            return None
        plain = False
        for media in _media_ranges(accept):
            if media["type"] not in ("application/json", "application/*", "*/*"):
                continue
            if "as" not in media:
                plain = True
                continue
            shape = media["as"].removesuffix("List")
            if (
                shape in ("Table", "PartialObjectMetadata")
                and media.get("g") == META_GROUP
                and media.get("v") in TABLE_VERSIONS
            ):
                return shape, media["v"]
        if plain:
            return None
        raise ApiError(
            406,
            f"only the following media types are accepted: application/json,"
            f" application/json;as=Table;v=v1;g={META_GROUP},"
            f" application/json;as=PartialObjectMetadata;v=v1;g={META_GROUP}; got {accept!r}",
            reason="NotAcceptable",
        )

    def present(
        self,
        shape: tuple[str, str],
        info: ResourceInfo,
        version: str,
        objects: Sequence[Obj],
        *,
        list_meta: Mapping[str, Any],
        include_object: str,
        single: bool,
    ) -> dict[str, Any]:
        """``objects`` as the negotiated ``shape`` (a Table, or metadata only)."""
        kind, shape_version = shape
        if kind == "Table":
            return self.render(
                info,
                version,
                shape_version,
                objects,
                list_meta=list_meta,
                include_object=include_object,
            )
        api_version = f"{META_GROUP}/{shape_version}"
        items = [
            {
                "kind": "PartialObjectMetadata",
                "apiVersion": api_version,
                "metadata": metadata_of(obj),
            }
            for obj in objects
        ]
        if single:
            return items[0]
        return {
            "kind": "PartialObjectMetadataList",
            "apiVersion": api_version,
            "metadata": dict(list_meta),
            "items": items,
        }

    def columns(self, info: ResourceInfo, version: str) -> tuple[Column, ...]:
        builtin = BUILTIN_COLUMNS.get(info.key)
        if builtin is not None:
            return builtin
        if info.custom:
            crd_info = self.registry.get(*CRD_KEY)
            crd = self.store.get(crd_info, "", info.qualified) if crd_info is not None else None
            return crd_columns(crd, version)
        return (NAME, AGE)

    def render(
        self,
        info: ResourceInfo,
        version: str,
        table_version: str,
        objects: Sequence[Obj],
        *,
        list_meta: Mapping[str, Any],
        include_object: str,
    ) -> dict[str, Any]:
        """A ``Table`` of ``objects``; ``include_object`` is None, Metadata or Object."""
        if include_object not in ("", "None", "Metadata", "Object"):
            raise ApiError(
                400,
                f"includeObject {include_object!r} is not one of None, Metadata, Object",
            )
        columns = self.columns(info, version)
        rows = []
        for obj in objects:
            row: dict[str, Any] = {"cells": [column.cell(obj) for column in columns]}
            if include_object == "Object":
                row["object"] = obj
            elif include_object != "None":
                row["object"] = {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": f"{META_GROUP}/{table_version}",
                    "metadata": metadata_of(obj),
                }
            rows.append(row)
        return {
            "kind": "Table",
            "apiVersion": f"{META_GROUP}/{table_version}",
            "metadata": dict(list_meta),
            "columnDefinitions": [column.definition() for column in columns],
            "rows": rows,
        }
