"""The operand DaemonSet ``tuned``: our manifest, and when an existing one must be rewritten.

The manifest runs ``ocp-tuned`` on every Linux node with the privileges TuneD needs (privileged,
host network/PID/IPC, host paths for modprobe, sysconfig, sysctl, systemd, /run, /sys, kernel
modules, the kubelet's files and the host root at /host) and memory emptyDirs at /etc/tuned and
/tmp so the root filesystem can stay read-only. Names, labels, service account, env and mounts are
what existing clusters and the operand expect; the pod template carries ``name: tuned`` besides
``openshift-app: tuned``, and ``dnsPolicy`` is ``ClusterFirst`` as in the reference. Deliberate
differences from the reference's manifest are listed, with their reasons, in docs/differences.md.

An existing DaemonSet is rewritten (its whole ``spec`` replaced) only when its ``RELEASE_VERSION``
env or its image differ from the operator's (OCPBUGS-18480), or when the stable-generation
annotation needs moving (OCPBUGS-62632: it marks the generation that finished rolling out, so
node scale-out and reboots do not flip Progressing). Other manual drift is left alone.

Neighbours: `names`, `status` (reads `progressing_message`), `profile_diff` (owner reference).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

from nto.controller.names import (
    DAEMONSET_NAME,
    LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION,
    OPERAND_APP_LABEL,
    OPERAND_SERVICE_ACCOUNT,
    OPERATOR_NAME,
    OPERATOR_NAMESPACE,
    OS_LABEL,
)
from nto.controller.profile_diff import default_owner_reference
from nto_api.objects import JSONDict, annotations_of, get_list, get_map

__all__ = [
    "CONTAINER_NAME",
    "OPERAND_COMMAND",
    "daemonset_differences",
    "desired_daemonset",
    "progressing_message",
    "stable_generation_update",
    "updated_daemonset",
]

CONTAINER_NAME: Final = "tuned"
OPERAND_COMMAND: Final = (f"/usr/bin/{OPERATOR_NAME}", "ocp-tuned", "--in-cluster", "-v=0")
_MANAGEMENT_ANNOTATION: Final = "target.workload.openshift.io/management"
_SCC_ANNOTATION: Final = "openshift.io/required-scc"
_POD_NAME_LABEL: Final = "name"
"""Pod-template-only label ``name: tuned``: other components select the operand pods by it."""

# (volume name, host path, mount path, read-only); no hostPath type: paths differ per OS build
_HOST_MOUNTS: Final = (
    ("etc-modprobe-d", "/etc/modprobe.d", "/etc/modprobe.d", False),
    ("etc-sysconfig", "/etc/sysconfig", "/etc/sysconfig", False),
    ("etc-kubernetes", "/etc/kubernetes", "/etc/kubernetes", True),
    ("etc-sysctl-d", "/etc/sysctl.d", "/etc/sysctl.d", True),
    ("etc-sysctl-conf", "/etc/sysctl.conf", "/etc/sysctl.conf", True),
    ("etc-systemd", "/etc/systemd", "/etc/systemd", False),
    ("run", "/run", "/run", False),
    ("sys", "/sys", "/sys", False),
    ("lib-modules", "/lib/modules", "/lib/modules", True),
    ("var-lib-kubelet", "/var/lib/kubelet", "/var/lib/kubelet", True),
    ("host", "/", "/host", False),
)
_MEMORY_DIRS: Final = (("etc-tuned", "/etc/tuned"), ("tmp", "/tmp"))
_MOUNT_ORDER: Final = (
    *("etc-modprobe-d", "etc-sysconfig", "etc-kubernetes", "etc-sysctl-d", "etc-sysctl-conf"),
    *("etc-systemd", "etc-tuned", "run", "sys", "tmp", "lib-modules", "var-lib-kubelet", "host"),
)
"""The container's mounts in the reference's order (volumes: host paths first, then memory)."""


def _env(release_version: str, image: str) -> list[JSONDict]:
    return [
        {"name": "WATCH_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "OCP_NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        {"name": "RESYNC_PERIOD", "value": "600"},
        {"name": "RELEASE_VERSION", "value": release_version},
        {"name": "CLUSTER_NODE_TUNED_IMAGE", "value": image},
    ]


def _container(release_version: str, image: str) -> JSONDict:
    by_name: dict[str, JSONDict] = {}
    for name, _, path, read_only in _HOST_MOUNTS:
        mount: JSONDict = {"name": name, "mountPath": path, "mountPropagation": "HostToContainer"}
        if read_only:  # false is the default, which the API server leaves out
            mount["readOnly"] = True
        by_name[name] = mount
    by_name.update({name: {"name": name, "mountPath": path} for name, path in _MEMORY_DIRS})
    mounts = [by_name[name] for name in _MOUNT_ORDER]
    return {
        "name": CONTAINER_NAME,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": list(OPERAND_COMMAND),
        "env": _env(release_version, image),
        "resources": {"requests": {"cpu": "10m", "memory": "50Mi"}},
        # the image runs as user 1001 (the operator is non-root); TuneD needs root on the node
        "securityContext": {"privileged": True, "readOnlyRootFilesystem": True, "runAsUser": 0},
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "volumeMounts": mounts,
    }


def _volumes() -> list[JSONDict]:
    volumes: list[JSONDict] = [
        {"name": name, "hostPath": {"path": host}} for name, host, _, _ in _HOST_MOUNTS
    ]
    volumes += [{"name": name, "emptyDir": {"medium": "Memory"}} for name, _ in _MEMORY_DIRS]
    return volumes


def desired_daemonset(
    *,
    image: str,
    release_version: str,
    namespace: str = OPERATOR_NAMESPACE,
    default_uid: str | None = None,
) -> JSONDict:
    """The DaemonSet ``tuned``; owned by ``Tuned/default`` when its uid is given."""
    labels = {OPERAND_APP_LABEL: DAEMONSET_NAME}
    metadata: JSONDict = {"name": DAEMONSET_NAME, "namespace": namespace, "labels": dict(labels)}
    if default_uid:
        metadata["ownerReferences"] = [default_owner_reference(default_uid)]
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": metadata,
        "spec": {
            "selector": {"matchLabels": dict(labels)},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
            "template": {
                "metadata": {
                    "labels": {**labels, _POD_NAME_LABEL: DAEMONSET_NAME},
                    "annotations": {
                        _SCC_ANNOTATION: "privileged",
                        _MANAGEMENT_ANNOTATION: '{"effect": "PreferredDuringScheduling"}',
                    },
                },
                "spec": {
                    "serviceAccountName": OPERAND_SERVICE_ACCOUNT,
                    "containers": [_container(release_version, image)],
                    "hostNetwork": True,
                    "hostPID": True,
                    "hostIPC": True,
                    # as the reference: the operand resolves names through the node's resolver
                    "dnsPolicy": "ClusterFirst",
                    "priorityClassName": "system-node-critical",
                    "nodeSelector": {OS_LABEL: "linux"},
                    "tolerations": [{"operator": "Exists"}],
                    "volumes": _volumes(),
                },
            },
        },
    }


def _container_of(ds: Mapping[str, Any]) -> Mapping[str, Any]:
    for container in get_list(ds, "spec", "template", "spec", "containers"):
        if isinstance(container, Mapping) and container.get("name") == CONTAINER_NAME:
            return container
    return {}


def _release_env(container: Mapping[str, Any]) -> str | None:
    for env in container.get("env") or []:
        if isinstance(env, Mapping) and env.get("name") == "RELEASE_VERSION":
            value = env.get("value")
            return value if isinstance(value, str) else ""
    return None


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def progressing_message(ds: Mapping[str, Any], *, ignore_stable_annotation: bool = False) -> str:
    """Why the DaemonSet is still rolling out, or an empty string when it is not."""
    generation = _int(get_map(ds, "metadata").get("generation"))
    stable = annotations_of(ds).get(LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION)
    if not ignore_stable_annotation and stable == str(generation):
        return ""
    status = get_map(ds, "status")
    desired = _int(status.get("desiredNumberScheduled"))
    if generation != _int(status.get("observedGeneration")):
        return "Waiting for DaemonSet to act on changes"
    if _int(status.get("updatedNumberScheduled")) < desired:
        return f"Waiting for DaemonSet to update {desired} node pods"
    if _int(status.get("numberUnavailable")) > 0:
        return "Waiting for DaemonSet to deploy node pods"
    return ""


def stable_generation_update(ds: Mapping[str, Any]) -> str | None:
    """The new stable-generation annotation value once the rollout finished, else None."""
    generation = str(_int(get_map(ds, "metadata").get("generation")))
    current = annotations_of(ds).get(LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION)
    if current == generation or progressing_message(ds, ignore_stable_annotation=True):
        return None
    return generation


def daemonset_differences(
    existing: Mapping[str, Any],
    *,
    image: str,
    release_version: str,
) -> list[str]:
    """Why `existing` must be rewritten; empty means leave it alone."""
    container = _container_of(existing)
    reasons = []
    found_version = _release_env(container)
    if found_version != release_version:
        reasons.append(f"RELEASE_VERSION is {found_version!r}, want {release_version!r}")
    if container.get("image") != image:
        reasons.append(f"image is {container.get('image')!r}, want {image!r}")
    stable = stable_generation_update(existing)
    if stable is not None:
        reasons.append(f"stable generation annotation moves to {stable}")
    return reasons


def updated_daemonset(existing: Mapping[str, Any], desired: Mapping[str, Any]) -> JSONDict:
    """`existing` with the desired ``spec`` and, once rolled out, the stable generation."""
    updated: JSONDict = copy.deepcopy(dict(existing))
    updated["spec"] = copy.deepcopy(dict(get_map(desired, "spec")))
    stable = stable_generation_update(existing)
    if stable is not None:
        metadata = updated.setdefault("metadata", {})
        current = metadata.get("annotations")
        metadata["annotations"] = {
            **(current if isinstance(current, Mapping) else {}),
            LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION: stable,
        }
    return updated
