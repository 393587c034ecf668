"""Table columns of built-in kinds, as kubectl users know them from a kube-apiserver.

Nodes (STATUS, ROLES, AGE, VERSION; wide: addresses, OS image, kernel, runtime), Pods, DaemonSets,
Deployments, Namespaces, ConfigMaps, Secrets and Events; and the OpenShift kinds the emulator
serves without their CRDs (ClusterOperator, MachineConfigPool, MachineConfig) with the columns
those CRDs declare. Used by :mod:`nto.testing._table`; the cell model is
:mod:`nto.testing._table_cells`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from nto.testing._table_cells import AGE, NAME, Column, Obj, age_of, path_column
from nto_api.names import CONFIG_GROUP, MACHINECONFIG_GROUP
from nto_api.objects import labels_of, metadata_of


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
    labels = labels_of(obj)
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
    if metadata_of(obj).get("deletionTimestamp"):
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
    return age_of(metadata_of(obj).get("creationTimestamp")) or "<unknown>"


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
    (CONFIG_GROUP, "clusteroperators"): (
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
    (MACHINECONFIG_GROUP, "machineconfigpools"): (
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
    (MACHINECONFIG_GROUP, "machineconfigs"): (
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
