"""The example plugin: label values from Profiles (pure), and its controller in an operator run
in-process against the emulated cluster. Like the plugin, it uses only the core's public
surface (``nto.plugins``, ``nto.testing``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nto.testing import EmulatedCluster, running_operator, wait_for
from nto_example import LABEL, label_patch, plugin
from nto_example.labeler import label_value, relabel

NAMESPACE = "openshift-cluster-node-tuning-operator"


def profile(name: str, tuned: Any) -> dict[str, Any]:
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Profile",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {"config": {"tunedProfile": tuned}},
    }


@pytest.mark.parametrize(
    ("body", "value"),
    [
        pytest.param(profile("n", "openshift-node"), "openshift-node", id="plain"),
        pytest.param(profile("n", "a" * 63), "a" * 63, id="63-chars"),
        pytest.param(profile("n", "a" * 64), None, id="too-long"),
        pytest.param(profile("n", "bad/name"), None, id="slash"),
        pytest.param(profile("n", "-leading"), None, id="leading-dash"),
        pytest.param(profile("n", "tuned\x00"), None, id="nul"),
        pytest.param(profile("n", "é"), None, id="unicode"),
        pytest.param(profile("n", ""), None, id="empty"),
        pytest.param(profile("n", 42), None, id="not-a-string"),
        pytest.param({"spec": []}, None, id="spec-is-a-list"),
        pytest.param({}, None, id="no-spec"),
        pytest.param("not a dict", None, id="not-a-dict"),
    ],
)
def test_label_value(body, value):
    assert label_value(body) == value


def test_deleted_profile_removes_the_label():
    assert label_patch("DELETED", profile("n", "x")) == {"metadata": {"labels": {LABEL: None}}}
    assert label_patch("ADDED", profile("n", "x")) == {"metadata": {"labels": {LABEL: "x"}}}


class RecordingClient:
    """Stands in for the operator's shared client: holds Nodes, records the calls."""

    def __init__(self, nodes: dict[str, Any]) -> None:
        self.nodes = nodes
        self.calls: list[tuple[str, str]] = []

    async def get(self, api_version: str, plural: str, name: str) -> Any:
        self.calls.append(("get", name))
        return self.nodes.get(name)

    async def patch(self, api_version: str, plural: str, name: str, patch: Any) -> Any:
        self.calls.append(("patch", name))
        return patch


async def test_relabel_uses_the_client_it_is_given():
    """The handler patches through the operator's shared client, not a client per event."""
    client = RecordingClient({"n": {"metadata": {"name": "n", "labels": {LABEL: "x"}}}})
    await relabel(client, "MODIFIED", profile("n", "y"))  # type: ignore[arg-type]
    await relabel(client, "MODIFIED", profile("n", "x"))  # type: ignore[arg-type]
    await relabel(client, "MODIFIED", profile("gone", "x"))  # type: ignore[arg-type]
    assert client.calls == [("get", "n"), ("patch", "n"), ("get", "n"), ("get", "gone")]


def test_rules_cover_only_what_the_labeler_calls():
    rules = {(r.api_groups, r.resources, r.verbs) for r in plugin.nto_rbac_rules()}
    assert rules == {
        (("tuned.openshift.io",), ("profiles",), ("list", "watch")),
        (("",), ("nodes",), ("get", "patch")),
    }


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    from nto_api.crds import load_crds

    return load_crds()  # the core's CRDs: Tuned and Profile


@pytest.fixture
def operator(emulated_cluster: EmulatedCluster, kubeconfig) -> Iterator[None]:
    with running_operator(("example", plugin)) as running:
        yield
    assert running.host.failures == []


def node_label(cluster: EmulatedCluster, name: str) -> Any:
    node = cluster.get("v1", "Node", name)
    return node and (node["metadata"].get("labels") or {}).get(LABEL)


def tuned_profile(cluster: EmulatedCluster, name: str) -> Any:
    found = cluster.get("tuned.openshift.io/v1", "Profile", name, NAMESPACE)
    return found and found["spec"]["config"].get("tunedProfile")


CUSTOM_TUNED = {
    "apiVersion": "tuned.openshift.io/v1",
    "kind": "Tuned",
    "metadata": {"name": "custom", "namespace": NAMESPACE},
    "spec": {
        "profile": [{"name": "custom-profile", "data": "[main]\ninclude=openshift-node\n"}],
        "recommend": [
            {
                "match": [{"label": "tuning", "value": "custom"}],
                "priority": 10,
                "profile": "custom-profile",
            }
        ],
    },
}


@pytest.mark.timeout(60)
def test_nodes_follow_their_profiles(emulated_cluster, operator):
    """The core computes each Node's Profile; the plugin mirrors it into the Node's label."""
    labels = {"kubernetes.io/os": "linux", "node-role.kubernetes.io/worker": ""}
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "w1", "labels": labels}}
    emulated_cluster.apply(node)
    wait_for(lambda: tuned_profile(emulated_cluster, "w1"), timeout=20, message="Profile made")
    first = tuned_profile(emulated_cluster, "w1")
    wait_for(lambda: node_label(emulated_cluster, "w1") == first, timeout=20, message=first)

    emulated_cluster.apply(CUSTOM_TUNED)
    node = emulated_cluster.get("v1", "Node", "w1")
    node["metadata"]["labels"]["tuning"] = "custom"
    emulated_cluster.apply(node)
    wait_for(
        lambda: node_label(emulated_cluster, "w1") == "custom-profile",
        timeout=20,
        message="label follows the custom Tuned",
    )
