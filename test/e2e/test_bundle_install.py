"""Install the CVO bundle into the cluster, run the operator as its Deployment would, and see
ClusterOperator/node-tuning become Available once the operand DaemonSet is up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nto.testing import EmulatedCluster, free_port, wait_for

pytestmark = pytest.mark.e2e

BUNDLE = Path(__file__).resolve().parents[2] / "bundle"
NS = "openshift-cluster-node-tuning-operator"


def bundle_documents() -> list[dict]:
    documents = []
    for path in sorted(BUNDLE.glob("0000_*.yaml")):
        documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return documents


def condition(cluster: EmulatedCluster, type_: str) -> dict | None:
    co = cluster.get("config.openshift.io/v1", "ClusterOperator", "node-tuning") or {}
    return next((c for c in co.get("status", {}).get("conditions", []) if c["type"] == type_), None)


def test_bundle_installs_and_operator_becomes_available(emulated_cluster, operator_factory):
    cluster = emulated_cluster
    documents = bundle_documents()
    crds = [d for d in documents if d["kind"] == "CustomResourceDefinition"]
    cluster.load_crds(crds)
    cluster.apply([d for d in documents if d["kind"] != "CustomResourceDefinition"])
    kinds = {d["kind"] for d in documents}
    assert {"Namespace", "ClusterRole", "Deployment", "ServiceMonitor", "ClusterOperator"} <= kinds
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    env = {
        e["name"]: e["value"]
        for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]
        if "value" in e
    }
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "worker-0", "labels": {"node-role.kubernetes.io/worker": ""}},
        }
    )
    operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        "--enable-leader-election=false",
        env=env,
    )
    ds = wait_for(
        lambda: cluster.get("apps/v1", "DaemonSet", "tuned", NS), timeout=30, message="DaemonSet"
    )
    wait_for(
        lambda: (condition(cluster, "Available") or {}).get("status") == "False",
        timeout=30,
        message="ClusterOperator not Available before the operand runs",
    )

    generation = ds["metadata"].get("generation", 1)
    ds["status"] = {  # what the DaemonSet controller would report once the pod runs
        "observedGeneration": generation,
        "desiredNumberScheduled": 1,
        "currentNumberScheduled": 1,
        "updatedNumberScheduled": 1,
        "numberAvailable": 1,
        "numberReady": 1,
    }
    cluster.apply(ds)
    profile = wait_for(
        lambda: cluster.get("tuned.openshift.io/v1", "Profile", "worker-0", NS), timeout=30
    )
    now = "2026-01-01T00:00:00Z"
    profile["status"] = {  # what ocp-tuned on the node would report
        "tunedProfile": profile["spec"]["config"]["tunedProfile"],
        "conditions": [
            {
                "type": "Applied",
                "status": "True",
                "reason": "AsExpected",
                "lastTransitionTime": now,
            },
            {
                "type": "Degraded",
                "status": "False",
                "reason": "AsExpected",
                "lastTransitionTime": now,
            },
        ],
    }
    cluster.apply(profile)

    # Available may already be True (ProfileProgressing) once the DaemonSet is ready and before
    # the Profile's status lands: wait for the state the applied Profile leads to
    def available_as_expected() -> bool:
        found = condition(cluster, "Available") or {}
        return (found.get("status"), found.get("reason")) == ("True", "AsExpected")

    wait_for(available_as_expected, timeout=30, message="ClusterOperator Available, AsExpected")
    assert condition(cluster, "Degraded")["status"] == "False"
    co = cluster.get("config.openshift.io/v1", "ClusterOperator", "node-tuning")
    resources = {o["resource"] for o in co["status"]["relatedObjects"]}
    assert {"namespaces", "profiles", "tuneds", "performanceprofiles"} <= resources
