"""One bad Tuned or one failing Profile write cannot stall the cluster.

Two Tuneds with 700 KB TuneD profiles (valid, matching no node) used to make every Profile too
large to store: each reconcile failed and backed off, and a new Node got no Profile until they
were deleted, with only a log line to show. Now the newer one is left out of the Profiles, and
that is visible on its Valid condition, on the ClusterOperator and in a metric; a failed Profile
write fails that Profile alone.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from typing import Any

import pytest

from nto.testing import EmulatedCluster, free_port, wait_for

from .test_tuned_controller import NS, TUNED, node, pool, tuned, tuned_profile_of

pytestmark = pytest.mark.e2e

CO = ("config.openshift.io/v1", "ClusterOperator", "node-tuning")
WORKER = {"node-role.kubernetes.io/worker": ""}


@pytest.fixture
def operator(cluster, operator_factory):
    cluster.apply([pool("worker"), node("worker-0", **WORKER), node("worker-1", **WORKER)])
    port = free_port()
    process = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={port}",
        "--enable-leader-election=false",
        env={"RELEASE_VERSION": "4.99.0", "RESYNC_PERIOD": "3600"},
    )
    process.metrics_port = port
    return process


def scrape(operator) -> str:
    try:
        url = f"http://127.0.0.1:{operator.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return ""


def waited(predicate, operator, message: str, timeout: float = 60.0) -> Any:
    try:
        return wait_for(predicate, timeout=timeout, message=message)
    except TimeoutError:
        print(operator.log[-6000:])
        raise


def degraded(cluster: EmulatedCluster) -> dict[str, Any]:
    co = cluster.get(*CO) or {}
    found = [c for c in (co.get("status") or {}).get("conditions") or [] if c["type"] == "Degraded"]
    return found[0] if found else {}


def valid(cluster: EmulatedCluster, name: str) -> dict[str, Any]:
    obj = cluster.get(TUNED, "Tuned", name, NS) or {}
    found = [c for c in (obj.get("status") or {}).get("conditions") or [] if c["type"] == "Valid"]
    return found[0] if found else {}


def big_tuned(name: str) -> dict[str, Any]:
    obj = tuned(name, f"{name}-profile", {"priority": 5, "match": [{"label": "no-such-label"}]})
    obj["spec"]["profile"][0]["data"] = "[main]\nsummary=big\n" + "# padding\n" * 76_000  # 760 KB
    return obj


def test_oversized_tuned_is_left_out_and_new_nodes_get_profiles(cluster, operator):
    both = {"worker-0": "openshift-node", "worker-1": "openshift-node"}
    waited(lambda: all(tuned_profile_of(cluster, n) == p for n, p in both.items()), operator, "")
    cluster.apply(big_tuned("big-a"))
    cluster.apply(big_tuned("big-b"))

    cluster.apply(node("worker-2", **WORKER))
    waited(lambda: tuned_profile_of(cluster, "worker-2") == "openshift-node", operator, "new node")

    # The newer Tuned is the one left out; the older one fits and is carried.
    waited(lambda: valid(cluster, "big-b").get("reason") == "ProfilesTooLarge", operator, "Valid")
    assert valid(cluster, "big-b")["status"] == "False"
    assert "Shrink spec.profile[].data" in valid(cluster, "big-b")["message"]
    assert valid(cluster, "big-a")["status"] == "True"
    carried = {p["name"] for p in cluster.get(TUNED, "Profile", "worker-2", NS)["spec"]["profile"]}
    assert "big-a-profile" in carried
    assert "big-b-profile" not in carried

    waited(lambda: degraded(cluster).get("reason") == "ProfilesTooLarge", operator, "Degraded")
    assert degraded(cluster)["status"] == "True"
    assert "big-b" in degraded(cluster)["message"]
    waited(lambda: 'nto_tuned_oversized_info{tuned="big-b"} 1.0' in scrape(operator), operator, "m")
    assert "nto_invalid_tuned_exist_info 1.0" in scrape(operator)

    # Deleting the offender clears every signal.
    cluster.delete(TUNED, "Tuned", "big-b", NS)
    waited(lambda: degraded(cluster).get("status") == "False", operator, "Degraded cleared")
    waited(lambda: "nto_tuned_oversized_info{" not in scrape(operator), operator, "metric gone")


def test_a_failing_profile_write_fails_that_profile_alone(cluster, operator):
    both = {"worker-0": "openshift-node", "worker-1": "openshift-node"}
    waited(lambda: all(tuned_profile_of(cluster, n) == p for n, p in both.items()), operator, "")
    cluster.inject_fault(
        422, count=10_000, method="PUT", path_contains="/profiles/worker-0", message="refused"
    )
    cluster.apply(
        tuned("custom", "custom-profile", {"priority": 5, "match": [{"label": "kubernetes.io/os"}]})
    )
    waited(lambda: tuned_profile_of(cluster, "worker-1") == "custom-profile", operator, "worker-1")
    waited(lambda: degraded(cluster).get("reason") == "ProfileWriteFailed", operator, "Degraded")
    assert "worker-0" in degraded(cluster)["message"]
    assert "worker-1" not in degraded(cluster)["message"]
    assert tuned_profile_of(cluster, "worker-0") == "openshift-node"
    assert re.search(r'nto_profile_write_errors_total\{code="422"\} [1-9]', scrape(operator))

    cluster.faults.clear()
    cluster.apply(node("worker-0", **WORKER, touched="yes"))  # any event retries the node
    waited(lambda: tuned_profile_of(cluster, "worker-0") == "custom-profile", operator, "worker-0")
    waited(lambda: degraded(cluster).get("status") == "False", operator, "Degraded cleared")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_admission_refuses_a_profile_that_can_never_fit(cluster, tmp_path):
    obj = tuned("huge", "huge-profile", {"priority": 5})
    obj["spec"]["profile"][0]["data"] = "#" * (1024 * 1024 + 1)
    manifest = tmp_path / "huge.json"
    manifest.write_text(json.dumps(obj))
    kubectl = ["kubectl", "--kubeconfig", str(cluster.kubeconfig_path)]
    done = subprocess.run(
        [*kubectl, "create", "--validate=false", "-f", str(manifest)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "spec.profile[0].data: Too long: may not be longer than 1048576" in done.stderr
    assert cluster.get(TUNED, "Tuned", "huge", NS) is None
