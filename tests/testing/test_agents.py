"""simulate_node_agents: the DaemonSet status follows the spec the way its controller would."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

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
