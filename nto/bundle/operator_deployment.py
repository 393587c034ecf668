"""``50-operator.yaml`` and ``50-operator-ibm-cloud-managed.yaml``: the operator Deployment.

Restricted like the reference: ``hostUsers: false``, non-root, read-only root file system (a
memory ``emptyDir`` on ``/tmp`` for the kube client's temporary PEM files), every capability
dropped, on control-plane nodes with ``system-cluster-critical`` priority. The operand DaemonSet
it creates runs privileged from the same image. Environment: the reference's variables plus
``NTO_DISABLED_PLUGINS`` listing the plugins the bundle disables by default. When an enabled
plugin serves webhook routes, the pod mounts the webhook certificate (the Secret that plugin
names in its metadata, requested by its Service), exposes port 4343 and is probed on its
``/healthz`` (served by every replica, unlike the leader-only metrics
port). The IBM Cloud variant carries the
hypershift/ibm-cloud-managed profiles and has no nodeSelector. Neighbours:
:mod:`nto.operator.settings` (the variables and directories read), :mod:`nto.bundle.cvo`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, Final

from nto.bundle.cvo import IBM_CLOUD_PROFILES, OPERATOR_PROFILES, include_release
from nto.bundle.names import (
    IMAGE,
    METRICS_CERT_DIR,
    METRICS_PORT,
    METRICS_SECRET,
    NAMESPACE,
    OPERATOR_NAME,
    POD_LABEL,
    RELEASE_VERSION,
    TRUSTED_CA,
    TRUSTED_CA_DIR,
    WEBHOOK_CERT_DIR,
    WEBHOOK_PORT,
)
from nto.plugins.host import DISABLED_ENV
from nto_api.objects import JSONDict

CONTROL_PLANE_SELECTOR: Final = {"node-role.kubernetes.io/control-plane": ""}
MANAGEMENT_ANNOTATION: Final = "target.workload.openshift.io/management"
REQUIRED_SCC_ANNOTATION: Final = "openshift.io/required-scc"


def _field_ref(name: str, path: str) -> JSONDict:
    return {"name": name, "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}}


def _env(disabled_plugins: Sequence[str]) -> list[JSONDict]:
    return [
        {"name": "RELEASE_VERSION", "value": RELEASE_VERSION},
        _field_ref("WATCH_NAMESPACE", "metadata.namespace"),
        _field_ref("POD_NAME", "metadata.name"),
        {"name": "RESYNC_PERIOD", "value": "600"},
        {"name": "CLUSTER_NODE_TUNED_IMAGE", "value": IMAGE},
        {"name": DISABLED_ENV, "value": ",".join(disabled_plugins)},
    ]


def _volumes(*, webhook_secret: str | None) -> tuple[list[JSONDict], list[JSONDict]]:
    """Volumes and their mounts: metrics cert, trusted CA, scratch ``/tmp``, webhook cert."""
    volumes: list[JSONDict] = [
        {"name": METRICS_SECRET, "secret": {"secretName": METRICS_SECRET}},
        {
            "name": TRUSTED_CA,
            "configMap": {
                "name": TRUSTED_CA,
                "optional": True,
                "items": [{"key": "ca-bundle.crt", "path": "tls-ca-bundle.pem"}],
            },
        },
        {"name": "tmp", "emptyDir": {"medium": "Memory"}},
    ]
    mounts: list[JSONDict] = [
        {"name": METRICS_SECRET, "mountPath": str(METRICS_CERT_DIR), "readOnly": True},
        {"name": TRUSTED_CA, "mountPath": TRUSTED_CA_DIR, "readOnly": True},
        {"name": "tmp", "mountPath": "/tmp"},
    ]
    if webhook_secret:
        files = [("tls.crt", "apiserver.crt"), ("tls.key", "apiserver.key")]
        volumes.append(
            {
                "name": "apiservice-cert",
                "secret": {
                    "secretName": webhook_secret,
                    "items": [{"key": key, "path": path} for key, path in files],
                },
            }
        )
        mounts.append(
            {"name": "apiservice-cert", "mountPath": str(WEBHOOK_CERT_DIR), "readOnly": True}
        )
    return volumes, mounts


def _probes() -> dict[str, JSONDict]:
    get = {"path": "/healthz", "port": WEBHOOK_PORT, "scheme": "HTTPS"}
    common = {"httpGet": get, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
    return {
        "readinessProbe": {**common, "initialDelaySeconds": 5},
        "livenessProbe": {**common, "initialDelaySeconds": 60},
    }


def _container(*, disabled_plugins: Sequence[str], webhook_secret: str | None) -> JSONDict:
    webhooks = bool(webhook_secret)
    mounts = _volumes(webhook_secret=webhook_secret)[1]
    ports: list[JSONDict] = [{"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"}]
    if webhooks:
        ports.append({"name": "webhook", "containerPort": WEBHOOK_PORT, "protocol": "TCP"})
    container: dict[str, Any] = {
        "name": OPERATOR_NAME,
        "image": IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": [OPERATOR_NAME],
        "args": ["-v=0"],
        "env": _env(disabled_plugins),
        "ports": ports,
        "resources": {"requests": {"cpu": "10m", "memory": "20Mi"}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": True,
        },
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "volumeMounts": mounts,
    }
    if webhooks:
        container.update(_probes())
    return container


def _tolerations() -> list[JSONDict]:
    tolerations: list[JSONDict] = [
        {"key": "node-role.kubernetes.io/master", "operator": "Exists", "effect": "NoSchedule"}
    ]
    for taint in ("unreachable", "not-ready"):
        tolerations.append(
            {
                "key": f"node.kubernetes.io/{taint}",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 120,
            }
        )
    return tolerations


def operator_deployment(
    *,
    disabled_plugins: Sequence[str],
    webhook_secret: str | None,
) -> JSONDict:
    """Deployment ``cluster-node-tuning-operator`` for self-managed clusters.

    ``webhook_secret`` names the Secret of the webhook serving certificate; ``None`` when no
    enabled plugin serves webhook routes (no port 4343, no probes).
    """
    labels = {POD_LABEL: OPERATOR_NAME}
    pod_spec: JSONDict = {
        "hostUsers": False,
        "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
        "serviceAccountName": OPERATOR_NAME,
        "priorityClassName": "system-cluster-critical",
        "nodeSelector": dict(CONTROL_PLANE_SELECTOR),
        "tolerations": _tolerations(),
        "containers": [
            _container(disabled_plugins=disabled_plugins, webhook_secret=webhook_secret)
        ],
        "volumes": _volumes(webhook_secret=webhook_secret)[0],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": OPERATOR_NAME,
            "namespace": NAMESPACE,
            "annotations": include_release(OPERATOR_PROFILES),
        },
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {
                    "labels": dict(labels),
                    "annotations": {
                        REQUIRED_SCC_ANNOTATION: "restricted-v3",
                        MANAGEMENT_ANNOTATION: '{"effect": "PreferredDuringScheduling"}',
                    },
                },
                "spec": pod_spec,
            },
        },
    }


def ibm_cloud_variant(deployment: JSONDict) -> JSONDict:
    """The Deployment for IBM Cloud managed and HyperShift: other profiles, no nodeSelector."""
    variant = copy.deepcopy(deployment)
    variant["metadata"]["annotations"] = include_release(IBM_CLOUD_PROFILES)
    variant["spec"]["template"]["spec"].pop("nodeSelector", None)
    return variant
