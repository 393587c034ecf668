"""Cleanup of an in-cluster run: this run's pods go, anyone else's stay (emulated cluster)."""

from __future__ import annotations

import asyncio
from typing import Any

from nto.kube.client import KubeClient
from nto.kube.config import from_kubeconfig
from nto.testing import EmulatedCluster
from nto_performance.latency.cluster import LABEL_RUN, _delete_leftovers


def pod(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "example/tool"}]},
    }


def test_leftover_pods_of_this_run_are_deleted(emulated_cluster: EmulatedCluster) -> None:
    emulated_cluster.apply(pod("mine", {LABEL_RUN: "abc"}))
    emulated_cluster.apply(pod("other-run", {LABEL_RUN: "def"}))
    emulated_cluster.apply(pod("unrelated", {}))
    said: list[str] = []
    assert emulated_cluster.kubeconfig_path is not None
    connection = from_kubeconfig(emulated_cluster.kubeconfig_path)

    async def clean() -> None:
        async with KubeClient(connection) as user_client:
            await _delete_leftovers(user_client, "default", "abc", said.append)

    asyncio.run(clean())
    names = sorted(p["metadata"]["name"] for p in emulated_cluster.list("v1", "Pod", "default"))
    assert names == ["other-run", "unrelated"]
    assert said == ["deleting pod default/mine"]
