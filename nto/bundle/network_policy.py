"""``55-network-policy.yaml``: deny everything in the namespace, then allow what the operator needs.

Allowed: egress to the API server (TCP 6443) from the operator and operand pods, ingress to the
metrics port (60000) and the webhook port (4343). The operand runs with the host network, so
these policies only constrain the operator in practice. Neighbours: :mod:`nto.bundle.names`.
"""

from __future__ import annotations

from typing import Any

from nto.bundle.names import (
    DAEMONSET_NAME,
    METRICS_PORT,
    NAMESPACE,
    OPERATOR_NAME,
    POD_LABEL,
    WEBHOOK_PORT,
)
from nto_api.objects import JSONDict

API_SERVER_PORT = 6443


def _policy(name: str, spec: dict[str, Any]) -> JSONDict:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": spec,
    }


def _tcp(port: int) -> list[JSONDict]:
    return [{"protocol": "TCP", "port": port}]


def _ingress_to_operator(name: str, port: int) -> JSONDict:
    return _policy(
        name,
        {
            "podSelector": {"matchLabels": {POD_LABEL: OPERATOR_NAME}},
            "ingress": [{"ports": _tcp(port)}],
            "policyTypes": ["Ingress"],
        },
    )


def network_policies() -> list[JSONDict]:
    """The four policies, deny-all first."""
    pods = {"key": POD_LABEL, "operator": "In", "values": [OPERATOR_NAME, DAEMONSET_NAME]}
    return [
        _policy("default-deny-all", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
        _policy(
            "allow-egress-to-api-server",
            {
                "podSelector": {"matchExpressions": [pods]},
                "egress": [{"ports": _tcp(API_SERVER_PORT)}],
                "policyTypes": ["Egress"],
            },
        ),
        _ingress_to_operator("allow-metrics-traffic", METRICS_PORT),
        _ingress_to_operator("allow-webhook-traffic", WEBHOOK_PORT),
    ]
