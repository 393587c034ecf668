"""The PerformanceProfile controller end to end: ordered apply gated on the pool signal, owner
references, status and its Degraded reasons, edits, pause, deletion, and restarts.

The operand does not run here: the tests play the nodes by copying each TuneD Profile's
``bootcmdline-deps`` annotation onto its Node (with a kernel command line), which is what lets
the core signal that the pool applied the profile's Tuned.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any

import pytest

from nto.testing import EmulatedCluster, free_port, wait_for

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
TUNED = "tuned.openshift.io/v1"
MCO = "machineconfiguration.openshift.io/v1"
PP_API = "performance.openshift.io/v2"
DEPS = "tuned.openshift.io/bootcmdline-deps"
BOOTCMDLINE = "tuned.openshift.io/bootcmdline"
ROLE = "machineconfiguration.openshift.io/role"
CNF_LABEL = "node-role.kubernetes.io/worker-cnf"


def cnf_pool(name: str = "worker-cnf", *, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": MCO,
        "kind": "MachineConfigPool",
        "metadata": {"name": name, "labels": {ROLE: name} if labels is None else labels},
        "spec": {
            "machineConfigSelector": {
                "matchExpressions": [{"key": ROLE, "operator": "In", "values": ["worker", name]}]
            },
            "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{name}": ""}},
        },
    }


def node(name: str, role: str = "worker-cnf") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/os": "linux", f"node-role.kubernetes.io/{role}": ""},
        },
        "spec": {"providerID": f"aws:///eu-west-1a/{name}"},
    }


def profile(name: str = "manual", role: str = "worker-cnf", **cpu: str) -> dict[str, Any]:
    return {
        "apiVersion": PP_API,
        "kind": "PerformanceProfile",
        "metadata": {"name": name},
        "spec": {
            "cpu": {"reserved": "0-1", "isolated": "2-3", **cpu},
            "nodeSelector": {f"node-role.kubernetes.io/{role}": ""},
        },
    }


def get_pp(cluster: EmulatedCluster, name: str = "manual") -> dict[str, Any] | None:
    return cluster.get(PP_API, "PerformanceProfile", name)


def conditions(cluster: EmulatedCluster, name: str = "manual") -> dict[str, dict[str, Any]]:
    pp = get_pp(cluster, name) or {}
    return {c["type"]: c for c in (pp.get("status") or {}).get("conditions") or []}


def components(cluster: EmulatedCluster, name: str = "manual") -> dict[str, Any]:
    return {
        "tuned": cluster.get(TUNED, "Tuned", f"openshift-node-performance-{name}", NS),
        "mc": cluster.get(MCO, "MachineConfig", f"50-performance-{name}"),
        "kc": cluster.get(MCO, "KubeletConfig", f"performance-{name}"),
        "rc": cluster.get("node.k8s.io/v1", "RuntimeClass", f"performance-{name}"),
    }


def waited(predicate, operator, message: str, timeout: float = 90.0):
    try:
        return wait_for(predicate, timeout=timeout, message=message)
    except TimeoutError:
        print(operator.log[-6000:])
        raise


def play_nodes(cluster: EmulatedCluster, operator, tuned: str, *nodes: str) -> None:
    """Report, for each node, the deps its TuneD Profile asks for (the current Tuned
    generation included), as the operand would once it computed the kernel command line."""
    generation = cluster.get(TUNED, "Tuned", tuned, NS)["metadata"]["generation"]
    for name in nodes:

        def deps(name: str = name) -> str | None:
            found = cluster.get(TUNED, "Profile", name, NS)
            value = ((found or {}).get("metadata", {}).get("annotations") or {}).get(DEPS)
            return value if value and f"{tuned}:{generation}" in value.split(",") else None

        value = waited(deps, operator, f"Profile {name} deps with {tuned}:{generation}")
        current = cluster.get("v1", "Node", name)
        annotations = current["metadata"].setdefault("annotations", {})
        annotations[DEPS] = value
        annotations[BOOTCMDLINE] = "skew_tick=1 nohz=on"
        cluster.apply(current)


def set_status(cluster: EmulatedCluster, obj: dict[str, Any], status: dict[str, Any]) -> None:
    obj = dict(obj)
    obj["status"] = status
    cluster.apply(obj)


def tuned_status(*, applied: bool, reason: str = "") -> dict[str, Any]:
    stamp = "2024-01-01T00:00:00Z"
    degraded = {"type": "Degraded", "status": "True" if reason else "False"}
    if reason:
        degraded |= {"reason": reason, "message": "sysctl failed"}
    return {
        "tunedProfile": TUNED_NAME,
        "conditions": [
            {"type": "Applied", "status": str(applied), "lastTransitionTime": stamp},
            degraded | {"lastTransitionTime": stamp},
        ],
    }


def degraded_reason(cluster: EmulatedCluster, name: str = "manual") -> str | None:
    found = conditions(cluster, name)
    degraded = found.get("Degraded") or {}
    return degraded.get("reason") if degraded.get("status") == "True" else None


def available(cluster: EmulatedCluster, name: str = "manual") -> bool:
    return (conditions(cluster, name).get("Available") or {}).get("status") == "True"


@pytest.fixture
def start(cluster, operator_factory):
    """A pool of two nodes; ``start()`` starts an operator with its metrics on a free port."""
    cluster.apply([cnf_pool(), node("cnf-0"), node("cnf-1")])

    def start_operator():
        port = free_port()
        process = operator_factory(
            "--metrics-insecure",
            f"--metrics-port={port}",
            "--enable-leader-election=false",
            env={"RELEASE_VERSION": "4.99.0", "RESYNC_PERIOD": "3600"},
        )
        process.metrics_port = port
        return process

    return start_operator


TUNED_NAME = "openshift-node-performance-manual"
_RECONCILES = re.compile(r"^nto_performance_reconcile_duration_seconds_count (\S+)$", re.M)


def reconciles(operator) -> int:
    """PerformanceProfile reconciles the operator finished (its histogram's count), 0 if unknown."""
    url = f"http://127.0.0.1:{operator.metrics_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            text = response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return 0
    found = _RECONCILES.search(text)
    return int(float(found.group(1))) if found else 0


def test_create_gate_restart_edit_delete(cluster, start):
    operator = start()
    cluster.apply(profile())
    waited(lambda: components(cluster)["tuned"], operator, "Tuned created")
    pp = waited(
        lambda: (
            (p := get_pp(cluster))
            and "foreground-deletion" in p["metadata"].get("finalizers", [])
            and p
        ),
        operator,
        "finalizer added",
    )
    found = components(cluster)
    assert (found["mc"], found["kc"], found["rc"]) == (None, None, None), "MC before the signal"
    assert not available(cluster)

    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    waited(lambda: all(components(cluster).values()), operator, "MC, KC, RuntimeClass created")
    waited(lambda: available(cluster), operator, "Available")
    uid = pp["metadata"]["uid"]
    for kind, obj in components(cluster).items():
        (ref,) = obj["metadata"]["ownerReferences"]
        assert (ref["kind"], ref["name"], ref["uid"], ref["controller"]) == (
            "PerformanceProfile",
            "manual",
            uid,
            True,
        ), kind
    status = get_pp(cluster)["status"]
    assert status["tuned"] == f"{NS}/{TUNED_NAME}"
    assert status["runtimeClass"] == "performance-manual"
    assert set(conditions(cluster)) == {"Available", "Upgradeable", "Progressing", "Degraded"}
    reasons = {e.get("reason") for e in cluster.list("v1", "Event", "default")}
    assert "Creation succeeded" in reasons

    # A restart converges without rewriting anything.
    before = {k: v["metadata"]["resourceVersion"] for k, v in components(cluster).items()}
    pp_version = get_pp(cluster)["metadata"]["resourceVersion"]
    operator.stop()
    operator = start()
    waited(lambda: reconciles(operator) >= 1, operator, "restarted controller reconciled")
    after = {k: v["metadata"]["resourceVersion"] for k, v in components(cluster).items()}
    assert after == before
    assert get_pp(cluster)["metadata"]["resourceVersion"] == pp_version

    # Edit: the Tuned changes first, the rest only after the pool applied it.
    edited = get_pp(cluster)
    edited["spec"]["cpu"] = {"reserved": "0", "isolated": "1-3"}
    cluster.apply(edited)
    waited(
        lambda: components(cluster)["tuned"]["metadata"]["generation"] == 2,
        operator,
        "Tuned updated",
    )
    assert components(cluster)["kc"]["spec"]["kubeletConfig"]["reservedSystemCPUs"] == "0-1"
    operator.stop()
    operator = start()  # restarted while waiting for the pool
    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    waited(
        lambda: components(cluster)["kc"]["spec"]["kubeletConfig"]["reservedSystemCPUs"] == "0",
        operator,
        "KubeletConfig updated",
    )

    # Delete: the four objects go, then the finalizer, then the profile.
    cluster.delete(PP_API, "PerformanceProfile", "manual")
    waited(lambda: get_pp(cluster) is None, operator, "profile deleted")
    assert components(cluster) == {"tuned": None, "mc": None, "kc": None, "rc": None}


def test_degraded_reasons_and_pause(cluster, start):
    operator = start()
    cluster.apply(profile())
    waited(lambda: components(cluster)["tuned"], operator, "Tuned created")
    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    waited(lambda: available(cluster), operator, "Available")

    pool = cluster.get(MCO, "MachineConfigPool", "worker-cnf")
    degraded_pool = {
        "conditions": [
            {
                "type": "NodeDegraded",
                "status": "True",
                "reason": "1 nodes are reporting degraded status on sync",
                "message": "Node cnf-0 is reporting: boom",
            },
            {"type": "RenderDegraded", "status": "False"},
        ]
    }
    set_status(cluster, pool, degraded_pool)
    waited(lambda: degraded_reason(cluster) == "MCPDegraded", operator, "MCPDegraded")
    message = conditions(cluster)["Degraded"]["message"]
    assert "Machine config pool worker-cnf Degraded Message: Node cnf-0 is reporting: boom." in (
        message
    )
    set_status(cluster, cluster.get(MCO, "MachineConfigPool", "worker-cnf"), {})
    waited(lambda: available(cluster), operator, "Available again after the pool")

    tuned_profile = cluster.get(TUNED, "Profile", "cnf-1", NS)
    set_status(cluster, tuned_profile, tuned_status(applied=False, reason="TunedError"))
    waited(
        lambda: degraded_reason(cluster) == "TunedProfileDegraded", operator, "TunedProfileDegraded"
    )
    assert conditions(cluster)["Degraded"]["message"] == (
        "Tuned cnf-1 Degraded Reason: TunedError.\nTuned cnf-1 Degraded Message: sysctl failed.\n"
    )

    # A failing KubeletConfig wins over the tuned Profile (KubeletConfig updates are watched).
    kc = components(cluster)["kc"]
    failure = {
        "type": "Failure",
        "status": "False",
        "message": "Error: could not apply KubeletConfig",
        "lastTransitionTime": "2024-01-01T00:00:00Z",
    }
    set_status(cluster, kc, {"conditions": [failure]})
    waited(
        lambda: degraded_reason(cluster) == "KubeletConfig failure", operator, "KubeletConfig fail"
    )
    assert conditions(cluster)["Degraded"]["message"] == "Error: could not apply KubeletConfig"
    set_status(cluster, components(cluster)["kc"], {})
    set_status(cluster, cluster.get(TUNED, "Profile", "cnf-1", NS), tuned_status(applied=True))
    waited(lambda: available(cluster), operator, "Available again")

    # Paused: edits are not applied, the status still follows the cluster.
    paused = get_pp(cluster)
    paused["metadata"]["annotations"] = {"performance.openshift.io/pause-reconcile": "true"}
    paused["spec"]["cpu"]["isolated"] = "2-5"
    cluster.apply(paused)
    set_status(cluster, cluster.get(MCO, "MachineConfigPool", "worker-cnf"), degraded_pool)
    waited(lambda: degraded_reason(cluster) == "MCPDegraded", operator, "MCPDegraded paused")
    assert components(cluster)["tuned"]["metadata"]["generation"] == 1
    unpaused = get_pp(cluster)
    unpaused["metadata"]["annotations"] = {}
    cluster.apply(unpaused)
    waited(
        lambda: components(cluster)["tuned"]["metadata"]["generation"] == 2,
        operator,
        "Tuned updated once unpaused",
    )

    set_status(cluster, cluster.get(MCO, "MachineConfigPool", "worker-cnf"), {})
    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    waited(lambda: available(cluster), operator, "Available after the unpaused edit")

    # A user's edit of an owned object is reverted.
    rc = components(cluster)["rc"]
    rc["handler"] = "runc"
    cluster.apply(rc)
    waited(
        lambda: components(cluster)["rc"]["handler"] == "high-performance",
        operator,
        "RuntimeClass restored",
    )


@pytest.mark.parametrize(
    ("pools", "reason", "fragment"),
    [
        pytest.param([], "GettingMachineConfigPoolFailed", "failed to find MCP", id="no-pool"),
        pytest.param(
            [cnf_pool(), cnf_pool("other") | {"spec": cnf_pool()["spec"]}],
            "GettingMachineConfigPoolFailed",
            "more than one MCP found",
            id="two-pools",
        ),
        pytest.param(
            [cnf_pool(labels={})], "BadMachineConfigLabels", "has no labels", id="unlabelled-pool"
        ),
    ],
)
def test_pool_problems_are_degraded(cluster, operator_factory, pools, reason, fragment):
    cluster.apply([*pools, node("cnf-0")])
    cluster.apply(profile())
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        "--enable-leader-election=false",
        env={"RELEASE_VERSION": "4.99.0"},
    )
    waited(lambda: degraded_reason(cluster) == reason, operator, reason)
    assert fragment in conditions(cluster)["Degraded"]["message"]
    assert components(cluster)["tuned"] is None
    if reason == "GettingMachineConfigPoolFailed" and not pools:
        cluster.apply(cnf_pool())  # the pool appears: the profile recovers
        waited(lambda: components(cluster)["tuned"], operator, "Tuned after the pool appeared")
