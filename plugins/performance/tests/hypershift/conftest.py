"""Fixtures for the HyperShift tests: profile ConfigMap builders.

``profile_doc(name, **spec)`` is a v2 PerformanceProfile wire dict; ``profile_configmap(...)``
wraps it (or any text) into a profile ConfigMap of the hosted-control-plane namespace.
"""

from __future__ import annotations

from typing import Any

import yaml

from nto_performance.hypershift.names import (
    NODE_POOL_ANNOTATION,
    PERFORMANCE_PROFILE_CONFIG_LABEL,
    TUNING_KEY,
)

HCP_NAMESPACE = "clusters-hosted"
NODE_POOL = "clusters/np1"


def profile_doc(name: str = "perf", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "performance.openshift.io/v2",
        "kind": "PerformanceProfile",
        "metadata": {"name": name},
        "spec": {
            "cpu": {"reserved": "0-1", "isolated": "2-3"},
            "nodeSelector": {"node-role.kubernetes.io/worker": ""},
            **spec,
        },
    }


def profile_configmap(
    name: str = "perfprofile-np1",
    *,
    text: str | None = None,
    profile: dict[str, Any] | None = None,
    node_pool: str | None = NODE_POOL,
    uid: str = "cm-uid-1",
    finalizers: list[str] | None = None,
) -> dict[str, Any]:
    annotations = {} if node_pool is None else {NODE_POOL_ANNOTATION: node_pool}
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": HCP_NAMESPACE,
            "uid": uid,
            "labels": {PERFORMANCE_PROFILE_CONFIG_LABEL: "true"},
            "annotations": annotations,
        },
        "data": {
            TUNING_KEY: text if text is not None else yaml.safe_dump(profile or profile_doc())
        },
    }
    if finalizers is not None:
        body["metadata"]["finalizers"] = finalizers
    return body
