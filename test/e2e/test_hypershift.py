"""HyperShift end to end with two emulated clusters: the operator runs against the hosted cluster
(``KUBECONFIG``) and the management cluster (``NTO_MANAGEMENT_KUBECONFIG``).

A NodePool's Tuned ConfigMap in the management cluster becomes a hosted Tuned (hashed name,
NodePool label), the NodePool's nodes get its profile while other NodePools keep the default,
their kernel arguments leave as ConfigMap ``nto-mc-<nodepool>``; removing the NodePool's
ConfigMap prunes both; nodes that disagree are reported and retried; a restart converges with
no duplicates; a brownout of the management cluster degrades, then converges.
"""

from __future__ import annotations

import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from nto.controller.hosted_tuneds import fnv32a
from nto.testing import EmulatedCluster, OperatorProcess, free_port, simulate_node_agents, wait_for

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
HCP = "clusters-hosted"
TUNED = "tuned.openshift.io/v1"
NODE_POOL = "hypershift.openshift.io/nodePool"
PATIENCE = 90.0
"""Seconds to wait for an observable event: generous, a busy 2-core machine is slow."""

HUGEPAGES = """\
apiVersion: tuned.openshift.io/v1
kind: Tuned
metadata:
  name: hugepages
  namespace: openshift-cluster-node-tuning-operator
spec:
  profile:
  - name: openshift-hugepages
    data: |
      [main]
      summary=Boot time configuration for hugepages
      include=openshift-node
      [bootloader]
      cmdline_openshift_node_hugepages=hugepagesz=2M hugepages=50
  recommend:
  - priority: 20
    profile: openshift-hugepages
"""


def node(name: str, pool: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/os": "linux",
                "node-role.kubernetes.io/worker": "",
                NODE_POOL: pool,
            },
        },
        "spec": {"providerID": f"aws:///us-east-1a/{name}"},
    }


def tuned_config_map(name: str, pool: str, tuning: str = HUGEPAGES) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": HCP,
            "labels": {"hypershift.openshift.io/tuned-config": "true"},
            "annotations": {NODE_POOL: f"clusters/{pool}"},
        },
        "data": {"tuning": tuning},
    }


def tuned_profile_of(cluster: EmulatedCluster, name: str) -> str | None:
    profile = cluster.get(TUNED, "Profile", name, NS)
    return profile and profile["spec"]["config"]["tunedProfile"]


def kernel_arguments(management: EmulatedCluster, pool: str) -> list[str] | None:
    config_map = management.get("v1", "ConfigMap", f"nto-mc-{pool}", HCP)
    if config_map is None:
        return None
    return yaml.safe_load(config_map["data"]["config"])["spec"].get("kernelArguments") or []


def degraded(cluster: EmulatedCluster) -> dict[str, Any]:
    operator = cluster.get("config.openshift.io/v1", "ClusterOperator", "node-tuning") or {}
    conditions = (operator.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c["type"] == "Degraded"), {})


@pytest.fixture
def management() -> Iterator[EmulatedCluster]:
    with EmulatedCluster() as cluster:
        cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": HCP}})
        yield cluster


@pytest.fixture
def start_operator(
    cluster: EmulatedCluster, management: EmulatedCluster, tmp_path
) -> Iterator[Callable[..., OperatorProcess]]:
    started: list[OperatorProcess] = []

    def start(
        *metrics_flags: str, env: dict[str, str] | None = None, leader_election: bool = False
    ) -> OperatorProcess:
        assert cluster.kubeconfig_path is not None
        assert management.kubeconfig_path is not None
        metrics = metrics_flags or ("--metrics-insecure", f"--metrics-port={free_port()}")
        process = OperatorProcess(
            [
                sys.executable,
                "-m",
                "nto",
                "operator",
                *metrics,
                "--leader-elect-timings=3,2,0.5"
                if leader_election
                else "--enable-leader-election=false",
            ],
            kubeconfig=cluster.kubeconfig_path,
            env={
                "WATCH_NAMESPACE": NS,
                "HYPERSHIFT": "true",
                "MY_NAMESPACE": HCP,
                "NTO_MANAGEMENT_KUBECONFIG": str(management.kubeconfig_path),
                "NTO_DISABLED_PLUGINS": "performance",
                "NTO_API_RETRY_BACKOFF": "0.2,2",
                "RELEASE_VERSION": "4.99.0",
                "RESYNC_PERIOD": "3600",
                **(env or {}),
            },
            log_path=tmp_path / f"operator-{len(started)}.log",
        )
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def hosted(cluster: EmulatedCluster) -> EmulatedCluster:
    cluster.apply([node("a-0", "pool-a"), node("a-1", "pool-a"), node("b-0", "pool-b")])
    return cluster


def converge(
    predicate: Callable[[], bool],
    message: str,
    hosted: EmulatedCluster,
    operator: OperatorProcess,
    *,
    agents: bool = True,
) -> None:
    """Wait for ``predicate``, playing the node agents meanwhile; print the log on timeout."""

    def step() -> bool:
        if agents:
            simulate_node_agents(hosted, bootloader=True)
        return predicate()

    try:
        wait_for(step, timeout=PATIENCE, message=message)
    except TimeoutError:
        print(operator.log[-6000:])
        raise


HASHED = f"hugepages-{fnv32a('pool-a')}"


def test_nodepool_tuned_flows_to_profiles_and_kernel_argument_config_map(
    hosted, management, start_operator
):
    management.apply(tuned_config_map("tuned-hugepages", "pool-a"))
    operator = start_operator()
    converge(
        lambda: hosted.get(TUNED, "Tuned", HASHED, NS) is not None, "hosted Tuned", hosted, operator
    )
    tuned = hosted.get(TUNED, "Tuned", HASHED, NS)
    assert tuned["metadata"]["labels"] == {"hypershift.openshift.io/nodePoolName": "pool-a"}
    assert tuned["spec"]["recommend"] == [{"priority": 20, "profile": "openshift-hugepages"}]
    converge(
        lambda: kernel_arguments(management, "pool-a") == ["hugepagesz=2M", "hugepages=50"],
        "nto-mc-pool-a",
        hosted,
        operator,
    )
    assert tuned_profile_of(hosted, "a-0") == "openshift-hugepages"
    assert tuned_profile_of(hosted, "a-1") == "openshift-hugepages"
    assert tuned_profile_of(hosted, "b-0") == "openshift-node"
    b_profiles = [p["name"] for p in hosted.get(TUNED, "Profile", "b-0", NS)["spec"]["profile"]]
    assert b_profiles == ["openshift"]  # pool-b does not see pool-a's TuneD profiles
    config_map = management.get("v1", "ConfigMap", "nto-mc-pool-a", HCP)
    assert config_map["metadata"]["labels"] == {
        "hypershift.openshift.io/nto-generated-machine-config": "true",
        NODE_POOL: "pool-a",
    }
    assert config_map["metadata"]["annotations"] == {
        NODE_POOL: "pool-a",
        "tuned.openshift.io/generated-by-controller-version": "4.99.0",
    }
    mc = yaml.safe_load(config_map["data"]["config"])
    assert mc["apiVersion"] == "machineconfiguration.openshift.io/v1"
    assert mc["kind"] == "MachineConfig"
    assert mc["metadata"]["name"] == "50-nto-pool-a"
    assert management.get("v1", "ConfigMap", "nto-mc-pool-b", HCP) is None
    assert hosted.list("machineconfiguration.openshift.io/v1", "MachineConfig") == []

    # the NodePool drops the ConfigMap: the Tuned, the profile and the kernel arguments go
    management.delete("v1", "ConfigMap", "tuned-hugepages", HCP)
    converge(
        lambda: (
            hosted.get(TUNED, "Tuned", HASHED, NS) is None
            and management.get("v1", "ConfigMap", "nto-mc-pool-a", HCP) is None
            and tuned_profile_of(hosted, "a-0") == "openshift-node"
        ),
        "the NodePool's Tuned, ConfigMap and profile pruned",
        hosted,
        operator,
    )
    assert hosted.get(TUNED, "Tuned", "default", NS) is not None  # never deleted


def test_nodes_that_disagree_are_reported_not_guessed(hosted, management, start_operator):
    management.apply(tuned_config_map("tuned-hugepages", "pool-a"))
    operator = start_operator()
    converge(lambda: kernel_arguments(management, "pool-a") is not None, "nto-mc", hosted, operator)
    before = management.get("v1", "ConfigMap", "nto-mc-pool-a", HCP)["metadata"]["resourceVersion"]
    # a-1 reports other kernel arguments for the same Tuned generations
    node_a1 = hosted.get("v1", "Node", "a-1")
    node_a1["metadata"]["annotations"]["tuned.openshift.io/bootcmdline"] = "hugepages=7"
    hosted.apply(node_a1)
    converge(
        lambda: degraded(hosted).get("reason") == "ProfileConflict",
        "Degraded ProfileConflict",
        hosted,
        operator,
        agents=False,
    )
    assert degraded(hosted)["status"] == "True"
    wait_for(
        lambda: "not all 2 nodes of NodePool 'pool-a' agree" in operator.log,
        timeout=PATIENCE,
        message="the disagreement logged",
    )
    after = management.get("v1", "ConfigMap", "nto-mc-pool-a", HCP)["metadata"]["resourceVersion"]
    assert after == before  # nothing guessed
    node_a1 = hosted.get("v1", "Node", "a-1")
    node_a1["metadata"]["annotations"]["tuned.openshift.io/bootcmdline"] = (
        "hugepagesz=2M hugepages=50"
    )
    hosted.apply(node_a1)
    converge(
        lambda: degraded(hosted).get("status") == "False",
        "the conflict to clear",
        hosted,
        operator,
        agents=False,
    )


def test_restart_converges_without_duplicates(hosted, management, start_operator):
    management.apply(tuned_config_map("tuned-hugepages", "pool-a"))
    management.apply(tuned_config_map("tuned-hugepages-b", "pool-b"))  # one Tuned, two pools
    operator = start_operator()
    hashed_b = f"hugepages-{fnv32a('pool-b')}"
    converge(
        lambda: (
            kernel_arguments(management, "pool-a") is not None
            and kernel_arguments(management, "pool-b") is not None
        ),
        "both NodePools' ConfigMaps",
        hosted,
        operator,
    )
    tuned_generations = {
        t["metadata"]["name"]: t["metadata"]["generation"] for t in hosted.list(TUNED, "Tuned", NS)
    }
    assert set(tuned_generations) == {"default", HASHED, hashed_b}
    config_version = management.get("v1", "ConfigMap", "nto-mc-pool-a", HCP)["metadata"][
        "resourceVersion"
    ]
    assert operator.stop() == 0
    operator = start_operator()
    # an observable change after the restart proves the new operator reconciled
    management.apply(
        tuned_config_map("tuned-hugepages-b", "pool-b", HUGEPAGES.replace("=50", "=60"))
    )
    converge(
        lambda: kernel_arguments(management, "pool-b") == ["hugepagesz=2M", "hugepages=60"],
        "pool-b's new kernel arguments",
        hosted,
        operator,
    )
    names = sorted(t["metadata"]["name"] for t in hosted.list(TUNED, "Tuned", NS))
    assert names == sorted({"default", HASHED, hashed_b})
    config_maps = management.list("v1", "ConfigMap", HCP)
    assert sorted(c["metadata"]["name"] for c in config_maps) == [
        "nto-mc-pool-a",
        "nto-mc-pool-b",
        "tuned-hugepages",
        "tuned-hugepages-b",
    ]
    current = {
        t["metadata"]["name"]: t["metadata"]["generation"] for t in hosted.list(TUNED, "Tuned", NS)
    }
    assert current[HASHED] == tuned_generations[HASHED]  # pool-a's spec untouched by the restart
    unchanged = management.get("v1", "ConfigMap", "nto-mc-pool-a", HCP)["metadata"]
    assert unchanged["resourceVersion"] == config_version


def test_management_brownout_degrades_then_converges(hosted, management, start_operator):
    operator = start_operator()
    converge(
        lambda: tuned_profile_of(hosted, "a-0") == "openshift-node", "Profiles", hosted, operator
    )
    management.inject_fault(503, count=1_000_000, method="GET", path_contains="/configmaps")
    management.break_watches()
    converge(
        lambda: "management cluster" in degraded(hosted).get("message", ""),
        "Degraded naming the management cluster",
        hosted,
        operator,
    )
    management.apply(tuned_config_map("tuned-hugepages", "pool-a"))  # nobody can read it yet
    management.faults.clear()
    converge(
        lambda: kernel_arguments(management, "pool-a") == ["hugepagesz=2M", "hugepages=50"],
        "convergence after the brownout",
        hosted,
        operator,
    )
    converge(
        lambda: "management cluster" not in degraded(hosted).get("message", ""),
        "the Degraded message to clear",
        hosted,
        operator,
    )


DEMO = Path(__file__).resolve().parents[2] / "hack" / "demo_hypershift.py"


def test_demo_hypershift_shows_the_flow_on_one_screen(cluster):
    del cluster  # the demo runs its own two clusters; the fixture skips on a real cluster
    result = subprocess.run(
        [sys.executable, str(DEMO), "--once", "--settle", "6"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in (
        "nto-mc-workers-a: MachineConfig 50-nto-workers-a for NodePool workers-a, "
        "kernelArguments: hugepagesz=2M hugepages=50",
        f"hugepages-{fnv32a('workers-a')}   True",
        "openshift-node-hugepages   True",
        "Hosted Tuneds: default; management ConfigMaps: none",
    ):
        assert expected in out, out
    lines = out.splitlines()
    assert len(lines) <= 50, out
    assert max(len(line) for line in lines) <= 120, out


def scrape(port: int, context: ssl.SSLContext) -> int:
    try:
        with urllib.request.urlopen(
            f"https://127.0.0.1:{port}/metrics", context=context, timeout=2
        ) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, ssl.SSLError):
        return 0


def test_metrics_client_ca_comes_from_a_file_and_follows_it(hosted, start_operator, tmp_path):
    """Not served until the CA file exists; then client certificates of that CA only; a new
    CA in the file replaces the old one without a restart."""
    serving_ca, first_ca, second_ca = trustme.CA(), trustme.CA(), trustme.CA()
    certs = tmp_path / "secrets"
    certs.mkdir()
    server = serving_ca.issue_cert("127.0.0.1")
    server.cert_chain_pems[0].write_to_path(str(certs / "tls.crt"))
    server.private_key_pem.write_to_path(str(certs / "tls.key"))
    ca_file = tmp_path / "metrics-client-ca" / "ca.crt"
    port = free_port()
    operator = start_operator(
        f"--metrics-port={port}",
        f"--metrics-cert-dir={certs}",
        env={"NTO_METRICS_CLIENT_CA_FILE": str(ca_file)},
    )

    def client(ca: trustme.CA | None) -> ssl.SSLContext:
        context = ssl.create_default_context()
        serving_ca.configure_trust(context)
        if ca is not None:
            ca.issue_cert("prometheus-k8s").configure_cert(context)
        return context

    anonymous, first, second = client(None), client(first_ca), client(second_ca)
    wait_for(
        lambda: f"/metrics is not served until {str(ca_file)!r} can be read" in operator.log,
        timeout=PATIENCE,
        message="the metrics server waiting for the CA file",
    )
    assert scrape(port, anonymous) != 200
    ca_file.parent.mkdir()
    ca_file.write_bytes(first_ca.cert_pem.bytes())
    wait_for(lambda: scrape(port, first) == 200, timeout=PATIENCE, message="scrape, first CA")
    assert scrape(port, anonymous) == 401
    assert scrape(port, second) != 200
    ca_file.write_bytes(second_ca.cert_pem.bytes())
    wait_for(lambda: scrape(port, second) == 200, timeout=PATIENCE, message="scrape, second CA")
    assert scrape(port, first) != 200


def test_hostile_config_maps_are_refused_clearly_and_the_rest_flows(
    hosted, management, start_operator
):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
    )
    invalid = HUGEPAGES.replace("priority: 20", "priority: -1").replace("hugepages\n", "bad\n", 1)
    no_pool = tuned_config_map("no-pool", "pool-a", HUGEPAGES.replace("name: hugepages", "name: x"))
    del no_pool["metadata"]["annotations"]
    management.apply(
        [
            tuned_config_map("bomb", "pool-a", bomb),
            tuned_config_map("invalid", "pool-a", invalid),
            no_pool,
            tuned_config_map("tuned-hugepages", "pool-a"),
        ]
    )
    operator = start_operator()
    converge(
        lambda: kernel_arguments(management, "pool-a") == ["hugepagesz=2M", "hugepages=50"],
        "the valid ConfigMap's flow",
        hosted,
        operator,
    )
    for message in (
        "ConfigMap 'bomb' key 'tuning' is not valid YAML",
        "ConfigMap 'no-pool' has no annotation 'hypershift.openshift.io/nodePool'",
        f"Cannot create Tuned bad-{fnv32a('pool-a')} from its NodePool ConfigMap, the API "
        "refuses it",
    ):
        wait_for(lambda m=message: m in operator.log, timeout=PATIENCE, message=message)
    names = sorted(t["metadata"]["name"] for t in hosted.list(TUNED, "Tuned", NS))
    assert names == ["default", HASHED]


def test_leader_election_uses_the_hosted_cluster(hosted, management, start_operator):
    management.apply(tuned_config_map("tuned-hugepages", "pool-a"))
    operator = start_operator(leader_election=True)
    lease = ("coordination.k8s.io/v1", "Lease", "node-tuning-operator-lock", NS)
    converge(lambda: hosted.get(*lease) is not None, "the Lease", hosted, operator)
    converge(
        lambda: kernel_arguments(management, "pool-a") is not None,
        "the leader's flow",
        hosted,
        operator,
    )
    assert management.get(*lease) is None
    assert management.list("coordination.k8s.io/v1", "Lease") == []
