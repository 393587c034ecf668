"""``nto latency-test`` in a cluster: pods on a PerformanceProfile's node, results, cleanup.

The command runs as a user runs it (a subprocess with ``--kubeconfig``) against the emulated
cluster. The emulator runs no containers, so the test plays the kubelet: it waits for each test
pod, checks how it is dressed (Guaranteed QoS, the profile's runtime class, the CRI-O
annotations, the node), and ends it with the real rt-tests output recorded in
``plugins/performance/tests/latency/data`` (:meth:`EmulatedCluster.complete_pod`). Then the
verdicts, the reports and the cleanup are checked; a second scenario presses Ctrl-C mid-run.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nto.testing import EmulatedCluster, wait_for

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[2] / "plugins/performance/tests/latency/data"
PP_API = "performance.openshift.io/v2"
LABEL = "node-role.kubernetes.io/worker-cnf"
TOOL_LABEL = "tuned.openshift.io/latency-tool"
IMAGE = "registry.example/nto:latency"
TIMEOUT = 60.0


def seed(cluster: EmulatedCluster, *, isolated: str = "2-7") -> None:
    cluster.apply(
        [
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, LABEL: ""}},
            }
            for name in ("worker-b", "worker-a")
        ]
    )
    cluster.apply(
        {
            "apiVersion": PP_API,
            "kind": "PerformanceProfile",
            "metadata": {"name": "manual"},
            "spec": {
                "cpu": {"reserved": "0-1", "isolated": isolated},
                "nodeSelector": {LABEL: ""},
            },
        }
    )


def start(
    cluster: EmulatedCluster, tmp_path: Path, *flags: str, image: str = IMAGE
) -> subprocess.Popen[str]:
    assert cluster.kubeconfig_path is not None
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nto",
            "latency-test",
            f"--kubeconfig={cluster.kubeconfig_path}",
            "--profile=manual",
            f"--image={image}",
            "--runtime=3",
            f"--artifacts-dir={tmp_path / 'results'}",
            *flags,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def pending_pods(cluster: EmulatedCluster, tool: str) -> list[dict[str, Any]]:
    return [
        pod
        for pod in cluster.list("v1", "Pod")
        if pod["metadata"].get("labels", {}).get(TOOL_LABEL) == tool
        and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")
    ]


def wait_pod(cluster: EmulatedCluster, tool: str, process: subprocess.Popen[str]) -> dict[str, Any]:
    def created() -> dict[str, Any] | None:
        if process.poll() is not None:
            raise AssertionError(f"latency-test ended early: {process.communicate()}")
        pods = pending_pods(cluster, tool)
        return pods[0] if pods else None

    return wait_for(created, timeout=TIMEOUT, message=f"the {tool} test pod")


def recorded(tool: str, cpus: str, file: str, exit_code: int = 0) -> str:
    header = f"### nto-latency-test tool={tool} cpus={cpus} exit={exit_code}"
    return f"{header}\n{(DATA / file).read_text()}"


def test_in_cluster_run_judges_recorded_output_and_cleans_up(
    cluster: EmulatedCluster, tmp_path: Path
) -> None:
    seed(cluster)
    process = start(
        cluster,
        tmp_path,
        "--tools=oslat,cyclictest,hwlatdetect",
        "--output=json",
        "--oslat-maximum-latency=10",
        "--cyclictest-maximum-latency=100000",
        "--maximum-latency=20",  # hwlatdetect's, as the others have their own
    )
    try:
        outputs = {
            "oslat": ("0,1", "oslat-2cpu.txt", 0),
            "cyclictest": ("3,4", "cyclictest-2cpu.txt", 0),
            # hwlatdetect exits 1 above its own limit (our 1 us recording threshold)
            "hwlatdetect": ("2,3,4,5,6", "hwlatdetect-samples.txt", 1),
        }
        for tool, (cpus, file, code) in outputs.items():
            pod = wait_pod(cluster, tool, process)
            meta, spec = pod["metadata"], pod["spec"]
            assert meta["annotations"] == {
                "cpu-load-balancing.crio.io": "disable",
                "cpu-quota.crio.io": "disable",
                "irq-load-balancing.crio.io": "disable",
            }
            assert meta["namespace"].startswith("nto-latency-test-")
            assert spec["runtimeClassName"] == "performance-manual"
            assert spec["nodeSelector"] == {"kubernetes.io/hostname": "worker-a"}
            (container,) = spec["containers"]
            assert container["image"] == IMAGE
            # Guaranteed QoS: whole CPUs, requests equal to limits; isolated 2-7 minus one
            resources = container["resources"]
            assert resources["requests"] == resources["limits"] == {"cpu": "5", "memory": "1Gi"}
            assert container["command"][:4] == ["nto", "latency-test", "--local", f"--tools={tool}"]
            cluster.complete_pod(
                meta["name"], meta["namespace"], logs=recorded(tool, cpus, file, code)
            )
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, stderr  # oslat went above its 10 us threshold
    report = json.loads(stdout)
    verdicts = {tool["tool"]: tool for tool in report["tools"]}
    assert verdicts["oslat"]["status"] == "failed"
    assert verdicts["oslat"]["max_us"] == 52008
    assert [cpu["cpu"] for cpu in verdicts["oslat"]["cpus"]] == [0, 1]
    assert verdicts["cyclictest"]["status"] == "passed"
    assert verdicts["hwlatdetect"]["status"] == "passed"
    assert verdicts["hwlatdetect"]["max_us"] == 17
    assert [cpu["max_us"] for cpu in verdicts["cyclictest"]["cpus"]] == [1149, 770]
    assert report["target"]["node"] == "worker-a"
    results = tmp_path / "results"
    assert 'failures="1"' in (results / "junit.xml").read_text()
    assert (results / "latency.svg").read_text().count("CPU ") >= 4
    assert cluster.list("v1", "Pod") == []
    namespaces = [
        ns
        for ns in cluster.list("v1", "Namespace")
        if ns["metadata"]["name"].startswith("nto-latency-test-")
    ]
    assert all(ns["metadata"].get("deletionTimestamp") for ns in namespaces)
    assert "deleting pod" in stderr


@pytest.mark.parametrize("given", [False, True], ids=["own-namespace", "given-namespace"])
def test_ctrl_c_deletes_the_running_pod_and_the_namespace(
    cluster: EmulatedCluster, tmp_path: Path, given: bool
) -> None:
    seed(cluster)
    flags = ["--tools=cyclictest"]
    if given:
        cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mine"}})
        flags.append("--namespace=mine")
    process = start(cluster, tmp_path, *flags)
    try:
        pod = wait_pod(cluster, "cyclictest", process)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    name, namespace = pod["metadata"]["name"], pod["metadata"]["namespace"]
    assert cluster.get("v1", "Pod", name, namespace) is None
    left = cluster.get("v1", "Namespace", namespace)
    if given:  # not ours: kept
        assert namespace == "mine"
        assert left is not None
        assert not left["metadata"].get("deletionTimestamp")
    else:
        assert left is None or left["metadata"].get("deletionTimestamp")
    assert not (tmp_path / "results").exists()


def test_unknown_profile_is_an_error_that_names_it(
    cluster: EmulatedCluster, tmp_path: Path
) -> None:
    seed(cluster)
    process = start(cluster, tmp_path, "--tools=oslat", "--profile=missing")
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 1
    assert "PerformanceProfile 'missing' not found" in stderr
    assert cluster.list("v1", "Pod") == []


def test_the_default_image_is_the_operands(cluster: EmulatedCluster, tmp_path: Path) -> None:
    seed(cluster)
    operand = "quay.example/openshift/nto@sha256:" + "a" * 64
    cluster.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": "tuned", "namespace": "openshift-cluster-node-tuning-operator"},
            "spec": {
                "selector": {"matchLabels": {"app": "tuned"}},
                "template": {
                    "metadata": {"labels": {"app": "tuned"}},
                    "spec": {"containers": [{"name": "tuned", "image": operand}]},
                },
            },
        }
    )
    process = start(cluster, tmp_path, "--tools=cyclictest", image="")
    try:
        pod = wait_pod(cluster, "cyclictest", process)
        assert pod["spec"]["containers"][0]["image"] == operand
        meta = pod["metadata"]
        cluster.complete_pod(meta["name"], meta["namespace"], logs="oops\n", exit_code=2)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, stderr  # the pod ended without the tool's output
    assert (
        "cyclictest: ERROR: the pod ended Failed (exit code 2) without cyclictest's output; "
        "last output: oops"
    ) in stdout


def test_without_the_operand_an_image_must_be_given(
    cluster: EmulatedCluster, tmp_path: Path
) -> None:
    seed(cluster)
    process = start(cluster, tmp_path, "--tools=oslat", image="")
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 1
    assert "pass the image that holds nto and rt-tests with --image" in stderr


def test_too_few_isolated_cpus_skip_oslat_without_a_pod(
    cluster: EmulatedCluster, tmp_path: Path
) -> None:
    seed(cluster, isolated="2-3")  # the pod would get 2 - 1 = 1 CPU
    process = start(cluster, tmp_path, "--tools=oslat")
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr
    assert "oslat: SKIPPED: oslat needs at least 2 CPUs" in stdout
    assert cluster.list("v1", "Pod") == []


def test_more_cpus_than_isolated_is_an_error(cluster: EmulatedCluster, tmp_path: Path) -> None:
    seed(cluster)
    process = start(cluster, tmp_path, "--tools=oslat", "--cpus=7")
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 1
    assert "LATENCY_TEST_CPUS (--cpus) is 7, more than the 6 isolated CPUs" in stderr


def test_a_pod_that_never_finishes_times_out_and_is_deleted(
    cluster: EmulatedCluster, tmp_path: Path
) -> None:
    seed(cluster)
    process = start(cluster, tmp_path, "--tools=oslat", "--runtime=1", "--timeout-buffer=0")
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 1, stderr
    assert "warning: --timeout-buffer is 0 seconds, below the recommended 150" in stderr
    assert "oslat: ERROR: the pod did not finish within 1s" in stdout
    assert cluster.list("v1", "Pod") == []
