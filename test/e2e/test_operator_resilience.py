"""Resilience: leader failover between replicas, restarts mid-reconcile, hostile Tuneds."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
from typing import Any

import pytest

from nto.testing import free_port, wait_for

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
TUNED = "tuned.openshift.io/v1"
FAST_LEASE = "--leader-elect-timings=3,2,0.5"


def node(name: str, **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"node-role.kubernetes.io/worker": "", **labels}},
    }


def profile_names(cluster) -> set[str]:
    return {p["metadata"]["name"] for p in cluster.list(TUNED, "Profile", NS)}


def holder(cluster) -> str:
    lease = cluster.get("coordination.k8s.io/v1", "Lease", "node-tuning-operator-lock", NS)
    return (lease or {}).get("spec", {}).get("holderIdentity") or ""


def start(operator_factory, identity: str):
    return operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        FAST_LEASE,
        env={"POD_NAME": identity},
    )


def test_only_the_leader_writes_and_a_follower_takes_over(cluster, operator_factory):
    cluster.apply([node("worker-0")])
    first = start(operator_factory, "replica-a")
    wait_for(lambda: holder(cluster) == "replica-a", timeout=30, message="replica-a leads")
    second = start(operator_factory, "replica-b")
    wait_for(lambda: "worker-0" in profile_names(cluster), timeout=30, message="Profile written")
    wait_for(lambda: "Waiting to become leader" in second.log, timeout=30, message="b waits")
    assert "Created profiles" not in second.log

    assert first.process is not None
    first.process.send_signal(signal.SIGKILL)  # no release: b must wait for expiry
    first.process.wait(timeout=10)
    cluster.apply([node("worker-1")])
    wait_for(lambda: "worker-1" in profile_names(cluster), timeout=30, message="b reconciles")
    assert holder(cluster) == "replica-b"
    assert "Became leader as 'replica-b'" in second.log
    lease = cluster.get("coordination.k8s.io/v1", "Lease", "node-tuning-operator-lock", NS)
    assert lease["spec"]["leaseTransitions"] >= 1


def test_graceful_stop_releases_the_lease(cluster, operator_factory):
    first = start(operator_factory, "replica-a")
    wait_for(lambda: holder(cluster) == "replica-a", timeout=30, message="replica-a leads")
    assert first.stop() == 0
    assert holder(cluster) == ""


def test_restart_mid_reconcile_converges_without_duplicates(cluster, operator_factory):
    cluster.apply([node(f"worker-{i}") for i in range(60)])
    first = operator_factory(
        "--metrics-insecure", f"--metrics-port={free_port()}", "--enable-leader-election=false"
    )
    wait_for(lambda: profile_names(cluster), timeout=30, message="some Profiles written")
    assert first.process is not None
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    operator_factory(
        "--metrics-insecure", f"--metrics-port={free_port()}", "--enable-leader-election=false"
    )
    expected = {f"worker-{i}" for i in range(60)}
    wait_for(lambda: profile_names(cluster) == expected, timeout=60, message="all Profiles")
    assert len(cluster.list(TUNED, "Profile", NS)) == 60
    assert len(cluster.list(TUNED, "Tuned", NS)) == 1
    assert len(cluster.list("apps/v1", "DaemonSet", NS)) == 1


def deep_match(depth: int) -> list[dict[str, Any]]:
    match: list[dict[str, Any]] = [{"label": "leaf"}]
    for level in range(depth):
        match = [{"label": f"level-{level}", "match": match}]
    return match


def api_create(cluster, obj: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST through the API (schema validation and admission apply), like a user would."""
    url = f"{cluster.url}/apis/{TUNED}/namespaces/{NS}/tuneds"
    request = urllib.request.Request(
        url, data=json.dumps(obj).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def hostile(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": TUNED,
        "kind": "Tuned",
        "metadata": {"name": "hostile", "namespace": NS},
        "spec": spec,
    }


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("../etc", "../etc"), ("a\x00b", "NUL"), ("x" * 300, "253"), ("/abs", "/abs")],
    ids=["traversal", "nul", "too-long", "absolute"],
)
def test_hostile_profile_name_is_invalid_and_harmless(cluster, operator_factory, name, fragment):
    cluster.apply([node("worker-0", **{"unicode-ключ": "значение"})])
    operator = operator_factory(
        "--metrics-insecure", f"--metrics-port={free_port()}", "--enable-leader-election=false"
    )
    spec = {
        "profile": [{"name": name, "data": "[main]\n"}],
        "recommend": [{"profile": name, "priority": 5}],
    }
    status, body = api_create(cluster, hostile(spec))
    assert status == 201, body

    def verdict():
        tuned = cluster.get(TUNED, "Tuned", "hostile", NS)
        conditions = (tuned or {}).get("status", {}).get("conditions", [])
        return next((c for c in conditions if c["type"] == "Valid"), None)

    valid = wait_for(verdict, timeout=30, message="Valid condition")
    assert valid["status"] == "False", valid
    assert fragment in valid["message"], valid
    wait_for(lambda: "worker-0" in profile_names(cluster), timeout=30, message="others still tuned")
    assert (
        cluster.get(TUNED, "Profile", "worker-0", NS)["spec"]["config"]["tunedProfile"]
        == "openshift-node"
    )
    assert operator.running
    assert "Traceback" not in operator.log


@pytest.mark.parametrize("priority", [-5, "high"], ids=["negative", "string"])
def test_bad_priority_is_rejected_by_the_api(cluster, priority):
    spec = {
        "profile": [{"name": "p", "data": "[main]\n"}],
        "recommend": [{"profile": "p", "priority": priority}],
    }
    status, body = api_create(cluster, hostile(spec))
    assert status == 422, body
    assert "spec.recommend[0].priority" in json.dumps(body)


def test_priority_beyond_int64_is_invalid(cluster, operator_factory):
    """The schema admits it (the apiserver does not range-check int64); the operator refuses it."""
    operator = operator_factory(
        "--metrics-insecure", f"--metrics-port={free_port()}", "--enable-leader-election=false"
    )
    spec = {
        "profile": [{"name": "p", "data": "[main]\n"}],
        "recommend": [{"profile": "p", "priority": 2**70}],
    }
    assert api_create(cluster, hostile(spec))[0] == 201

    def verdict():
        tuned = cluster.get(TUNED, "Tuned", "hostile", NS)
        conditions = (tuned or {}).get("status", {}).get("conditions", [])
        return next((c for c in conditions if c["type"] == "Valid"), None)

    valid = wait_for(verdict, timeout=30, message="Valid condition")
    assert (valid["status"], "priority" in valid["message"]) == ("False", True), valid
    assert operator.running


def test_deeply_nested_match_does_not_crash(cluster, operator_factory):
    cluster.apply([node("worker-0", leaf="")])
    operator = operator_factory(
        "--metrics-insecure", f"--metrics-port={free_port()}", "--enable-leader-election=false"
    )
    deep = {
        "profile": [{"name": "deep", "data": "[main]\n"}],
        "recommend": [{"profile": "deep", "priority": 1, "match": deep_match(100)}],
    }
    cluster.apply(
        {
            "apiVersion": TUNED,
            "kind": "Tuned",
            "metadata": {"name": "deep", "namespace": NS},
            "spec": deep,
        }
    )
    wait_for(
        lambda: cluster.get(TUNED, "Tuned", "deep", NS).get("status"),
        timeout=30,
        message="deep Tuned validated",
    )
    wait_for(lambda: "worker-0" in profile_names(cluster), timeout=30, message="node tuned")
    assert operator.running
    assert "RecursionError" not in operator.log
