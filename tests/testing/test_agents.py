"""simulate_node_agents: the DaemonSet status follows the spec the way its controller would."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from nto.plugins import hookimpl
from nto.testing import simulate_node_agents
from tests.testing.conftest import MERGE

NS = "openshift-cluster-node-tuning-operator"


@pytest.fixture
def emulated_cluster_crds() -> list[Path]:
    return [Path(str(resources.files("nto_api.crds")))]


def _daemonset(image: str) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "tuned", "namespace": NS},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"spec": {"containers": [{"name": "tuned", "image": image}]}},
        },
    }


def test_daemonset_status_catches_up_with_each_generation(emulated_cluster, http):
    emulated_cluster.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n0"}})
    emulated_cluster.apply(_daemonset("tuned:1"))
    simulate_node_agents(emulated_cluster)
    first = emulated_cluster.get("apps/v1", "DaemonSet", "tuned", NS)
    assert first["status"]["observedGeneration"] == 1
    assert first["status"]["numberAvailable"] == 1

    template = {"spec": {"containers": [{"name": "tuned", "image": "tuned:2"}]}}
    path = f"/apis/apps/v1/namespaces/{NS}/daemonsets/tuned"
    assert http("PATCH", path, {"spec": {"template": template}}, MERGE)[0] == 200  # keeps status
    simulate_node_agents(emulated_cluster)
    second = emulated_cluster.get("apps/v1", "DaemonSet", "tuned", NS)
    assert second["metadata"]["generation"] == 2
    assert second["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    assert second["status"]["observedGeneration"] == 2


def _profile(node: str, tuned: str) -> dict:
    annotations = {"tuned.openshift.io/bootcmdline-deps": "t:1"}
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Profile",
        "metadata": {"name": node, "namespace": NS, "annotations": annotations},
        "spec": {"config": {"tunedProfile": tuned}},
    }


def _cmdline(cluster, node: str) -> str:
    return cluster.get("v1", "Node", node)["metadata"]["annotations"][
        "tuned.openshift.io/bootcmdline"
    ]


def test_the_generic_agents_know_no_plugin(emulated_cluster):
    """No profile name is special to nto.testing: without plugins the command line is empty."""
    emulated_cluster.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n0"}})
    emulated_cluster.apply(_profile("n0", "openshift-node-performance-manual"))
    simulate_node_agents(emulated_cluster)
    assert _cmdline(emulated_cluster, "n0") == ""


class Isolating:
    @hookimpl
    def nto_emulated_node_cmdline(self, profile):  # type: ignore[no-untyped-def]
        if profile["spec"]["config"]["tunedProfile"] == "isolating":
            return "isolcpus=1 nohz_full=1"
        return None


class Broken:
    @hookimpl
    def nto_emulated_node_cmdline(self, profile):  # type: ignore[no-untyped-def]
        return 42


def test_plugins_supply_the_command_line_of_their_profiles(emulated_cluster, make_host):
    host = make_host(("isolating", Isolating()), ("broken", Broken()))
    for node, tuned in (("n0", "isolating"), ("n1", "openshift-node")):
        emulated_cluster.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": node}})
        emulated_cluster.apply(_profile(node, tuned))
    simulate_node_agents(emulated_cluster, plugins=host)
    assert _cmdline(emulated_cluster, "n0") == "isolcpus=1 nohz_full=1"
    assert _cmdline(emulated_cluster, "n1") == ""
    assert [(f.plugin, f.stage) for f in host.failures] == [("broken", "nto_emulated_node_cmdline")]
    assert "return a string of kernel arguments or None" in host.failures[0].error
