"""The emulator's ``pods/NAME/log`` and ``EmulatedCluster.complete_pod``, read by real clients.

``kubectl logs`` (``/usr/bin/kubectl``, skipped when absent) and our own ``KubeClient.read_text``
read what a test said a pod printed; the errors are a real server's (404 for a missing pod, 400
while the container waits, 400 without ``container`` on a pod of several), and what the emulator
cannot do (``follow``) is refused with a clear 400, never silently answered.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from typing import Any

import pytest

from nto.kube.client import ApiError, KubeClient, NotFoundError, resource_path
from nto.kube.config import from_kubeconfig
from nto.testing import EmulatedCluster

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
HAS_KUBECTL = os.access(KUBECTL, os.X_OK)


def pod(name: str, *containers: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "containers": [{"name": c, "image": "example/tool"} for c in containers or ("c",)]
        },
    }


def read(cluster: EmulatedCluster, name: str, **params: str) -> str:
    assert cluster.kubeconfig_path is not None

    async def go() -> str:
        async with KubeClient(from_kubeconfig(cluster.kubeconfig_path)) as client:
            path = resource_path("v1", "pods", namespace="default", name=name, subresource="log")
            return await client.read_text(path, params=params or None)

    return asyncio.run(go())


def test_complete_pod_sets_status_and_serves_logs(emulated_cluster: EmulatedCluster) -> None:
    emulated_cluster.apply(pod("job"))
    with pytest.raises(ApiError, match="is waiting to start: ContainerCreating") as waiting:
        read(emulated_cluster, "job")
    assert waiting.value.status == 400
    done = emulated_cluster.complete_pod("job", logs="line 1\nline 2\nline 3\n", exit_code=3)
    assert done["status"]["phase"] == "Failed"
    assert done["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 3
    assert read(emulated_cluster, "job") == "line 1\nline 2\nline 3\n"
    assert read(emulated_cluster, "job", tailLines="1") == "line 3\n"
    assert read(emulated_cluster, "job", limitBytes="4") == "line"
    with pytest.raises(NotFoundError):
        read(emulated_cluster, "missing")
    with pytest.raises(ApiError, match="follow='true' is not supported by the emulated"):
        read(emulated_cluster, "job", follow="true")


def test_several_containers_need_a_name(emulated_cluster: EmulatedCluster) -> None:
    emulated_cluster.apply(pod("two", "a", "b"))
    emulated_cluster.complete_pod("two", logs={"a": "from a\n", "b": "from b\n"})
    with pytest.raises(ApiError, match=r"a container name must be specified for pod two"):
        read(emulated_cluster, "two")
    assert read(emulated_cluster, "two", container="b") == "from b\n"
    with pytest.raises(ApiError, match="container c is not valid for pod two"):
        read(emulated_cluster, "two", container="c")


def test_a_new_pod_of_the_same_name_starts_without_logs(emulated_cluster: EmulatedCluster) -> None:
    emulated_cluster.apply(pod("again"))
    emulated_cluster.complete_pod("again", logs="old\n")
    emulated_cluster.delete("v1", "Pod", "again", "default")
    emulated_cluster.apply(pod("again"))
    with pytest.raises(ApiError, match="waiting to start"):
        read(emulated_cluster, "again")


@pytest.mark.skipif(not HAS_KUBECTL, reason="kubectl is not installed (/usr/bin/kubectl)")
def test_kubectl_logs_reads_them(emulated_cluster: EmulatedCluster) -> None:
    emulated_cluster.apply(pod("job"))
    emulated_cluster.complete_pod("job", logs="measured 42 us\n")

    def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KUBECTL, f"--kubeconfig={emulated_cluster.kubeconfig_path}", *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    shown = kubectl("logs", "job")
    assert (shown.returncode, shown.stdout) == (0, "measured 42 us\n"), shown.stderr
    missing = kubectl("logs", "nope")
    assert missing.returncode != 0
    assert 'pods "nope" not found' in missing.stderr
