"""Scenarios for a real cluster that runs the operator (``NTO_E2E_KUBECONFIG=<kubeconfig>``).

The rest of the suite drives the emulated API server and plays the nodes' part; these tests
only use what a cluster with the operator installed offers: the ClusterOperator, a Profile per
node, a custom Tuned following a node label, the PerformanceProfile webhooks. They skip without
``NTO_E2E_KUBECONFIG``. They were checked against ``nto dev-cluster`` plus ``nto operator``
(with the webhook certificates routed), which is how to try them without a cluster.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from nto.kube.client import ApiError, KubeClient
from nto.kube.config import from_kubeconfig

from .conftest import REAL_CLUSTER

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not REAL_CLUSTER, reason="set NTO_E2E_KUBECONFIG to run against a cluster"),
]

NS = "openshift-cluster-node-tuning-operator"
TUNED = ("tuned.openshift.io/v1", "tuneds")
PROFILES = ("tuned.openshift.io/v1", "profiles")
PP_V2 = ("performance.openshift.io/v2", "performanceprofiles")
PP_V1ALPHA1 = ("performance.openshift.io/v1alpha1", "performanceprofiles")
LABEL = "tuned.openshift.io/e2e-real"
T = TypeVar("T")


class Api:
    """Synchronous calls through :class:`KubeClient`, one event loop per call."""

    def __init__(self, kubeconfig: str) -> None:
        self.connection = from_kubeconfig(Path(kubeconfig))

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        async def call() -> Any:
            async with KubeClient(self.connection) as client:
                return await getattr(client, method)(*args, **kwargs)

        return asyncio.run(call())


@pytest.fixture
def api() -> Api:
    assert REAL_CLUSTER is not None
    return Api(REAL_CLUSTER)


def eventually(check: Callable[[], T], timeout: float = 120, message: str = "") -> T:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(message or "condition not met")
        time.sleep(1)


def linux_nodes(api: Api) -> list[dict[str, Any]]:
    nodes = api("list", "v1", "nodes")
    return [n for n in nodes if n["metadata"]["labels"].get("kubernetes.io/os", "linux") == "linux"]


def test_cluster_operator_is_available(api):
    def available() -> bool:
        co = api("get", "config.openshift.io/v1", "clusteroperators", "node-tuning") or {}
        return any(
            c["type"] == "Available" and c["status"] == "True"
            for c in co.get("status", {}).get("conditions", [])
        )

    eventually(available, message="ClusterOperator node-tuning Available")


def test_every_linux_node_has_a_profile(api):
    names = {n["metadata"]["name"] for n in linux_nodes(api)}
    eventually(
        lambda: names <= {p["metadata"]["name"] for p in api("list", *PROFILES, NS)},
        message=f"Profiles for {sorted(names)}",
    )


@pytest.fixture
def labelled_node(api) -> Iterator[str]:
    name = linux_nodes(api)[0]["metadata"]["name"]
    api("patch", "v1", "nodes", name, {"metadata": {"labels": {LABEL: ""}}})
    yield name
    api("patch", "v1", "nodes", name, {"metadata": {"labels": {LABEL: None}}})


def test_custom_tuned_follows_a_node_label(api, labelled_node):
    tuned = {
        "apiVersion": TUNED[0],
        "kind": "Tuned",
        "metadata": {"name": "e2e-real", "namespace": NS},
        "spec": {
            "profile": [
                {"name": "e2e-real", "data": "[main]\nsummary=e2e\ninclude=openshift-node\n"}
            ],
            "recommend": [{"profile": "e2e-real", "priority": 15, "match": [{"label": LABEL}]}],
        },
    }
    api("create", *TUNED, tuned, NS)
    try:
        eventually(
            lambda: (
                (api("get", *PROFILES, labelled_node, NS) or {})
                .get("spec", {})
                .get("config", {})
                .get("tunedProfile")
                == "e2e-real"
            ),
            message="the labelled node's Profile switches to the custom profile",
        )
    finally:
        api("delete", *TUNED, "e2e-real", NS)


def pp(api_version: str, name: str, **cpu: str) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "PerformanceProfile",
        "metadata": {"name": name},
        "spec": {
            "cpu": {"reserved": "0", "isolated": "1", **cpu},
            "nodeSelector": {"node-role.kubernetes.io/e2e-real-nonexistent": ""},
        },
    }


def test_invalid_performance_profile_is_denied(api):
    with pytest.raises(ApiError) as denied:
        api("create", *PP_V2, pp(PP_V2[0], "e2e-real-bad", isolated="0-1"))
    assert "spec.cpu" in denied.value.message


def test_v1alpha1_profile_round_trips_through_conversion(api):
    api("create", *PP_V1ALPHA1, pp(PP_V1ALPHA1[0], "e2e-real-old"))
    try:
        stored = api("get", *PP_V2, "e2e-real-old")
        assert stored["spec"]["globallyDisableIrqLoadBalancing"] is True
        read = api("get", *PP_V1ALPHA1, "e2e-real-old")
        assert read["apiVersion"] == PP_V1ALPHA1[0]
    finally:
        api("delete", *PP_V2, "e2e-real-old")
