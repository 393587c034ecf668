"""Defaulting of pod specs (Pods and the pod templates of workloads), as the kube-apiserver does.

The facts are the documented defaults of ``core/v1``: every pod spec gets ``dnsPolicy``,
``restartPolicy``, ``schedulerName``, ``securityContext: {}`` and
``terminationGracePeriodSeconds``; every container gets ``imagePullPolicy`` (``Always`` for
``:latest`` or no tag, else ``IfNotPresent``), ``terminationMessagePath`` and
``terminationMessagePolicy``, ``TCP`` on its ports, probe timings and ``apiVersion: v1`` on field
references; volumes get their file modes and ``emptyDir`` when they name no source. Pods alone
(not templates) also get ``enableServiceLinks``, requests copied from limits and host ports under
host networking. Neighbour: :mod:`nto.testing._defaults`, which calls these per kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Obj = dict[str, Any]

_FILE_MODE = 0o644  # 420: secret, configMap, downwardAPI and projected volumes
_TOKEN_SECONDS = 3600
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_PROBE_DEFAULTS = (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1))
_VOLUME_SOURCES_WITH_MODE = ("secret", "configMap", "downwardAPI", "projected")


def _dicts(value: Any) -> Iterator[Obj]:
    """The dict items of a list (anything else yields nothing: validation reports it)."""
    if isinstance(value, list):
        yield from (item for item in value if isinstance(item, dict))


def image_pull_policy(image: Any) -> str:
    """``Always`` for the ``latest`` tag (or no tag and no digest), ``IfNotPresent`` otherwise."""
    text = image if isinstance(image, str) else ""
    name, _, digest = text.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.partition(":")[2] if ":" in last else ("" if digest else "latest")
    return "Always" if tag == "latest" else "IfNotPresent"


def _field_ref(holder: Any) -> None:
    if isinstance(holder, dict) and isinstance(holder.get("fieldRef"), dict):
        holder["fieldRef"].setdefault("apiVersion", "v1")


def _probe(probe: Obj) -> None:
    for key, value in _PROBE_DEFAULTS:
        if not probe.get(key):
            probe[key] = value
    if not probe.get("failureThreshold"):
        probe["failureThreshold"] = 3
    for handler in ("httpGet",):
        action = probe.get(handler)
        if isinstance(action, dict):
            action["path"] = action.get("path") or "/"
            action["scheme"] = action.get("scheme") or "HTTP"


def _lifecycle(container: Obj) -> None:
    lifecycle = container.get("lifecycle")
    if not isinstance(lifecycle, dict):
        return
    for hook in ("postStart", "preStop"):
        action = (lifecycle.get(hook) or {}).get("httpGet")
        if isinstance(action, dict):
            action["path"] = action.get("path") or "/"
            action["scheme"] = action.get("scheme") or "HTTP"


def default_container(container: Obj) -> None:
    """The ``core/v1`` container defaults, in place."""
    if not container.get("imagePullPolicy"):
        container["imagePullPolicy"] = image_pull_policy(container.get("image"))
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    for port in _dicts(container.get("ports")):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in _dicts(container.get("env")):
        _field_ref(env.get("valueFrom"))
    for name in _PROBES:
        if isinstance(container.get(name), dict):
            _probe(container[name])
    _lifecycle(container)


def _downward_items(source: Any) -> None:
    if isinstance(source, dict):
        for item in _dicts(source.get("items")):
            _field_ref(item)


def default_volume(volume: Obj) -> None:
    """The ``core/v1`` volume defaults, in place: file modes, hostPath type, emptyDir."""
    sources = [key for key, value in volume.items() if key != "name" and value is not None]
    if not sources:
        volume["emptyDir"] = {}
        return
    for key in _VOLUME_SOURCES_WITH_MODE:
        source = volume.get(key)
        if isinstance(source, dict) and source.get("defaultMode") is None:
            source["defaultMode"] = _FILE_MODE
    _downward_items(volume.get("downwardAPI"))
    host_path = volume.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    projected = volume.get("projected")
    if isinstance(projected, dict):
        for source in _dicts(projected.get("sources")):
            _downward_items(source.get("downwardAPI"))
            token = source.get("serviceAccountToken")
            if isinstance(token, dict) and token.get("expirationSeconds") is None:
                token["expirationSeconds"] = _TOKEN_SECONDS


def _all_containers(spec: Obj) -> Iterator[Obj]:
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from _dicts(spec.get(key))


def default_pod_spec(spec: Obj) -> None:
    """Defaults shared by Pods and pod templates, in place."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for container in _all_containers(spec):
        default_container(container)
    for volume in _dicts(spec.get("volumes")):
        default_volume(volume)


def default_template(template: Any) -> None:
    """Defaults of the pod template of a workload (``spec.template``), in place."""
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        default_pod_spec(template["spec"])


def _qos_class(spec: Obj) -> str:
    containers = list(_dicts(spec.get("containers"))) + list(_dicts(spec.get("initContainers")))
    resources = [c.get("resources") or {} for c in containers]
    if not any((r.get("requests") or r.get("limits")) for r in resources):
        return "BestEffort"
    for r in resources:
        limits, requests = r.get("limits") or {}, r.get("requests") or {}
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits[name]) != limits[name]:
                return "Burstable"
    return "Guaranteed"


def default_pod(pod: Obj, *, creating: bool) -> None:
    """Defaults of a Pod, in place; on create also its initial status (Pending, QoS class)."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    for container in (*_dicts(spec.get("initContainers")), *_dicts(spec.get("containers"))):
        resources = container.get("resources")
        if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
            requests = resources.setdefault("requests", {})
            if isinstance(requests, dict):
                for key, value in resources["limits"].items():
                    requests.setdefault(key, value)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for container in (*_dicts(spec.get("initContainers")), *_dicts(spec.get("containers"))):
            for port in _dicts(container.get("ports")):
                if not port.get("hostPort"):
                    port["hostPort"] = port.get("containerPort")
    default_pod_spec(spec)
    if creating:
        pod["status"] = {"phase": "Pending", "qosClass": _qos_class(spec)}
