"""Names, labels, ports and images the bundle's manifests share, in one place.

Cluster-facing strings come from their owners (:mod:`nto_api.names`, :mod:`nto.controller.names`,
:mod:`nto.operator.settings`) and are re-exported here so that every manifest module of
:mod:`nto.bundle` reads them from one module. Facts from ``../shared/spec/nto-core.md``
section 7 and ``../shared/spec/performance.md`` section 9.
"""

from __future__ import annotations

from typing import Final

from nto.controller.names import (
    CLUSTER_OPERATOR_NAME,
    DAEMONSET_NAME,
    OPERAND_SERVICE_ACCOUNT,
    OPERATOR_NAME,
)
from nto.operator.settings import METRICS_CERT_DIR, METRICS_PORT, WEBHOOK_CERT_DIR, WEBHOOK_PORT
from nto_api.names import (
    CAPABILITY_ANNOTATION,
    CAPABILITY_NAME,
    OPERATOR_NAMESPACE,
    RELEASE_PROFILES,
)

__all__ = [
    "CAPABILITY_ANNOTATION",
    "CAPABILITY_NAME",
    "CLUSTER_OPERATOR_NAME",
    "CREATE_ONLY_ANNOTATION",
    "DAEMONSET_NAME",
    "FILE_PREFIX",
    "IMAGE",
    "IMAGE_TAG",
    "INCLUDE_RELEASE_PREFIX",
    "METRICS_CERT_DIR",
    "METRICS_PORT",
    "METRICS_SECRET",
    "METRICS_SERVICE",
    "NAMESPACE",
    "OPERAND_ROLE",
    "OPERAND_SERVICE_ACCOUNT",
    "OPERATOR_NAME",
    "POD_LABEL",
    "RELEASE_PROFILES",
    "RELEASE_VERSION",
    "SERVING_CERT_ANNOTATION",
    "TRUSTED_CA",
    "TRUSTED_CA_DIR",
    "WEBHOOK_CERT_DIR",
    "WEBHOOK_PORT",
]

NAMESPACE: Final = OPERATOR_NAMESPACE
FILE_PREFIX: Final = "0000_50_cluster-node-tuning-operator_"
"""CVO file-name prefix; ``<NN>-<name>.yaml`` follows, ``NN`` orders the apply."""
RELEASE_VERSION: Final = "0.0.1-snapshot"
"""The CVO replaces this placeholder with the payload version."""
IMAGE_TAG: Final = "cluster-node-tuning-operator"
IMAGE: Final = f"registry.ci.openshift.org/openshift/origin-v4.0:{IMAGE_TAG}"
"""One image is both operator and operand; the CVO substitutes it through image-references."""

INCLUDE_RELEASE_PREFIX: Final = "include.release.openshift.io/"
CREATE_ONLY_ANNOTATION: Final = "release.openshift.io/create-only"
SERVING_CERT_ANNOTATION: Final = "service.beta.openshift.io/serving-cert-secret-name"

POD_LABEL: Final = "name"
"""Label key selecting the operator's pods (value `OPERATOR_NAME`)."""
OPERAND_ROLE: Final = "cluster-node-tuning:tuned"
METRICS_SERVICE: Final = "node-tuning-operator"
METRICS_SECRET: Final = "node-tuning-operator-tls"
TRUSTED_CA: Final = "trusted-ca"
TRUSTED_CA_DIR: Final = "/var/run/configmaps/trusted-ca/"
