"""Defaulting and create/update strategies of built-in kinds, as the kube-apiserver applies them.

A real API server fills in defaults on every write of a built-in kind, so what a client reads
back differs from what it sent; code that compares its desired object with the stored one must
cope with that. The store (:mod:`nto.testing._store`) calls :func:`on_create` and
:func:`on_update` before it commits, so objects written through the API and through
``EmulatedCluster.apply`` alike come back defaulted. Custom resources are left to their CRD
schemas (:mod:`nto.testing._crds`).

Besides the documented ``apps/v1``, ``core/v1``, ``rbac``, ``admissionregistration`` and
``networking`` defaults (pod specs in :mod:`nto.testing._defaults_pod`), this module carries the
strategy rules clients depend on: a DaemonSet carries ``deprecated.daemonset.template.generation``
(1 on create, +1 whenever ``spec.template`` changes; client-go operators read and write the
annotations map and panic on a nil one), workloads and Services start with a fresh status,
Services get a cluster IP (and node ports) kept across updates, Namespaces get the
``kubernetes`` finalizer, phase ``Active`` and the ``kubernetes.io/metadata.name`` label.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable, Mapping
from typing import Any, Final

from nto.testing._defaults_pod import default_pod, default_template
from nto.testing._resources import ResourceInfo
from nto_api.objects import annotations_of

Obj = dict[str, Any]

TEMPLATE_GENERATION: Final = "deprecated.daemonset.template.generation"
NAMESPACE_NAME_LABEL: Final = "kubernetes.io/metadata.name"
SERVICE_NETWORK: Final = ipaddress.IPv4Network("172.30.0.0/16")  # OpenShift's default
NODE_PORTS: Final = range(30000, 32768)

_APPS = "apps"
_DAEMONSETS = (_APPS, "daemonsets")
_DEPLOYMENTS = (_APPS, "deployments")
_REPLICASETS = (_APPS, "replicasets")
_SERVICES = ("", "services")
_PODS = ("", "pods")
_NAMESPACES = ("", "namespaces")
_RBAC = "rbac.authorization.k8s.io"
_ADMISSION = "admissionregistration.k8s.io"
# A DaemonSet's status right after create: these counters are not omitted when zero.
_NEW_DAEMONSET_STATUS: Final = {
    "currentNumberScheduled": 0,
    "numberMisscheduled": 0,
    "desiredNumberScheduled": 0,
    "numberReady": 0,
}


def _map(obj: Obj, key: str) -> Obj:
    """``obj[key]`` as a dict, created when missing (a non-dict is left for validation)."""
    value = obj.get(key)
    if value is None:
        value = obj[key] = {}
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list[Obj]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


# --- apps/v1 -----------------------------------------------------------------------------------


def _rolling(strategy: Obj, kind_default: str, defaults: Mapping[str, Any]) -> None:
    if not strategy.get("type"):
        strategy["type"] = kind_default
    if strategy["type"] == "RollingUpdate":
        rolling = _map(strategy, "rollingUpdate")
        for key, value in defaults.items():
            if rolling.get(key) is None:
                rolling[key] = value


def _daemonset(obj: Obj) -> None:
    spec = _map(obj, "spec")
    _rolling(_map(spec, "updateStrategy"), "RollingUpdate", {"maxUnavailable": 1, "maxSurge": 0})
    spec.setdefault("revisionHistoryLimit", 10)
    default_template(spec.get("template"))


def _deployment(obj: Obj) -> None:
    spec = _map(obj, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _rolling(_map(spec, "strategy"), "RollingUpdate", {"maxUnavailable": "25%", "maxSurge": "25%"})
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    default_template(spec.get("template"))


def _replicaset(obj: Obj) -> None:
    spec = _map(obj, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    default_template(spec.get("template"))


# --- core/v1 -----------------------------------------------------------------------------------


def _service(obj: Obj) -> None:
    spec = _map(obj, "spec")
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        client_ip = _map(_map(spec, "sessionAffinityConfig"), "clientIP")
        client_ip.setdefault("timeoutSeconds", 10800)
    for port in _items(spec.get("ports")):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    kind = spec["type"]
    if kind in ("NodePort", "LoadBalancer") and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if kind in ("NodePort", "LoadBalancer", "ClusterIP") and not spec.get("internalTrafficPolicy"):
        spec["internalTrafficPolicy"] = "Cluster"
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True


def _secret(obj: Obj) -> None:
    if not obj.get("type"):
        obj["type"] = "Opaque"


def _node(obj: Obj) -> None:
    status = obj.get("status")
    if isinstance(status, dict) and status.get("allocatable") is None and status.get("capacity"):
        status["allocatable"] = dict(status["capacity"])


def _namespace(obj: Obj) -> None:
    status = _map(obj, "status")
    if not status.get("phase"):
        status["phase"] = "Active"
    name = _map(obj, "metadata").get("name")
    if isinstance(name, str) and name:  # set and kept on every write, as namespaceSelectors use it
        _map(_map(obj, "metadata"), "labels")[NAMESPACE_NAME_LABEL] = name


# --- other groups ------------------------------------------------------------------------------


def _subjects(obj: Obj) -> None:
    for subject in _items(obj.get("subjects")):
        if "apiGroup" not in subject:
            kind = subject.get("kind")
            subject["apiGroup"] = "" if kind == "ServiceAccount" else _RBAC


def _webhooks(mutating: bool) -> Callable[[Obj], None]:
    def default(obj: Obj) -> None:
        for hook in _items(obj.get("webhooks")):
            hook.setdefault("failurePolicy", "Fail")
            hook.setdefault("matchPolicy", "Equivalent")
            hook.setdefault("namespaceSelector", {})
            hook.setdefault("objectSelector", {})
            hook.setdefault("timeoutSeconds", 10)
            if mutating:
                hook.setdefault("reinvocationPolicy", "Never")
            for rule in _items(hook.get("rules")):
                rule.setdefault("scope", "*")
            service = (hook.get("clientConfig") or {}).get("service")
            if isinstance(service, dict):
                service.setdefault("port", 443)

    return default


def _network_policy(obj: Obj) -> None:
    spec = _map(obj, "spec")
    for rule in (*_items(spec.get("ingress")), *_items(spec.get("egress"))):
        for port in _items(rule.get("ports")):
            port.setdefault("protocol", "TCP")
    if not spec.get("policyTypes"):
        spec["policyTypes"] = ["Ingress"] + (["Egress"] if spec.get("egress") else [])


_DEFAULTERS: Final[dict[tuple[str, str], Callable[[Obj], None]]] = {
    _DAEMONSETS: _daemonset,
    _DEPLOYMENTS: _deployment,
    _REPLICASETS: _replicaset,
    _SERVICES: _service,
    ("", "secrets"): _secret,
    ("", "nodes"): _node,
    _NAMESPACES: _namespace,
    (_RBAC, "rolebindings"): _subjects,
    (_RBAC, "clusterrolebindings"): _subjects,
    (_ADMISSION, "validatingwebhookconfigurations"): _webhooks(False),
    (_ADMISSION, "mutatingwebhookconfigurations"): _webhooks(True),
    ("networking.k8s.io", "networkpolicies"): _network_policy,
}


# --- strategies --------------------------------------------------------------------------------


class ServiceAddresses:
    """Cluster IPs and node ports handed to Services, one of each per (address, port) in use."""

    def __init__(self) -> None:
        self._ips = itertools.islice(SERVICE_NETWORK.hosts(), 10, None)
        self._ports = iter(NODE_PORTS)

    def allocate(self, obj: Obj, old: Obj | None) -> None:
        """Fill clusterIP(s), IP families and node ports, keeping the old ones on update."""
        spec = _map(obj, "spec")
        old_spec = (old or {}).get("spec") or {}
        if spec.get("type") == "ExternalName":
            return
        for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            if not spec.get(key) and old_spec.get(key):
                spec[key] = old_spec[key]
        if not spec.get("clusterIP"):
            spec["clusterIP"] = str(next(self._ips))
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            old_ports = {p.get("port"): p.get("nodePort") for p in _items(old_spec.get("ports"))}
            for port in _items(spec.get("ports")):
                if not port.get("nodePort"):
                    port["nodePort"] = old_ports.get(port.get("port")) or next(self._ports)


def _template_generation(obj: Obj | None) -> int:
    annotations = annotations_of(obj)
    try:
        return int(annotations.get(TEMPLATE_GENERATION, 1))
    except (TypeError, ValueError):
        return 1


def _set_template_generation(obj: Obj, value: int) -> None:
    meta = obj["metadata"]
    annotations = meta.get("annotations")
    if not isinstance(annotations, dict):
        annotations = meta["annotations"] = {}
    annotations[TEMPLATE_GENERATION] = str(value)


def apply_defaults(info: ResourceInfo, obj: Obj) -> None:
    """The API server's defaults for ``obj`` of a built-in kind, in place (no-op otherwise)."""
    if info.custom:
        return
    if info.key == _PODS:
        default_pod(obj, creating=False)
        return
    defaulter = _DEFAULTERS.get(info.key)
    if defaulter is not None:
        defaulter(obj)


def on_create(
    info: ResourceInfo, obj: Obj, *, keep_status: bool, addresses: ServiceAddresses
) -> None:
    """Defaults plus the create strategy (fresh status, template generation, addresses)."""
    if info.custom:
        return
    if info.key == _PODS:
        default_pod(obj, creating=not keep_status)
        return
    apply_defaults(info, obj)
    if info.key == _DAEMONSETS:
        _set_template_generation(obj, 1)
    if info.key == _NAMESPACES:
        spec = _map(obj, "spec")
        spec.setdefault("finalizers", ["kubernetes"])
    if info.key == _SERVICES:
        addresses.allocate(obj, None)
    if keep_status:
        return
    if info.key == _DAEMONSETS:
        obj["status"] = dict(_NEW_DAEMONSET_STATUS)
    elif info.key in (_DEPLOYMENTS, _REPLICASETS):
        obj["status"] = {"replicas": 0} if info.key == _REPLICASETS else {}
    elif info.key == _SERVICES:
        obj["status"] = {"loadBalancer": {}}


def on_update(info: ResourceInfo, new: Obj, old: Obj, *, addresses: ServiceAddresses) -> None:
    """Defaults plus the update strategy: a DaemonSet's template generation moves with its
    template (whatever the client sent in the annotation), a Service keeps its addresses."""
    if info.custom:
        return
    apply_defaults(info, new)
    if info.key == _DAEMONSETS:
        generation = _template_generation(old)
        old_template = (old.get("spec") or {}).get("template")
        if (new.get("spec") or {}).get("template") != old_template:
            generation += 1
        _set_template_generation(new, generation)
    elif info.key == _SERVICES:
        addresses.allocate(new, old)
    elif info.key == _NAMESPACES:
        old_finalizers = (old.get("spec") or {}).get("finalizers")
        if old_finalizers is not None:  # spec.finalizers change only through /finalize
            _map(new, "spec")["finalizers"] = list(old_finalizers)
