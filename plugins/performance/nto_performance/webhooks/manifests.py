"""The webhook's cluster manifests: the Service in front of port 4343 and the
ValidatingWebhookConfiguration, as the reference ships them (``45-webhook-configuration``).

The service CA fills the configuration's ``caBundle`` (annotation ``inject-cabundle``) and issues
the serving certificate into secret ``performance-addon-operator-webhook-cert`` (annotation
``serving-cert-secret-name``), which the operator mounts for the shared webhook server. The
failure policy stays ``Ignore`` like the reference: a missing webhook never blocks profile
writes. Ours in addition, in file ``45-tuned-warnings-webhook``: a second configuration that sends
the operator namespace's Tuneds to the warning-only webhook :mod:`.tuned`. Neighbours:
:mod:`.admission` (the path), :mod:`nto_performance.plugin` (hook
``nto_bundle_manifests``), the CRD's conversion webhook (same Service, path ``/convert``).
"""

from __future__ import annotations

from typing import Final

from nto.plugins import JSONDict
from nto_api.names import (
    CONVERSION_SERVICE,
    INJECT_CABUNDLE_ANNOTATION,
    OPERATOR_NAMESPACE,
    PERFORMANCE_GROUP,
    PERFORMANCE_PLURAL,
    TUNED_GROUP,
    TUNED_PLURAL,
)
from nto_performance.webhooks.admission import VALIDATE_PATH
from nto_performance.webhooks.tuned import TUNED_PATH

__all__ = [
    "BUNDLE_FILE",
    "SERVICE_NAME",
    "TUNED_BUNDLE_FILE",
    "TUNED_CONFIGURATION_NAME",
    "TUNED_WEBHOOK_NAME",
    "WEBHOOK_CONFIGURATION_NAME",
    "WEBHOOK_NAME",
    "bundle_manifests",
    "service",
    "tuned_warnings_webhook_configuration",
    "validating_webhook_configuration",
]

BUNDLE_FILE: Final = "0000_50_cluster-node-tuning-operator_45-webhook-configuration.yaml"
SERVICE_NAME: Final = CONVERSION_SERVICE
WEBHOOK_CONFIGURATION_NAME: Final = "performance-addon-operator"
WEBHOOK_NAME: Final = "vwb.performance.openshift.io"
TUNED_BUNDLE_FILE: Final = "0000_50_cluster-node-tuning-operator_45-tuned-warnings-webhook.yaml"
TUNED_CONFIGURATION_NAME: Final = "node-tuning-operator-tuned-warnings"
TUNED_WEBHOOK_NAME: Final = "tuned-warnings.tuned.openshift.io"
"""Ours (the reference has none): warning-only admission of the operator namespace's Tuneds."""
SERVING_CERT_SECRET: Final = "performance-addon-operator-webhook-cert"
SERVING_CERT_ANNOTATION: Final = "service.beta.openshift.io/serving-cert-secret-name"
SERVICE_PORT: Final = 443
WEBHOOK_PORT: Final = 4343
OPERATOR_SELECTOR: Final = {"name": "cluster-node-tuning-operator"}


def service() -> JSONDict:
    """Service ``performance-addon-operator-service``: 443 -> the operator's port 4343."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": SERVICE_NAME,
            "namespace": OPERATOR_NAMESPACE,
            "annotations": {SERVING_CERT_ANNOTATION: SERVING_CERT_SECRET},
        },
        "spec": {
            "type": "ClusterIP",
            "selector": dict(OPERATOR_SELECTOR),
            "ports": [
                {
                    "name": "https",
                    "port": SERVICE_PORT,
                    "protocol": "TCP",
                    "targetPort": WEBHOOK_PORT,
                }
            ],
        },
    }


def validating_webhook_configuration(ca_bundle: str | None = None) -> JSONDict:
    """ValidatingWebhookConfiguration ``performance-addon-operator``; ``ca_bundle`` (base64
    PEM) is for tests, the service CA injects it in a cluster."""
    client_config: JSONDict = {
        "service": {
            "name": SERVICE_NAME,
            "namespace": OPERATOR_NAMESPACE,
            "path": VALIDATE_PATH,
            "port": SERVICE_PORT,
        }
    }
    if ca_bundle is not None:
        client_config["caBundle"] = ca_bundle
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {
            "name": WEBHOOK_CONFIGURATION_NAME,
            "annotations": {INJECT_CABUNDLE_ANNOTATION: "true"},
        },
        "webhooks": [
            {
                "name": WEBHOOK_NAME,
                "admissionReviewVersions": ["v1"],
                "clientConfig": client_config,
                "failurePolicy": "Ignore",
                "matchPolicy": "Equivalent",
                "rules": [
                    {
                        "apiGroups": [PERFORMANCE_GROUP],
                        "apiVersions": ["v2"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": [PERFORMANCE_PLURAL],
                    }
                ],
                "sideEffects": "None",
                "timeoutSeconds": 10,
            }
        ],
    }


def tuned_warnings_webhook_configuration(ca_bundle: str | None = None) -> JSONDict:
    """ValidatingWebhookConfiguration ``node-tuning-operator-tuned-warnings``: Tuneds of the
    operator namespace to the warning-only webhook (:mod:`.tuned`); it never denies, and the
    failure policy ``Ignore`` keeps Tuned writes working without it."""
    client_config: JSONDict = {
        "service": {
            "name": SERVICE_NAME,
            "namespace": OPERATOR_NAMESPACE,
            "path": TUNED_PATH,
            "port": SERVICE_PORT,
        }
    }
    if ca_bundle is not None:
        client_config["caBundle"] = ca_bundle
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {
            "name": TUNED_CONFIGURATION_NAME,
            "annotations": {INJECT_CABUNDLE_ANNOTATION: "true"},
        },
        "webhooks": [
            {
                "name": TUNED_WEBHOOK_NAME,
                "admissionReviewVersions": ["v1"],
                "clientConfig": client_config,
                "failurePolicy": "Ignore",
                "matchPolicy": "Equivalent",
                "namespaceSelector": {
                    "matchLabels": {"kubernetes.io/metadata.name": OPERATOR_NAMESPACE}
                },
                "rules": [
                    {
                        "apiGroups": [TUNED_GROUP],
                        "apiVersions": ["v1"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": [TUNED_PLURAL],
                    }
                ],
                "sideEffects": "None",
                "timeoutSeconds": 10,
            }
        ],
    }


def bundle_manifests() -> list[tuple[str, JSONDict]]:
    """The ``(file name, manifest)`` pairs for hook ``nto_bundle_manifests``."""
    return [
        (BUNDLE_FILE, service()),
        (BUNDLE_FILE, validating_webhook_configuration()),
        (TUNED_BUNDLE_FILE, tuned_warnings_webhook_configuration()),
    ]
