"""The Tuned controller end to end: default CR, Profiles per node, labels, kernel-argument MCs,
managementState, and convergence under injected API failures."""

from __future__ import annotations

from typing import Any

import pytest

from nto.testing import EmulatedCluster, free_port, wait_for

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
TUNED = "tuned.openshift.io/v1"
MCO = "machineconfiguration.openshift.io/v1"
PATIENCE = 90.0
"""Seconds to wait for an observable event: generous, a busy 2-core machine is slow."""


def node(name: str, **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/os": "linux", **labels}},
        "spec": {"providerID": f"aws:///eu-west-1a/{name}"},
    }


def pool(name: str) -> dict[str, Any]:
    return {
        "apiVersion": MCO,
        "kind": "MachineConfigPool",
        "metadata": {"name": name},
        "spec": {
            "machineConfigSelector": {
                "matchLabels": {"machineconfiguration.openshift.io/role": name}
            },
            "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{name}": ""}},
        },
    }


def tuned(name: str, profile: str, recommend: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": TUNED,
        "kind": "Tuned",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "profile": [
                {"name": profile, "data": f"[main]\nsummary={profile}\ninclude=openshift-node\n"}
            ],
            "recommend": [{"profile": profile, **recommend}],
        },
    }


def tuned_profile_of(cluster: EmulatedCluster, node_name: str) -> str | None:
    profile = cluster.get(TUNED, "Profile", node_name, NS)
    return profile and profile["spec"]["config"]["tunedProfile"]


@pytest.fixture
def operator(cluster, operator_factory):
    cluster.apply([pool("master"), pool("worker")])
    cluster.apply(
        [
            node(
                "master-0",
                **{
                    "node-role.kubernetes.io/master": "",
                    "node-role.kubernetes.io/control-plane": "",
                },
            ),
            node("worker-0", **{"node-role.kubernetes.io/worker": ""}),
            node("worker-1", **{"node-role.kubernetes.io/worker": ""}),
        ]
    )
    return operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        "--enable-leader-election=false",
        env={"RELEASE_VERSION": "4.99.0", "RESYNC_PERIOD": "3600"},
    )


def wait_profiles(cluster, expected: dict[str, str], operator, timeout=PATIENCE):
    def converged():
        return all(tuned_profile_of(cluster, n) == p for n, p in expected.items())

    try:
        wait_for(converged, timeout=timeout, message=f"Profiles {expected}")
    except TimeoutError:
        print(operator.log[-4000:])
        raise


def test_default_tuned_profiles_and_owner(cluster, operator):
    # A slow status write, as on a busy machine: the test must wait for it, not race it.
    cluster.inject_fault(
        None, method="PUT", path_contains="/clusteroperators/node-tuning/status", delay=3.0
    )
    wait_profiles(
        cluster,
        {
            "master-0": "openshift-control-plane",
            "worker-0": "openshift-node",
            "worker-1": "openshift-node",
        },
        operator,
    )
    default = cluster.get(TUNED, "Tuned", "default", NS)
    profile = cluster.get(TUNED, "Profile", "worker-0", NS)
    assert profile["metadata"]["ownerReferences"][0]["uid"] == default["metadata"]["uid"]
    assert profile["spec"]["config"]["providerName"] == "aws"
    assert profile["metadata"]["annotations"]["tuned.openshift.io/bootcmdline-deps"].startswith(
        "4.99.0,default:"
    )
    assert cluster.get("apps/v1", "DaemonSet", "tuned", NS) is not None

    # The ClusterOperator is created first and given its status in a second write: wait for it.
    def co_condition_types() -> set[str]:
        co = cluster.get("config.openshift.io/v1", "ClusterOperator", "node-tuning") or {}
        return {c["type"] for c in (co.get("status") or {}).get("conditions") or []}

    wait_for(co_condition_types, timeout=PATIENCE, message="ClusterOperator status written")
    assert co_condition_types() == {"Available", "Progressing", "Degraded"}


def test_labels_and_custom_tuned_are_followed(cluster, operator):
    wait_profiles(cluster, {"worker-0": "openshift-node"}, operator)
    cluster.apply(
        tuned(
            "hugepages",
            "openshift-hugepages",
            {"priority": 20, "match": [{"label": "tuned.openshift.io/hugepages"}]},
        )
    )
    worker = cluster.get("v1", "Node", "worker-0")
    worker["metadata"]["labels"]["tuned.openshift.io/hugepages"] = ""
    cluster.apply(worker)
    wait_profiles(
        cluster, {"worker-0": "openshift-hugepages", "worker-1": "openshift-node"}, operator
    )
    del worker["metadata"]["labels"]["tuned.openshift.io/hugepages"]
    cluster.apply(
        cluster.get("v1", "Node", "worker-0")
        | {"metadata": worker["metadata"] | {"resourceVersion": None}}
    )
    wait_profiles(cluster, {"worker-0": "openshift-node"}, operator)


def test_node_deletion_removes_its_profile(cluster, operator):
    wait_profiles(cluster, {"worker-1": "openshift-node"}, operator)
    cluster.delete("v1", "Node", "worker-1")
    wait_for(
        lambda: cluster.get(TUNED, "Profile", "worker-1", NS) is None,
        timeout=PATIENCE,
        message="Profile gone",
    )


def test_default_tuned_is_reset_but_keeps_management_state(cluster, operator):
    wait_for(
        lambda: cluster.get(TUNED, "Tuned", "default", NS),
        timeout=PATIENCE,
        message="default Tuned",
    )
    default = cluster.get(TUNED, "Tuned", "default", NS)
    default["spec"]["recommend"] = []
    default["spec"]["managementState"] = "Unmanaged"
    default["metadata"].setdefault("labels", {})["keep"] = "me"
    cluster.apply(default)

    def reset():
        current = cluster.get(TUNED, "Tuned", "default", NS)
        return current["spec"]["recommend"] and current

    current = wait_for(reset, timeout=PATIENCE, message="default Tuned reset")
    assert current["spec"]["managementState"] == "Unmanaged"
    assert current["metadata"]["labels"]["keep"] == "me"


def test_removed_state_cleans_up(cluster, operator):
    wait_profiles(cluster, {"worker-0": "openshift-node"}, operator)
    default = cluster.get(TUNED, "Tuned", "default", NS)
    default["spec"]["managementState"] = "Removed"
    cluster.inject_fault(  # a slow status write, as on a busy machine
        None, method="PUT", path_contains="/clusteroperators/node-tuning/status", delay=3.0
    )
    cluster.apply(default)
    wait_for(
        lambda: (
            not cluster.list(TUNED, "Profile", NS)
            and cluster.get("apps/v1", "DaemonSet", "tuned", NS) is None
        ),
        timeout=PATIENCE,
        message="Profiles and DaemonSet removed",
    )

    # The status is the reconcile's last write, after the deletions: wait for it.
    def available_reason() -> str | None:
        co = cluster.get("config.openshift.io/v1", "ClusterOperator", "node-tuning") or {}
        found = [
            c for c in (co.get("status") or {}).get("conditions") or [] if c["type"] == "Available"
        ]
        return found[0]["reason"] if found else None

    wait_for(
        lambda: available_reason() == "Removed", timeout=PATIENCE, message="Available: Removed"
    )
    assert not cluster.list(TUNED, "Profile", NS)


def test_kernel_argument_machine_config_is_gated_on_every_node(cluster, operator):
    wait_profiles(cluster, {"worker-0": "openshift-node", "worker-1": "openshift-node"}, operator)
    cluster.apply(
        tuned(
            "realtime",
            "openshift-realtime",
            {
                "priority": 10,
                "machineConfigLabels": {"machineconfiguration.openshift.io/role": "worker"},
            },
        )
    )
    wait_profiles(
        cluster, {"worker-0": "openshift-realtime", "worker-1": "openshift-realtime"}, operator
    )
    deps = cluster.get(TUNED, "Profile", "worker-0", NS)["metadata"]["annotations"][
        "tuned.openshift.io/bootcmdline-deps"
    ]

    def report(name: str, cmdline: str) -> None:
        current = cluster.get("v1", "Node", name)
        current["metadata"].setdefault("annotations", {}).update(
            {"tuned.openshift.io/bootcmdline": cmdline, "tuned.openshift.io/bootcmdline-deps": deps}
        )
        cluster.apply(current)

    def settled_after(name: str) -> None:
        """Return once a reconcile that saw `name`'s latest state has finished.

        Two providerID changes of the same Node, each awaited on its Profile: kopf handles one
        object's events in order, and the reconcile that writes the second value starts after
        the one that wrote the first (and saw the report) has finished, MachineConfigs included.
        """
        for provider in ("settle-a", "settle-b"):
            current = cluster.get("v1", "Node", name)
            current["spec"]["providerID"] = f"{provider}://{name}"
            cluster.apply(current)
            wait_for(
                lambda provider=provider: (
                    cluster.get(TUNED, "Profile", name, NS)["spec"]["config"]["providerName"]
                    == provider
                ),
                timeout=PATIENCE,
                message=f"Profile {name} providerName {provider}",
            )

    report("worker-0", "skew_tick=1 isolcpus=1")
    settled_after("worker-0")
    assert cluster.get(MCO, "MachineConfig", "50-nto-worker") is None, (
        "one node has not reported yet"
    )
    report("worker-1", "skew_tick=1 isolcpus=1")
    mc = wait_for(
        lambda: cluster.get(MCO, "MachineConfig", "50-nto-worker"),
        timeout=PATIENCE,
        message="MC created",
    )
    assert mc["spec"]["kernelArguments"] == ["skew_tick=1", "isolcpus=1"]
    assert mc["metadata"]["labels"] == {"machineconfiguration.openshift.io/role": "worker"}

    report("worker-1", "skew_tick=1 isolcpus=0")  # conflict

    def degraded():
        co = cluster.get("config.openshift.io/v1", "ClusterOperator", "node-tuning")
        return any(
            c["type"] == "Degraded" and c["reason"] == "ProfileConflict" and c["status"] == "True"
            for c in co["status"]["conditions"]
        )

    wait_for(degraded, timeout=PATIENCE, message="Degraded ProfileConflict")
    report("worker-1", "skew_tick=1 isolcpus=1")  # resolved
    wait_for(lambda: not degraded(), timeout=PATIENCE, message="recovered")

    cluster.delete(TUNED, "Tuned", "realtime", NS)
    wait_for(
        lambda: cluster.get(MCO, "MachineConfig", "50-nto-worker") is None,
        timeout=PATIENCE,
        message="MC pruned",
    )


def test_converges_through_api_failures_without_duplicates(cluster, operator):
    cluster.inject_fault(500, count=5, resource="profiles")
    cluster.inject_fault(409, count=3, method="PUT", resource="profiles")
    wait_profiles(cluster, {"worker-0": "openshift-node", "worker-1": "openshift-node"}, operator)
    cluster.break_watches()
    cluster.apply(node("worker-2", **{"node-role.kubernetes.io/worker": ""}))
    wait_profiles(cluster, {"worker-2": "openshift-node"}, operator)
    names = [p["metadata"]["name"] for p in cluster.list(TUNED, "Profile", NS)]
    assert sorted(names) == ["master-0", "worker-0", "worker-1", "worker-2"]
    assert len(cluster.list(TUNED, "Tuned", NS)) == 1
