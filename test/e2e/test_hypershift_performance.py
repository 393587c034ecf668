"""The PerformanceProfile controller in HyperShift mode, end to end, with two emulated clusters.

The management cluster holds the hosted control plane's namespace: a PerformanceProfile arrives
there as a ConfigMap and leaves as ConfigMaps (Tuned, MachineConfig, KubeletConfig, status);
the hosted cluster (the operator's ``KUBECONFIG``) gets the RuntimeClass, and the core mirrors
the Tuned ConfigMap into a hosted Tuned named with the NodePool hash. Scenarios: the whole
chain, deletion through the finalizer, a restart that converges without duplicates, and a
management cluster answering 500s and dropping watches.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from nto.testing import (
    EmulatedCluster,
    OperatorProcess,
    ReferenceBinaryMissing,
    unpack_reference_binary,
    wait_for,
)

from .conftest import REAL_CLUSTER, bundle_disabled_plugins, project_crds

pytestmark = pytest.mark.e2e

HCP = "clusters-hosted"
NS = "openshift-cluster-node-tuning-operator"
NODE_POOL = "clusters/np1"
PP_LABEL = "hypershift.openshift.io/performanceprofile-config"
NAME_LABEL = "hypershift.openshift.io/performanceProfileName"
FINALIZER = "hypershift.openshift.io/foreground-deletion"
TUNED = "tuned.openshift.io/v1"
RC = ("node.k8s.io/v1", "RuntimeClass")
CM = "perfprofile-np1"
KINDS = ("kubeletconfig", "machineconfig", "status", "tuned")


def fnv32a(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


HOSTED_TUNED = f"openshift-node-performance-perf-{fnv32a('np1'):08x}"


def profile_configmap(name: str = CM, profile: str = "perf") -> dict[str, Any]:
    document = {
        "apiVersion": "performance.openshift.io/v2",
        "kind": "PerformanceProfile",
        "metadata": {"name": profile},
        "spec": {
            "cpu": {"reserved": "0-1", "isolated": "2-3"},
            "nodeSelector": {"node-role.kubernetes.io/worker": ""},
        },
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": HCP,
            "labels": {PP_LABEL: "true"},
            "annotations": {"hypershift.openshift.io/nodePool": NODE_POOL},
        },
        "data": {"tuning": yaml.safe_dump(document)},
    }


@pytest.fixture
def clusters() -> Iterator[tuple[EmulatedCluster, EmulatedCluster]]:
    if REAL_CLUSTER:
        pytest.skip("scenario needs two emulated clusters (NTO_E2E_KUBECONFIG is set)")
    with EmulatedCluster() as management, EmulatedCluster() as hosted:
        hosted.load_crds(project_crds())
        yield management, hosted


@pytest.fixture
def start_operator(
    clusters: tuple[EmulatedCluster, EmulatedCluster], tmp_path: Any
) -> Iterator[Callable[[], OperatorProcess]]:
    management, hosted = clusters
    started: list[OperatorProcess] = []

    def start() -> OperatorProcess:
        assert hosted.kubeconfig_path is not None
        assert management.kubeconfig_path is not None
        process = OperatorProcess(
            [sys.executable, "-m", "nto", "operator"],
            kubeconfig=hosted.kubeconfig_path,
            env={
                "HYPERSHIFT": "true",
                "MY_NAMESPACE": HCP,
                "WATCH_NAMESPACE": NS,
                "NTO_MANAGEMENT_KUBECONFIG": str(management.kubeconfig_path),
                "NTO_DISABLED_PLUGINS": bundle_disabled_plugins(),
            },
            log_path=tmp_path / f"operator-{len(started)}.log",
        )
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()


def waited(predicate: Callable[[], Any], operator: OperatorProcess, message: str) -> Any:
    try:
        return wait_for(predicate, timeout=90.0, message=message)
    except TimeoutError:
        print(operator.log[-8000:])
        raise


def generated(management: EmulatedCluster) -> list[str]:
    return sorted(
        cm["metadata"]["name"]
        for cm in management.list("v1", "ConfigMap", HCP)
        if NAME_LABEL in (cm["metadata"].get("labels") or {})
    )


def status_of(management: EmulatedCluster, cm: str = CM) -> dict[str, Any] | None:
    found = management.get("v1", "ConfigMap", f"status-{cm}", HCP)
    if found is None:
        return None
    status: dict[str, Any] = yaml.safe_load(found["data"]["status"])
    return status


def available(management: EmulatedCluster) -> bool:
    status = status_of(management) or {}
    return any(
        c["type"] == "Available" and c["status"] == "True" for c in status.get("conditions") or []
    )


def converged(management: EmulatedCluster, hosted: EmulatedCluster) -> bool:
    return (
        generated(management) == [f"{kind}-{CM}" for kind in KINDS]
        and available(management)
        and hosted.get(*RC, "performance-perf") is not None
        and hosted.get(TUNED, "Tuned", HOSTED_TUNED, NS) is not None
    )


def test_profile_configmap_to_configmaps_hosted_tuned_and_status(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
    start_operator: Callable[[], OperatorProcess],
) -> None:
    management, hosted = clusters
    operator = start_operator()
    management.apply(profile_configmap())
    waited(lambda: converged(management, hosted), operator, "profile ConfigMap rendered")
    source = management.get("v1", "ConfigMap", CM, HCP)
    assert source is not None
    assert source["metadata"]["finalizers"] == [FINALIZER]
    mc = management.get("v1", "ConfigMap", f"machineconfig-{CM}", HCP)
    assert mc is not None
    assert mc["metadata"]["labels"] == {
        NAME_LABEL: "perf",
        "hypershift.openshift.io/nodePool": "np1",
        "hypershift.openshift.io/nto-generated-machine-config": "true",
    }
    assert mc["metadata"]["ownerReferences"][0]["uid"] == source["metadata"]["uid"]
    assert yaml.safe_load(mc["data"]["config"])["metadata"]["name"] == "50-performance-perf"
    kc = management.get("v1", "ConfigMap", f"kubeletconfig-{CM}", HCP)
    assert kc is not None
    assert kc["metadata"]["labels"]["hypershift.openshift.io/kubeletconfig-config"] == "true"
    status = status_of(management)
    assert status is not None
    assert status["tuned"] == f"{NS}/{HOSTED_TUNED}"
    assert status["runtimeClass"] == "performance-perf"
    tuned = hosted.get(TUNED, "Tuned", HOSTED_TUNED, NS)
    assert tuned is not None
    assert tuned["metadata"]["labels"]["hypershift.openshift.io/nodePoolName"] == "np1"
    events = management.list("v1", "Event", HCP)
    assert any(e["reason"] == "Creation succeeded" for e in events)
    operator_status = waited(
        lambda: (
            (hosted.get("config.openshift.io/v1", "ClusterOperator", "node-tuning") or {})
            .get("status", {})
            .get("relatedObjects")
        ),
        operator,
        "ClusterOperator relatedObjects",
    )
    groups = {(r.get("group"), r.get("resource")) for r in operator_status}
    assert ("tuned.openshift.io", "tuneds") in groups
    assert ("performance.openshift.io", "performanceprofiles") not in groups


def test_hostile_profile_configmap_is_reported_and_nothing_written(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
    start_operator: Callable[[], OperatorProcess],
) -> None:
    management, hosted = clusters
    operator = start_operator()
    bomb = "".join(
        f"{name}: &{name} [{','.join([f'*{prev}'] * 9) if prev else 'x'}]\n"
        for prev, name in zip(["", *"abcdefg"], "abcdefgh", strict=False)
    )
    hostile = profile_configmap("hostile-np1")
    hostile["data"]["tuning"] = bomb
    management.apply(hostile)

    def warned() -> list[dict[str, Any]]:
        return [
            e
            for e in management.list("v1", "Event", HCP)
            if e["reason"] == "Creation failed" and e["involvedObject"]["name"] == "hostile-np1"
        ]

    (event,) = waited(warned, operator, "a Warning Event about the hostile ConfigMap")
    assert event["type"] == "Warning"
    assert "excessive aliasing" in event["message"]
    management.apply(profile_configmap())  # a good one next to it still works
    waited(lambda: converged(management, hosted), operator, "the good ConfigMap rendered")
    assert not [name for name in generated(management) if "hostile" in name]
    assert operator.running


def test_deleting_the_profile_configmap_removes_what_it_wrote(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
    start_operator: Callable[[], OperatorProcess],
) -> None:
    management, hosted = clusters
    operator = start_operator()
    management.apply(profile_configmap())
    waited(lambda: converged(management, hosted), operator, "profile ConfigMap rendered")
    management.delete("v1", "ConfigMap", CM, HCP)
    waited(
        lambda: (
            management.get("v1", "ConfigMap", CM, HCP) is None
            and generated(management) == []
            and hosted.get(*RC, "performance-perf") is None
            and hosted.get(TUNED, "Tuned", HOSTED_TUNED, NS) is None
        ),
        operator,
        "everything the profile ConfigMap wrote is gone",
    )


def test_restart_converges_without_duplicates(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
    start_operator: Callable[[], OperatorProcess],
) -> None:
    management, hosted = clusters
    first = start_operator()
    management.apply(profile_configmap())
    waited(lambda: converged(management, hosted), first, "profile ConfigMap rendered")
    versions = {
        cm["metadata"]["name"]: cm["metadata"]["resourceVersion"]
        for cm in management.list("v1", "ConfigMap", HCP)
        if cm["metadata"]["name"] != f"tuned-{CM}"
    }
    first.stop()
    management.delete("v1", "ConfigMap", f"tuned-{CM}", HCP)  # proof the new one works
    second = start_operator()
    waited(
        lambda: management.get("v1", "ConfigMap", f"tuned-{CM}", HCP) is not None,
        second,
        "the restarted operator put the Tuned ConfigMap back",
    )
    waited(lambda: converged(management, hosted), second, "converged after the restart")
    assert generated(management) == [f"{kind}-{CM}" for kind in KINDS]
    assert {
        cm["metadata"]["name"]: cm["metadata"]["resourceVersion"]
        for cm in management.list("v1", "ConfigMap", HCP)
        if cm["metadata"]["name"] in versions
    } == versions
    assert [rc["metadata"]["name"] for rc in hosted.list(*RC)] == ["performance-perf"]
    perf_tuneds = [
        t["metadata"]["name"]
        for t in hosted.list(TUNED, "Tuned", NS)
        if t["metadata"]["name"].startswith("openshift-node-performance")
    ]
    assert perf_tuneds == [HOSTED_TUNED]


def test_management_brownout_converges(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
    start_operator: Callable[[], OperatorProcess],
) -> None:
    management, hosted = clusters
    operator = start_operator()
    waited(
        lambda: "HyperShift mode" in operator.log,
        operator,
        "the HyperShift controller started",
    )
    writes = management.inject_fault(500, count=3, method="POST", resource="configmaps")
    conflicts = management.inject_fault(409, count=2, method="PUT", resource="configmaps")
    management.apply(profile_configmap())
    management.break_watches()
    waited(lambda: converged(management, hosted), operator, "converged through the brownout")
    assert writes.hits == 3
    assert conflicts.hits >= 1
    assert generated(management) == [f"{kind}-{CM}" for kind in KINDS]


@pytest.mark.parametrize("command", ["render", "render-bootcmd-mc"])
def test_render_commands_are_absent_in_hypershift_mode(command: str, tmp_path: Any) -> None:
    def run(binary: list[str], hypershift: bool) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HYPERSHIFT": "true" if hypershift else "false"}
        return subprocess.run(
            [*binary, command, "--help"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    ours = [sys.executable, "-m", "nto"]
    absent = run(ours, hypershift=True)
    assert absent.returncode == 255
    assert f"unknown command '{command}'" in absent.stderr
    listed = re.compile(rf"^\s+{re.escape(command)}\s", re.MULTILINE)

    def help_text(hypershift: str) -> str:
        env = {**os.environ, "HYPERSHIFT": hypershift}
        done = subprocess.run(
            [*ours, "--help"], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        return done.stdout

    assert listed.search(help_text("false"))
    assert not listed.search(help_text("true"))
    present = run(ours, hypershift=False)
    assert present.returncode == 0, present.stderr
    try:
        reference = unpack_reference_binary("cluster-node-tuning-operator", tmp_path)
    except ReferenceBinaryMissing as exc:
        pytest.skip(f"the Go reference binary is not available: {exc}")
    theirs = run([str(reference)], hypershift=True)
    assert theirs.returncode == absent.returncode
    assert f'unknown command "{command}"' in theirs.stderr
