"""One HyperShift reconcile against two emulated clusters (management and hosted), faults too.

The stores the controller would keep are plain dicts here, refreshed from the management
cluster before each reconcile, so that each test drives the reconciler step by step.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from nto.plugins import KubeClient, load_connection
from nto.testing import EmulatedCluster
from nto_performance.controller.metrics import ControllerMetrics
from nto_performance.hypershift.events import ConfigMapEventRecorder
from nto_performance.hypershift.names import (
    FINALIZER,
    PERFORMANCE_PROFILE_NAME_LABEL,
    status_tuned,
)
from nto_performance.hypershift.reconciler import (
    CONFLICT_REQUEUE,
    DELETION_REQUEUE,
    ERROR_REQUEUE,
    HyperShiftReconciler,
)

from .conftest import HCP_NAMESPACE, profile_configmap, profile_doc

CM = "perfprofile-np1"
RC = ("node.k8s.io/v1", "RuntimeClass")


@dataclass
class Rig:
    management: EmulatedCluster
    hosted: EmulatedCluster
    reconciler: HyperShiftReconciler
    configmaps: dict[str, dict[str, Any]]
    nodes: dict[str, dict[str, Any]]
    tuned_profiles: dict[str, dict[str, Any]]

    def refresh(self) -> None:
        self.configmaps.clear()
        for cm in self.management.list("v1", "ConfigMap", HCP_NAMESPACE):
            if "hypershift.openshift.io/performanceprofile-config" in cm["metadata"].get(
                "labels", {}
            ):
                self.configmaps[cm["metadata"]["name"]] = cm

    async def reconcile(self, name: str = CM) -> float | None:
        self.refresh()
        return await self.reconciler(name)

    def cm(self, name: str) -> dict[str, Any] | None:
        return self.management.get("v1", "ConfigMap", name, HCP_NAMESPACE)

    def generated(self) -> list[str]:
        return sorted(
            cm["metadata"]["name"]
            for cm in self.management.list("v1", "ConfigMap", HCP_NAMESPACE)
            if PERFORMANCE_PROFILE_NAME_LABEL in cm["metadata"].get("labels", {})
        )

    def events(self) -> list[tuple[str, str]]:
        return [
            (e["type"], e["reason"]) for e in self.management.list("v1", "Event", HCP_NAMESPACE)
        ]


@pytest.fixture
def clusters() -> Iterator[tuple[EmulatedCluster, EmulatedCluster]]:
    with EmulatedCluster() as management, EmulatedCluster() as hosted:
        yield management, hosted


@contextlib.asynccontextmanager
async def rig_for(management: EmulatedCluster, hosted: EmulatedCluster) -> AsyncIterator[Rig]:
    def connect(cluster: EmulatedCluster) -> Any:
        return load_connection({"KUBECONFIG": str(cluster.kubeconfig_path)})

    async with (
        KubeClient(connect(management)) as mclient,
        KubeClient(connect(hosted)) as hclient,
    ):
        configmaps: dict[str, dict[str, Any]] = {}
        nodes: dict[str, dict[str, Any]] = {}
        tuned_profiles: dict[str, dict[str, Any]] = {}
        reconciler = HyperShiftReconciler(
            management=mclient,
            hosted=hclient,
            configmaps=configmaps,
            tuned_profiles=tuned_profiles,
            nodes=nodes,
            namespace=HCP_NAMESPACE,
            release_version="4.99.0",
            metrics=ControllerMetrics(CollectorRegistry()),
            record=ConfigMapEventRecorder(mclient),
        )
        yield Rig(management, hosted, reconciler, configmaps, nodes, tuned_profiles)


async def _converged(rig: Rig, name: str = CM) -> None:
    """Reconcile until nothing asks for a requeue (bounded)."""
    for _ in range(10):
        if await rig.reconcile(name) is None:
            return
    raise AssertionError("the reconciler kept asking for requeues")


def status_of(rig: Rig, cm: str = CM) -> dict[str, Any]:
    found = rig.cm(f"status-{cm}")
    assert found is not None
    parsed: dict[str, Any] = yaml.safe_load(found["data"]["status"])
    return parsed


def degraded(status: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in status["conditions"] if c["type"] == "Degraded")


async def test_profile_configmap_renders_configmaps_runtimeclass_and_status(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    management.apply(profile_configmap())
    async with rig_for(management, hosted) as rig:
        assert await rig.reconcile() is None
        assert rig.cm(CM)["metadata"]["finalizers"] == [FINALIZER]  # type: ignore[index]
        assert rig.generated() == []
        assert await rig.reconcile() is None
        assert rig.generated() == [
            f"kubeletconfig-{CM}",
            f"machineconfig-{CM}",
            f"status-{CM}",
            f"tuned-{CM}",
        ]
        assert hosted.get(*RC, "performance-perf") is not None
        status = status_of(rig)
        assert status["tuned"] == (
            "openshift-cluster-node-tuning-operator/openshift-node-performance-perf-566a8046"
        )
        assert status["runtimeClass"] == "performance-perf"
        assert degraded(status)["status"] == "False"
        assert ("Normal", "Creation succeeded") in rig.events()
        versions = {
            cm["metadata"]["name"]: cm["metadata"]["resourceVersion"]
            for cm in management.list("v1", "ConfigMap", HCP_NAMESPACE)
        }
        assert await rig.reconcile() is None  # a restart or a resync writes nothing
        assert versions == {
            cm["metadata"]["name"]: cm["metadata"]["resourceVersion"]
            for cm in management.list("v1", "ConfigMap", HCP_NAMESPACE)
        }


async def test_bad_configmap_is_reported_and_nothing_written(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    management.apply(profile_configmap(text="a: &a [*a]\n- broken", finalizers=[FINALIZER]))
    async with rig_for(management, hosted) as rig:
        assert await rig.reconcile() is None
        assert rig.generated() == []
        assert hosted.list(*RC) == []
        events = management.list("v1", "Event", HCP_NAMESPACE)
        assert [(e["type"], e["reason"]) for e in events] == [("Warning", "Creation failed")]
        assert events[0]["involvedObject"]["kind"] == "ConfigMap"
        assert events[0]["involvedObject"]["name"] == CM
        assert "is not usable YAML" in events[0]["message"]


async def test_render_error_degrades_status_and_writes_no_component(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    bad = profile_doc(nodeSelector={"no-slash": ""})
    management.apply(profile_configmap(profile=bad, finalizers=[FINALIZER]))
    async with rig_for(management, hosted) as rig:
        assert await rig.reconcile() is None
        assert rig.generated() == [f"status-{CM}"]
        condition = degraded(status_of(rig))
        assert condition["reason"] == "ComponentCreationFailed"
        assert "spec.nodeSelector" in condition["message"]
        assert ("Warning", "Creation failed") in rig.events()
        assert hosted.list(*RC) == []


async def test_degraded_tuned_profiles_of_the_node_pool_degrade_the_status(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    management.apply(profile_configmap(finalizers=[FINALIZER]))
    async with rig_for(management, hosted) as rig:
        bad = [
            {"type": "Degraded", "status": "True", "reason": "Oops", "message": "it broke"},
            {"type": "Applied", "status": "False"},
        ]
        for node, pool in (("n1", "np1"), ("n2", "np2")):
            rig.nodes[node] = {
                "metadata": {"name": node, "labels": {"hypershift.openshift.io/nodePool": pool}}
            }
            rig.tuned_profiles[node] = {"metadata": {"name": node}, "status": {"conditions": bad}}
        assert await rig.reconcile() is None
        condition = degraded(status_of(rig))
        assert condition["reason"] == "TunedProfileDegraded"
        assert condition["message"] == (
            "Tuned n1 Degraded Reason: Oops.\nTuned n1 Degraded Message: it broke.\n"
        )
        rig.tuned_profiles["n1"]["status"]["conditions"] = []
        assert await rig.reconcile() is None
        assert degraded(status_of(rig))["status"] == "False"


async def test_pause_writes_only_the_status(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    doc = profile_doc()
    doc["metadata"]["annotations"] = {"performance.openshift.io/pause-reconcile": "true"}
    management.apply(profile_configmap(profile=doc, finalizers=[FINALIZER]))
    async with rig_for(management, hosted) as rig:
        assert await rig.reconcile() is None
        assert rig.generated() == [f"status-{CM}"]
        assert hosted.list(*RC) == []


async def test_deleting_the_profile_configmap_removes_what_it_wrote(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    management.apply(profile_configmap(finalizers=[FINALIZER]))
    other = profile_configmap("other-np2", profile=profile_doc("other"), uid="cm-uid-2")
    management.apply({**other, "metadata": {**other["metadata"], "finalizers": [FINALIZER]}})
    async with rig_for(management, hosted) as rig:
        await _converged(rig)
        await _converged(rig, "other-np2")
        management.delete("v1", "ConfigMap", CM, HCP_NAMESPACE)
        assert rig.cm(CM)["metadata"]["deletionTimestamp"]  # type: ignore[index]
        assert await rig.reconcile() is None
        assert rig.cm(CM) is None
        assert hosted.get(*RC, "performance-perf") is None
        assert hosted.get(*RC, "performance-other") is not None
        assert rig.generated() == [
            f"{k}-other-np2" for k in ("kubeletconfig", "machineconfig", "status", "tuned")
        ]
        assert ("Normal", "Deletion succeeded") in rig.events()


@pytest.mark.parametrize(
    ("status", "method", "expected"),
    [(500, "POST", ERROR_REQUEUE), (409, "PUT", CONFLICT_REQUEUE), (503, "GET", ERROR_REQUEUE)],
    ids=["create-500", "update-409", "get-503"],
)
async def test_management_faults_requeue_and_converge(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
    status: int,
    method: str,
    expected: float,
) -> None:
    management, hosted = clusters
    management.apply(profile_configmap(finalizers=[FINALIZER]))
    async with rig_for(management, hosted) as rig:
        if method == "PUT":  # an update needs something stored to update
            await _converged(rig)
            stale = rig.cm(f"tuned-{CM}")
            assert stale is not None
            stale["data"]["tuning"] = "stale"
            management.apply(stale)
        named = None if method == "POST" else f"tuned-{CM}"  # a POST names no object
        fault = management.inject_fault(
            status, method=method, resource="configmaps", path_contains=named
        )
        assert await rig.reconcile() == expected
        assert fault.hits == 1
        await _converged(rig)
        assert rig.generated() == [
            f"kubeletconfig-{CM}",
            f"machineconfig-{CM}",
            f"status-{CM}",
            f"tuned-{CM}",
        ]
        tuned = rig.cm(f"tuned-{CM}")
        assert tuned is not None
        assert tuned["data"]["tuning"] != "stale"
        assert degraded(status_of(rig))["status"] == "False"


async def test_deletion_waits_while_the_runtimeclass_stays(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    management.apply(profile_configmap(finalizers=[FINALIZER]))
    async with rig_for(management, hosted) as rig:
        await _converged(rig)
        rc = hosted.get(*RC, "performance-perf")
        assert rc is not None
        hosted.apply({**rc, "metadata": {**rc["metadata"], "finalizers": ["example.com/hold"]}})
        management.delete("v1", "ConfigMap", CM, HCP_NAMESPACE)
        assert await rig.reconcile() == DELETION_REQUEUE
        assert FINALIZER in rig.cm(CM)["metadata"]["finalizers"]  # type: ignore[index]
        held = hosted.get(*RC, "performance-perf")
        assert held is not None
        hosted.apply({**held, "metadata": {**held["metadata"], "finalizers": []}})
        assert await rig.reconcile() is None
        assert rig.cm(CM) is None


async def test_a_runtimeclass_shared_by_two_node_pools_stays_until_the_last_goes(
    clusters: tuple[EmulatedCluster, EmulatedCluster],
) -> None:
    management, hosted = clusters
    management.apply(profile_configmap(finalizers=[FINALIZER]))
    second = profile_configmap("perfprofile-np2", node_pool="clusters/np2", uid="cm-uid-2")
    management.apply({**second, "metadata": {**second["metadata"], "finalizers": [FINALIZER]}})
    async with rig_for(management, hosted) as rig:
        await _converged(rig)
        await _converged(rig, "perfprofile-np2")
        management.delete("v1", "ConfigMap", CM, HCP_NAMESPACE)
        assert await rig.reconcile() is None  # no livelock on the shared RuntimeClass
        assert rig.cm(CM) is None
        assert hosted.get(*RC, "performance-perf") is not None
        assert status_of(rig, "perfprofile-np2")["tuned"] == status_tuned("perf", "np2")
        management.delete("v1", "ConfigMap", "perfprofile-np2", HCP_NAMESPACE)
        assert await rig.reconcile("perfprofile-np2") is None
        assert hosted.get(*RC, "performance-perf") is None
        assert rig.generated() == []
