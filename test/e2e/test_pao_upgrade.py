"""Upgrade from the standalone (OLM) Performance Addon Operator, both modes, end to end.

``remove`` (default): the standalone PAO's Subscription and CSV are deleted on start; copied
CSVs, other operators, CRDs and PerformanceProfiles stay. ``stand-down``
(``NTO_PAO_STANDALONE=stand-down``): nothing is deleted, the controller does not reconcile
while the PAO is present and the ClusterOperator says why; it resumes once the PAO is gone.
"""

from __future__ import annotations

from typing import Any

import pytest

from nto.testing import EmulatedCluster, free_port, wait_for

from .test_performance_profile import NS, TUNED, cnf_pool, node, profile

pytestmark = pytest.mark.e2e

OLM = "operators.coreos.com/v1alpha1"
PAO_NS = "openshift-performance-addon-operator"
PAO_CSV = "performance-addon-operator.v4.11.0"


def csv(name: str, namespace: str, deployment: str, **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": OLM,
        "kind": "ClusterServiceVersion",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "install": {
                "strategy": "deployment",
                "spec": {"deployments": [{"name": deployment, "spec": {}}]},
            }
        },
    }


def subscription(name: str, namespace: str, installed: str) -> dict[str, Any]:
    return {
        "apiVersion": OLM,
        "kind": "Subscription",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"name": "performance-addon-operator", "source": "redhat-operators"},
        "status": {"installedCSV": installed},
    }


@pytest.fixture
def olm_cluster(cluster: EmulatedCluster) -> EmulatedCluster:
    cluster.apply(
        [
            csv(PAO_CSV, PAO_NS, "performance-operator"),
            csv(PAO_CSV, "other-ns", "performance-operator", **{"olm.copiedFrom": PAO_NS}),
            csv("sriov-operator.v4.11.0", PAO_NS, "sriov-network-operator"),
            subscription("performance-addon-operator", PAO_NS, PAO_CSV),
            subscription("sriov", PAO_NS, "sriov-operator.v4.11.0"),
            cnf_pool(),
            node("cnf-0"),
            profile(),
        ]
    )
    return cluster


def start(operator_factory, **env: str):
    return operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        "--enable-leader-election=false",
        env={"RELEASE_VERSION": "4.99.0", "RESYNC_PERIOD": "3600", **env},
    )


def waited(predicate, operator, message: str, timeout: float = 20.0):
    try:
        return wait_for(predicate, timeout=timeout, message=message)
    except TimeoutError:
        print(operator.log[-6000:])
        raise


def tuned(cluster: EmulatedCluster) -> dict[str, Any] | None:
    return cluster.get(TUNED, "Tuned", "openshift-node-performance-manual", NS)


def operator_messages(cluster: EmulatedCluster) -> str:
    co = cluster.get("config.openshift.io/v1", "ClusterOperator", "node-tuning") or {}
    return " ".join(c.get("message", "") for c in (co.get("status") or {}).get("conditions", []))


def test_remove_mode_deletes_only_the_standalone_pao(olm_cluster, operator_factory):
    cluster = olm_cluster
    operator = start(operator_factory)
    waited(
        lambda: cluster.get(OLM, "ClusterServiceVersion", PAO_CSV, PAO_NS) is None,
        operator,
        "CSV gone",
    )
    assert cluster.get(OLM, "Subscription", "performance-addon-operator", PAO_NS) is None
    assert cluster.get(OLM, "ClusterServiceVersion", PAO_CSV, "other-ns") is not None
    assert cluster.get(OLM, "ClusterServiceVersion", "sriov-operator.v4.11.0", PAO_NS)
    assert cluster.get(OLM, "Subscription", "sriov", PAO_NS) is not None
    assert cluster.get("performance.openshift.io/v2", "PerformanceProfile", "manual")
    waited(lambda: tuned(cluster), operator, "the profile is taken over")


def test_stand_down_mode_waits_for_the_pao_to_go(olm_cluster, operator_factory):
    cluster = olm_cluster
    operator = start(operator_factory, NTO_PAO_STANDALONE="stand-down", NTO_PAO_CHECK_SECONDS="0.5")
    waited(
        lambda: "standalone Performance Addon Operator" in operator_messages(cluster),
        operator,
        "ClusterOperator says the controller stands down",
    )
    assert f"{PAO_NS}/{PAO_CSV}" in operator_messages(cluster)
    assert tuned(cluster) is None
    assert cluster.get(OLM, "ClusterServiceVersion", PAO_CSV, PAO_NS) is not None

    cluster.delete(OLM, "ClusterServiceVersion", PAO_CSV, PAO_NS)
    waited(lambda: tuned(cluster), operator, "the controller resumes")
    waited(
        lambda: "standalone" not in operator_messages(cluster),
        operator,
        "ClusterOperator message cleared",
    )
