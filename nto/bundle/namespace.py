"""``10-namespace.yaml``: the operator's Namespace (privileged pod security, cluster monitoring).

Neighbours: :mod:`nto.bundle.generate` (assembly), :mod:`nto.bundle.names`.
"""

from __future__ import annotations

from nto.bundle.names import NAMESPACE
from nto_api.objects import JSONDict


def namespace() -> JSONDict:
    """Namespace ``openshift-cluster-node-tuning-operator``."""
    levels = ("enforce", "audit", "warn")
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": NAMESPACE,
            "annotations": {
                "openshift.io/node-selector": "",
                "workload.openshift.io/allowed": "management",
            },
            "labels": {
                "openshift.io/cluster-monitoring": "true",
                **{f"pod-security.kubernetes.io/{level}": "privileged" for level in levels},
            },
        },
    }
