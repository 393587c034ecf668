"""``30-monitoring.yaml``: how Prometheus scrapes the operator's HTTPS metrics endpoint.

Objects: ConfigMap ``trusted-ca`` (create-only, filled by the network operator), the headless
Service ``node-tuning-operator`` whose serving certificate (secret ``node-tuning-operator-tls``)
the metrics server presents, Role/RoleBinding ``prometheus-k8s`` and the ServiceMonitor. The
PrometheusRule lives in :mod:`nto.bundle.alerts`. Neighbours: :mod:`nto.operator.metrics_server`
(the endpoint), :mod:`nto.bundle.operator_deployment` (mounts the secret and the ConfigMap).
"""

from __future__ import annotations

from nto.bundle.alerts import prometheus_rule
from nto.bundle.names import (
    CREATE_ONLY_ANNOTATION,
    METRICS_PORT,
    METRICS_SECRET,
    METRICS_SERVICE,
    NAMESPACE,
    OPERATOR_NAME,
    POD_LABEL,
    SERVING_CERT_ANNOTATION,
    TRUSTED_CA,
)
from nto_api.objects import JSONDict

PROMETHEUS: tuple[str, str] = ("openshift-monitoring", "prometheus-k8s")
"""Namespace and ServiceAccount of the cluster's Prometheus."""
METRICS_PORT_NAME = "metrics"


def trusted_ca() -> JSONDict:
    """ConfigMap ``trusted-ca``: created once, then the cluster injects the CA bundle."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": TRUSTED_CA,
            "namespace": NAMESPACE,
            "annotations": {CREATE_ONLY_ANNOTATION: "true"},
            "labels": {"config.openshift.io/inject-trusted-cabundle": "true"},
        },
    }


def metrics_service() -> JSONDict:
    """Headless Service ``node-tuning-operator`` in front of the operator's metrics port."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": METRICS_SERVICE,
            "namespace": NAMESPACE,
            "annotations": {SERVING_CERT_ANNOTATION: METRICS_SECRET},
            "labels": {"name": METRICS_SERVICE},
        },
        "spec": {
            "clusterIP": "None",
            "selector": {POD_LABEL: OPERATOR_NAME},
            "ports": [
                {
                    "name": METRICS_PORT_NAME,
                    "port": METRICS_PORT,
                    "protocol": "TCP",
                    "targetPort": METRICS_PORT,
                }
            ],
        },
    }


def prometheus_role() -> list[JSONDict]:
    """Role and RoleBinding ``prometheus-k8s``: Prometheus may discover our endpoints."""
    name = PROMETHEUS[1]
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "rules": [
            {
                "apiGroups": [""],
                "resources": ["services", "endpoints", "pods"],
                "verbs": ["get", "list", "watch"],
            },
            {
                "apiGroups": ["discovery.k8s.io"],
                "resources": ["endpointslices"],
                "verbs": ["get", "list", "watch"],
            },
        ],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": PROMETHEUS[0]}],
    }
    return [role, binding]


def service_monitor() -> JSONDict:
    """ServiceMonitor ``node-tuning-operator``: HTTPS every 60 s with Prometheus' client cert."""
    secrets = "/etc/prometheus/secrets/metrics-client-certs"
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {
            "name": METRICS_SERVICE,
            "namespace": NAMESPACE,
            "labels": {"name": METRICS_SERVICE},
        },
        "spec": {
            "endpoints": [
                {
                    "interval": "60s",
                    "port": METRICS_PORT_NAME,
                    "scheme": "https",
                    "tlsConfig": {
                        "caFile": "/etc/prometheus/configmaps/serving-certs-ca-bundle/"
                        "service-ca.crt",
                        "serverName": f"{METRICS_SERVICE}.{NAMESPACE}.svc",
                        "certFile": f"{secrets}/tls.crt",
                        "keyFile": f"{secrets}/tls.key",
                    },
                }
            ],
            "namespaceSelector": {"matchNames": [NAMESPACE]},
            "selector": {"matchLabels": {"name": METRICS_SERVICE}},
            "serviceDiscoveryRole": "EndpointSlice",
        },
    }


def monitoring() -> list[JSONDict]:
    """Every document of ``30-monitoring.yaml``, in apply order."""
    return [
        trusted_ca(),
        metrics_service(),
        *prometheus_role(),
        service_monitor(),
        prometheus_rule(),
    ]
