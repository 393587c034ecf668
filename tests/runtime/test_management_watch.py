"""HyperShift's second cluster in the runtime: the management cluster's list and watch feed the
same stores as the hosted cluster's, survive API faults (500s, 429, dropped watches, 410 Gone, a
long brownout) and converge; the topology is typed and refused where it does not apply."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import kopf
import pytest

from nto.kube.config import from_kubeconfig
from nto.plugins import Cluster, OperatorContext, Resource, Topology
from nto.runtime.controllers import ControllerRuntime
from nto.testing import EmulatedCluster

CONFIGMAPS = Resource("", "v1", "configmaps")
NODES = Resource("", "v1", "nodes")
NAMESPACE = "clusters-hosted"
SELECTOR = "hypershift.openshift.io/tuned-config=true"


def config_map(name: str, *, selected: bool = True, data: str = "x") -> dict[str, Any]:
    labels = {"hypershift.openshift.io/tuned-config": "true"} if selected else {}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels},
        "data": {"tuning": data},
    }


@pytest.fixture
def management(management_cluster: EmulatedCluster) -> EmulatedCluster:
    return management_cluster  # the nto.testing fixture; its namespace is clusters-hosted


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    from nto.bundle.generate import core_crds

    return core_crds()


def connector(cluster: EmulatedCluster) -> Callable[[], Any]:
    path = cluster.kubeconfig_path
    assert path is not None
    return lambda: from_kubeconfig(path)


@pytest.fixture
async def runtime(
    emulated_cluster: EmulatedCluster, kubeconfig: Any, management: EmulatedCluster
) -> AsyncIterator[ControllerRuntime]:
    runtime = ControllerRuntime(
        kopf.OperatorRegistry(),
        topology=Topology.hypershift_in(NAMESPACE),
        connect_management=connector(management),
        management_backoff=(0.05, 0.5),
    )
    yield runtime
    await runtime.stop()


async def until(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def test_management_store_lists_then_watches_the_management_cluster(
    emulated_cluster, management, runtime
):
    management.apply(config_map("before"))
    management.apply(config_map("unselected", selected=False))
    emulated_cluster.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})
    tuned_configs = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    nodes = runtime.watch(NODES)
    heard: list[str] = []
    tuned_configs.subscribe(lambda event: heard.append(f"{event.type} {event.name}"))
    await runtime.start()
    assert tuned_configs.synced
    assert sorted(tuned_configs) == ["before"]
    assert sorted(nodes) == ["n1"]  # the hosted cluster's, through the other client
    management.apply(config_map("after"))
    management.apply(config_map("before", data="changed"))
    management.delete("v1", "ConfigMap", "after", NAMESPACE)
    await until(lambda: "DELETED after" in heard, "the watch events")
    assert heard == ["ADDED after", "MODIFIED before", "DELETED after"]
    assert tuned_configs["before"]["data"] == {"tuning": "changed"}
    in_management = await runtime.management_client.get("v1", "configmaps", "before", NAMESPACE)
    assert in_management is not None
    assert (await runtime.client.get("v1", "configmaps", "before", NAMESPACE)) is None


async def test_one_watch_per_selection_feeds_every_store(management, runtime):
    first = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    second = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    everything = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT)
    assert len(runtime.management_watches()) == 2
    await runtime.start()
    management.apply(config_map("a"))
    management.apply(config_map("b", selected=False))
    await until(lambda: "a" in first and "a" in second and "b" in everything, "both watches")
    assert "b" not in first


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 500, "count": 6}, id="500s"),
        pytest.param({"status": 429, "count": 6}, id="429s"),
        pytest.param({"status": 500, "count": 2, "watch_event": True}, id="error-events"),
    ],
)
async def test_faults_on_the_management_watch_converge(management, runtime, fault):
    store = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    management.apply(config_map("kept"))
    management.apply(config_map("doomed"))
    await runtime.start()
    (watch,) = runtime.management_watches()
    await until(lambda: watch.watches >= 1, "the first watch")
    relists = watch.relists
    management.inject_fault(**fault, method="GET", path_contains="/configmaps")
    management.break_watches()
    management.delete("v1", "ConfigMap", "doomed", NAMESPACE)
    management.apply(config_map("born"))
    await until(lambda: sorted(store) == ["born", "kept"], "the store to converge")
    assert watch.relists > relists  # the failed watch was followed by a list
    await until(lambda: not runtime.failing_watches(), "the health to clear")


async def test_410_gone_relists_and_reports_what_was_missed(management, runtime):
    store = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    management.apply(config_map("doomed"))
    await runtime.start()
    (watch,) = runtime.management_watches()
    heard: list[str] = []
    store.subscribe(lambda event: heard.append(f"{event.type} {event.name}"))
    # the watch is down while the object goes, and its resourceVersion is then too old
    management.inject_fault(500, count=1000, method="GET", path_contains="/configmaps")
    management.break_watches()
    await until(lambda: bool(runtime.failing_watches()), "the failures to count")
    management.delete("v1", "ConfigMap", "doomed", NAMESPACE)
    management.expire_history()
    management.faults.clear()
    await until(lambda: "DELETED doomed" in heard, "the re-list to find the deletion")
    assert "doomed" not in store
    assert watch.resource_version  # resumed from the new list's version


async def test_a_long_brownout_degrades_then_recovers(management, runtime):
    store = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    changes: list[int] = []
    runtime.on_watch_health(lambda: changes.append(len(runtime.failing_watches())))
    await runtime.start()
    management.inject_fault(503, count=100_000, method="GET", path_contains="/configmaps")
    management.break_watches()
    await until(lambda: bool(runtime.failing_watches()), "the brownout to show")
    (failing,) = runtime.failing_watches()
    assert failing == f"configmaps {SELECTOR} (management cluster) (HTTP 503)"
    management.apply(config_map("during"))  # written while nobody can read
    management.faults.clear()
    await until(lambda: "during" in store, "the store to catch up")
    await until(lambda: not runtime.failing_watches(), "the health to clear")
    assert changes[0] == 1
    assert changes[-1] == 0


async def test_stop_closes_the_management_client(management, runtime):
    runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT)
    await runtime.start()
    (watch,) = runtime.management_watches()
    await until(lambda: watch.watches >= 1, "the watch")
    await runtime.stop()
    with pytest.raises(RuntimeError, match="opens when the operator starts"):
        runtime.management_client  # noqa: B018


def test_classic_runtime_has_no_management_cluster():
    runtime = ControllerRuntime(kopf.OperatorRegistry())
    assert runtime.topology == Topology()
    assert runtime.topology.clusters == (Cluster.HOSTED,)
    with pytest.raises(ValueError, match="only HyperShift mode"):
        runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT)
    with pytest.raises(RuntimeError, match="no management cluster outside HyperShift"):
        runtime.management_client  # noqa: B018
    context = OperatorContext.standalone()
    assert not context.topology.hypershift
    with pytest.raises(RuntimeError, match="no management namespace"):
        context.management_namespace  # noqa: B018


def test_hypershift_context_names_the_management_namespace(management):
    context = OperatorContext.standalone(
        topology=Topology.hypershift_in(NAMESPACE), connect_management=connector(management)
    )
    assert context.topology.hypershift
    assert context.topology.clusters == (Cluster.HOSTED, Cluster.MANAGEMENT)
    assert context.management_namespace == NAMESPACE


def test_hypershift_needs_a_namespace_and_a_connection():
    with pytest.raises(ValueError, match="set MY_NAMESPACE"):
        Topology(hypershift=True)
    with pytest.raises(ValueError, match="connect to the management cluster"):
        ControllerRuntime(kopf.OperatorRegistry(), topology=Topology.hypershift_in(NAMESPACE))


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("a=b", {"a": "b"}, True),
        ("a==b", {"a": "c"}, False),
        ("a!=b", {}, True),
        ("a,!c", {"a": "1"}, True),
        ("a,!c", {"a": "1", "c": ""}, False),
    ],
)
def test_label_selector_filters_hosted_stores_too(selector, labels, expected):
    runtime = ControllerRuntime(kopf.OperatorRegistry())
    store = runtime.watch(NODES, label_selector=selector)
    node = {"metadata": {"name": "n", "labels": labels}}
    assert store.accepts(node) is expected


def test_set_selectors_are_refused_clearly():
    runtime = ControllerRuntime(kopf.OperatorRegistry())
    with pytest.raises(ValueError, match="set terms"):
        runtime.watch(NODES, label_selector="a in (b,c)")


async def test_a_resumed_watch_answered_410_lists_again(management, runtime):
    store = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    management.apply(config_map("doomed"))
    await runtime.start()
    (watch,) = runtime.management_watches()
    await until(lambda: watch.watches >= 1, "the first watch")
    heard: list[str] = []
    store.subscribe(lambda event: heard.append(f"{event.type} {event.name}"))
    requests = management.record_requests()
    # the next watch request is held at the server while the object goes and the history
    # is compacted, so it resumes from a resourceVersion that is now too old: 410 Gone
    management.inject_fault(None, delay=2.0, method="GET", path_contains="watch=true")
    management.break_watches()
    await until(lambda: any("watch=true" in path for _, path in requests), "the held watch")
    management.delete("v1", "ConfigMap", "doomed", NAMESPACE)
    management.apply(config_map("born"))
    management.expire_history()
    await until(lambda: watch.relists >= 1, "a re-list after 410 Gone")
    await until(lambda: sorted(store) == ["born"], "the re-list's view")
    assert "DELETED doomed" in heard
    assert "ADDED born" in heard
    lists = [path for method, path in requests if "watch=true" not in path]
    assert lists
    assert all("labelSelector=" in path for path in lists)
    assert not runtime.failing_watches()  # 410 is not a failure


@pytest.mark.parametrize("as_event", [False, True], ids=["status", "error-event"])
async def test_an_injected_410_lists_again(management, runtime, as_event):
    store = runtime.watch(CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=SELECTOR)
    await runtime.start()
    (watch,) = runtime.management_watches()
    await until(lambda: watch.watches >= 1, "the first watch")
    management.inject_fault(410, path_contains="watch=true", watch_event=as_event)
    management.break_watches()
    await until(lambda: watch.relists >= 1, "a re-list after 410 Gone")
    management.apply(config_map("after-gone"))
    await until(lambda: "after-gone" in store, "the watch to resume")


def test_running_operator_in_hypershift_mode_from_the_environment(
    emulated_cluster, kubeconfig, management_cluster, management_kubeconfig
):
    """The fixtures plugins use: an operator in a thread, HyperShift settings from the env."""
    import os

    from nto.operator.settings import OperatorSettings
    from nto.testing import running_operator, wait_for

    emulated_cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "n", "labels": {"hypershift.openshift.io/nodePool": "np"}},
        }
    )
    tuning = (
        "apiVersion: tuned.openshift.io/v1\nkind: Tuned\nmetadata: {name: t}\nspec:\n"
        '  profile: [{name: p, data: "[main]\\n"}]\n  recommend: [{profile: p, priority: 5}]\n'
    )
    cm = config_map("np-tuned")
    cm["metadata"]["annotations"] = {"hypershift.openshift.io/nodePool": "clusters/np"}
    cm["data"] = {"tuning": tuning}
    management_cluster.apply(cm)
    settings = OperatorSettings.from_env(
        os.environ, leader_election=False, metrics_insecure=True, metrics_port=0
    )
    assert settings.topology() == Topology.hypershift_in(NAMESPACE)
    with running_operator(settings=settings) as operator:
        assert operator.context.topology.hypershift

        def profile() -> str | None:
            found = emulated_cluster.get(
                "tuned.openshift.io/v1", "Profile", "n", "openshift-cluster-node-tuning-operator"
            )
            return found and found["spec"]["config"]["tunedProfile"]

        wait_for(lambda: profile() == "p", timeout=60, message="the NodePool's profile")
