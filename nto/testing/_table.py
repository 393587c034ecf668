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
The router (:mod:`nto.testing._handler`) asks :meth:`Tables.negotiate` once per GET.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nto.testing._errors import ApiError
from nto.testing._jsonpath import JsonPathError, find
from nto.testing._resources import ResourceInfo
from nto.testing._store import Store

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
    import json

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


NAME = Column(
    "Name", "string", lambda o: o.get("metadata", {}).get("name", ""), "name", NAME_DESCRIPTION
)
AGE = Column(
    "Age",
    "string",
    lambda o: age_of(o.get("metadata", {}).get("creationTimestamp")) or "<unknown>",
    description=AGE_DESCRIPTION,
)


# --- built-in kinds ---------------------------------------------------------------------------


def _condition(obj: Obj, kind: str) -> Mapping[str, Any]:
    for condition in obj.get("status", {}).get("conditions") or []:
        if isinstance(condition, Mapping) and condition.get("type") == kind:
            return condition
    return {}


def _node_status(obj: Obj) -> str:
    ready = _condition(obj, "Ready").get("status")
    status = {"True": "Ready", "False": "NotReady"}.get(str(ready), "Unknown")
    return f"{status},SchedulingDisabled" if obj.get("spec", {}).get("unschedulable") else status


def _node_roles(obj: Obj) -> str:
    labels = obj.get("metadata", {}).get("labels") or {}
    roles = sorted(
        {key.split("/", 1)[1] for key in labels if key.startswith("node-role.kubernetes.io/")}
        | ({labels["kubernetes.io/role"]} if labels.get("kubernetes.io/role") else set())
    )
    return ",".join(r for r in roles if r) or "<none>"


def _address(kind: str) -> Callable[[Obj], str]:
    def cell(obj: Obj) -> str:
        for address in obj.get("status", {}).get("addresses") or []:
            if address.get("type") == kind:
                return str(address.get("address", ""))
        return "<none>"

    return cell


def _node_info(field: str) -> Callable[[Obj], str]:
    return lambda obj: str(obj.get("status", {}).get("nodeInfo", {}).get(field) or "<unknown>")


def _containers(obj: Obj) -> list[Mapping[str, Any]]:
    spec = obj.get("spec", {})
    pod_spec = spec.get("template", {}).get("spec", spec) if "template" in spec else spec
    return [c for c in pod_spec.get("containers") or [] if isinstance(c, Mapping)]


def _pod_ready(obj: Obj) -> str:
    statuses = obj.get("status", {}).get("containerStatuses") or []
    ready = sum(1 for status in statuses if status.get("ready"))
    return f"{ready}/{len(_containers(obj))}"


def _pod_status(obj: Obj) -> str:
    status = obj.get("status", {})
    if obj.get("metadata", {}).get("deletionTimestamp"):
        return "Terminating"
    for container in status.get("containerStatuses") or []:
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason"):
            return str(waiting["reason"])
    return str(status.get("reason") or status.get("phase") or "Pending")


def _restarts(obj: Obj) -> int:
    statuses = obj.get("status", {}).get("containerStatuses") or []
    return sum(int(status.get("restartCount") or 0) for status in statuses)


def _status_int(field: str) -> Callable[[Obj], int]:
    return lambda obj: int(obj.get("status", {}).get(field) or 0)


def _names(field: str) -> Callable[[Obj], str]:
    return lambda obj: ",".join(str(c.get(field, "")) for c in _containers(obj)) or "<none>"


def _selector(obj: Obj) -> str:
    selector = obj.get("spec", {}).get("selector") or {}
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        values = ",".join(expression.get("values") or [])
        parts.append(f"{expression.get('key')} {expression.get('operator', '').lower()} ({values})")
    return ",".join(parts) or "<none>"


def _node_selector(obj: Obj) -> str:
    pod_spec = obj.get("spec", {}).get("template", {}).get("spec", {})
    pairs = sorted((pod_spec.get("nodeSelector") or {}).items())
    return ",".join(f"{k}={v}" for k, v in pairs) or "<none>"


def _event_last_seen(obj: Obj) -> str:
    for field in ("lastTimestamp", "deprecatedLastTimestamp", "eventTime", "firstTimestamp"):
        age = age_of(obj.get(field))
        if age is not None:
            return age
    return age_of(obj.get("metadata", {}).get("creationTimestamp")) or "<unknown>"


def _event_object(obj: Obj) -> str:
    target = obj.get("involvedObject") or obj.get("regarding") or {}
    return f"{str(target.get('kind', '')).lower()}/{target.get('name', '')}"


def _event_columns() -> tuple[Column, ...]:
    name = dataclasses.replace(NAME, priority=1)
    return (
        Column("Last Seen", "string", _event_last_seen),
        Column("Type", "string", lambda o: o.get("type", "")),
        Column("Reason", "string", lambda o: o.get("reason", "")),
        Column("Object", "string", _event_object),
        Column("Message", "string", lambda o: o.get("message") or o.get("note") or ""),
        name,
    )


def _cols(*spec: tuple[str, str, Callable[[Obj], Any], int]) -> tuple[Column, ...]:
    return tuple(Column(name, kind, cell, priority=priority) for name, kind, cell, priority in spec)


def _data_count(obj: Obj) -> int:
    return len(obj.get("data") or {}) + len(obj.get("binaryData") or {})


_WORKLOAD_WIDE = _cols(
    ("Containers", "string", _names("name"), 1),
    ("Images", "string", _names("image"), 1),
    ("Selector", "string", _selector, 1),
)

BUILTIN_COLUMNS: dict[tuple[str, str], tuple[Column, ...]] = {
    ("", "nodes"): (
        NAME,
        *_cols(("Status", "string", _node_status, 0), ("Roles", "string", _node_roles, 0)),
        AGE,
        *_cols(
            ("Version", "string", _node_info("kubeletVersion"), 0),
            ("Internal-IP", "string", _address("InternalIP"), 1),
            ("External-IP", "string", _address("ExternalIP"), 1),
            ("OS-Image", "string", _node_info("osImage"), 1),
            ("Kernel-Version", "string", _node_info("kernelVersion"), 1),
            ("Container-Runtime", "string", _node_info("containerRuntimeVersion"), 1),
        ),
    ),
    ("", "pods"): (
        NAME,
        *_cols(
            ("Ready", "string", _pod_ready, 0),
            ("Status", "string", _pod_status, 0),
            ("Restarts", "string", lambda o: str(_restarts(o)), 0),
        ),
        AGE,
        *_cols(
            ("IP", "string", lambda o: o.get("status", {}).get("podIP") or "<none>", 1),
            ("Node", "string", lambda o: o.get("spec", {}).get("nodeName") or "<none>", 1),
        ),
    ),
    ("apps", "daemonsets"): (
        NAME,
        *_cols(
            ("Desired", "integer", _status_int("desiredNumberScheduled"), 0),
            ("Current", "integer", _status_int("currentNumberScheduled"), 0),
            ("Ready", "integer", _status_int("numberReady"), 0),
            ("Up-to-date", "integer", _status_int("updatedNumberScheduled"), 0),
            ("Available", "integer", _status_int("numberAvailable"), 0),
            ("Node Selector", "string", _node_selector, 0),
        ),
        AGE,
        *_WORKLOAD_WIDE,
    ),
    ("apps", "deployments"): (
        NAME,
        *_cols(
            (
                "Ready",
                "string",
                lambda o: (
                    f"{o.get('status', {}).get('readyReplicas') or 0}"
                    f"/{o.get('spec', {}).get('replicas', 1)}"
                ),
                0,
            ),
            ("Up-to-date", "integer", _status_int("updatedReplicas"), 0),
            ("Available", "integer", _status_int("availableReplicas"), 0),
        ),
        AGE,
        *_WORKLOAD_WIDE,
    ),
    ("", "namespaces"): (
        NAME,
        *_cols(("Status", "string", lambda o: o.get("status", {}).get("phase", "Active"), 0)),
        AGE,
    ),
    ("", "configmaps"): (NAME, *_cols(("Data", "integer", _data_count, 0)), AGE),
    ("", "secrets"): (
        NAME,
        *_cols(
            ("Type", "string", lambda o: o.get("type", "Opaque"), 0),
            ("Data", "integer", _data_count, 0),
        ),
        AGE,
    ),
    ("", "events"): _event_columns(),
    ("events.k8s.io", "events"): _event_columns(),
    # OpenShift kinds served without their CRDs: the columns those CRDs declare.
    ("config.openshift.io", "clusteroperators"): (
        NAME,
        path_column("Version", "string", '.status.versions[?(@.name=="operator")].version'),
        *(
            path_column(name, "string", f'.status.conditions[?(@.type=="{name}")].status')
            for name in ("Available", "Progressing", "Degraded")
        ),
        path_column(
            "Since", "date", '.status.conditions[?(@.type=="Available")].lastTransitionTime'
        ),
        path_column("Message", "string", '.status.conditions[?(@.type=="Progressing")].message'),
    ),
    ("machineconfiguration.openshift.io", "machineconfigpools"): (
        NAME,
        path_column("Config", "string", ".status.configuration.name"),
        *(
            path_column(
                name.capitalize(), "string", f'.status.conditions[?(@.type=="{name}")].status'
            )
            for name in ("Updated", "Updating", "Degraded")
        ),
        path_column("MachineCount", "number", ".status.machineCount"),
        path_column("ReadyMachineCount", "number", ".status.readyMachineCount"),
        path_column("UpdatedMachineCount", "number", ".status.updatedMachineCount"),
        path_column("DegradedMachineCount", "number", ".status.degradedMachineCount"),
        path_column("Age", "date", ".metadata.creationTimestamp"),
    ),
    ("machineconfiguration.openshift.io", "machineconfigs"): (
        NAME,
        path_column(
            "GeneratedByController",
            "string",
            '.metadata.annotations["machineconfiguration.openshift.io/generated-by-controller-version"]',
        ),
        path_column("IgnitionVersion", "string", ".spec.config.ignition.version"),
        path_column("Age", "date", ".metadata.creationTimestamp"),
    ),
}


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
                "metadata": obj.get("metadata", {}),
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
                    "metadata": obj.get("metadata", {}),
                }
            rows.append(row)
        return {
            "kind": "Table",
            "apiVersion": f"{META_GROUP}/{table_version}",
            "metadata": dict(list_meta),
            "columnDefinitions": [column.definition() for column in columns],
            "rows": rows,
        }
