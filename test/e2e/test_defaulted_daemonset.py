"""Our operator leaves the DaemonSet alone once the API server has defaulted it.

The emulator defaults built-in kinds as a real API server does (pod template, update strategy,
template-generation annotation), so the stored DaemonSet differs from the manifest the operator
renders. The operator must not take that difference for drift: after the rollout is recorded,
further reconciles (counted by ``nto_reconcile_total``) send it no write at all and leave its
resourceVersion as it was.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from nto.testing import free_port, simulate_node_agents, wait_for

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
STABLE = "tuned.openshift.io/last-stable-daemonset-generation"
RECONCILES = re.compile(r'^nto_reconcile_total\{controller="tuned",result="ok"\} (\S+)$', re.M)


def _reconciles(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        found = RECONCILES.search(response.read().decode())
    return int(float(found.group(1))) if found else 0


def _node(name: str) -> dict[str, object]:
    labels = {"kubernetes.io/os": "linux", "node-role.kubernetes.io/worker": ""}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}}


def test_defaulted_daemonset_is_not_rewritten(cluster, operator_factory):
    cluster.apply([_node("worker-0"), _node("worker-1")])
    port = free_port()
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={port}",
        "--enable-leader-election=false",
        env={"RELEASE_VERSION": "4.99.0", "RESYNC_PERIOD": "3600"},
    )

    def rolled_out():
        simulate_node_agents(cluster)
        ds = cluster.get("apps/v1", "DaemonSet", "tuned", NS)
        if ds is None:
            return None
        annotations = ds["metadata"].get("annotations") or {}
        return ds if annotations.get(STABLE) == str(ds["metadata"]["generation"]) else None

    try:
        settled = wait_for(rolled_out, timeout=60, interval=0.2, message="rollout recorded")
    except TimeoutError:
        print(operator.log[-4000:])
        raise
    template = settled["spec"]["template"]["spec"]
    assert template["schedulerName"] == "default-scheduler"  # the server defaulted it
    assert settled["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"

    # count the DaemonSet writes from here on (a tiny delay makes a pass-through fault)
    writes = [
        cluster.inject_fault(None, count=10**6, method=method, resource="daemonsets", delay=0.001)
        for method in ("PUT", "PATCH", "POST")
    ]
    for round_ in range(3):  # each label change marks a node, and every reconcile syncs the DS
        before = wait_for(lambda: _reconciles(port), timeout=30, message="metrics served")
        node = _node("worker-0")
        node["metadata"]["labels"]["round"] = str(round_)  # type: ignore[index]
        cluster.apply(node)
        wait_for(
            lambda before=before: _reconciles(port) > before, timeout=30, message="a reconcile"
        )
    ds = cluster.get("apps/v1", "DaemonSet", "tuned", NS)
    assert ds is not None
    assert [fault.hits for fault in writes] == [0, 0, 0], operator.log[-4000:]
    assert ds["metadata"]["resourceVersion"] == settled["metadata"]["resourceVersion"], (
        operator.log[-4000:]
    )
