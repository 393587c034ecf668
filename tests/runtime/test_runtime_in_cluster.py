"""The controller runtime against the emulated cluster: the start-up list before any plugin
starts, watch events into stores and queues, retries, metrics per controller, the re-list
refresh, the plugin lifecycle (start, stop, failures) and separate state per operator."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import kopf
import pytest

from nto.operator.runtime import Operator, _plugin_problems, build_operator
from nto.operator.settings import OperatorSettings
from nto.plugins import OperatorContext, Resource, TemporaryError, WatchEvent, hookimpl
from nto.runtime.controllers import ControllerRuntime
from nto.testing import EmulatedCluster, wait_for

NODES = Resource("", "v1", "nodes")


def node(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}}


def labels(cluster: EmulatedCluster, name: str) -> dict[str, str]:
    found = cluster.get("v1", "Node", name)
    return ((found or {}).get("metadata") or {}).get("labels") or {}


class Marker:
    """A per-operator plugin object: labels every Node ``seen=yes`` through the runtime.

    Its first attempt at each node fails temporarily, so the retry path runs too."""

    def __init__(self, context: OperatorContext) -> None:
        self.context = context
        self.nodes = context.runtime.watch(NODES)
        self.queue = context.runtime.controller("marker", self.reconcile, workers=2)
        self.nodes.subscribe(self.changed)
        self.attempts: Counter[str] = Counter()
        self.started_with: tuple[bool, list[str]] | None = None
        self.stopped = False

    def changed(self, event: WatchEvent) -> None:
        if not event.deleted:
            self.queue.add(event.name)

    async def start(self) -> None:
        self.started_with = (self.nodes.synced, sorted(self.nodes))
        self.queue.add_all(sorted(self.nodes))

    async def stop(self) -> None:
        self.stopped = True

    def status_messages(self) -> list[str]:
        return []

    async def reconcile(self, name: str) -> None:
        self.attempts[name] += 1
        if self.attempts[name] == 1:
            raise TemporaryError(f"first attempt at Node {name!r}", delay=0.01)
        current = self.nodes.get(name)
        if current is None or (current["metadata"].get("labels") or {}).get("seen") == "yes":
            return
        await self.context.client.patch(
            "v1", "nodes", name, {"metadata": {"labels": {"seen": "yes"}}}
        )


class MarkerPlugin:
    def __init__(self) -> None:
        self.objects: list[Marker] = []

    @hookimpl
    def nto_register_handlers(self, registry, context):  # type: ignore[no-untyped-def]
        self.objects.append(Marker(context))
        return self.objects[-1]


class BrokenStart:
    @hookimpl
    def nto_register_handlers(self, registry, context):  # type: ignore[no-untyped-def]
        class Broken:
            async def start(self) -> None:
                raise RuntimeError("cannot start")

        return Broken()


@pytest.fixture
def plugin() -> MarkerPlugin:
    return MarkerPlugin()


@pytest.fixture
def running_operator(
    emulated_cluster: EmulatedCluster, kubeconfig, make_host, plugin
) -> Iterator[Operator]:
    emulated_cluster.apply(node("before-start"))
    settings = OperatorSettings(metrics_insecure=True, metrics_port=0)
    operator = build_operator(settings, make_host(("marker", plugin), ("broken", BrokenStart())))
    stop = threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(operator.run(stop_flag=stop)), daemon=True)
    thread.start()
    yield operator
    stop.set()
    thread.join(timeout=15)
    assert not thread.is_alive(), "the operator did not stop"


@pytest.mark.timeout(90)
def test_plugin_controller_runs_on_the_runtime(emulated_cluster, running_operator, plugin):
    (marker,) = plugin.objects
    wait_for(
        lambda: labels(emulated_cluster, "before-start").get("seen") == "yes",
        timeout=30,
        message="the node listed at start-up reconciled",
    )
    assert marker.started_with == (True, ["before-start"])  # listed before start() ran
    emulated_cluster.apply(node("after-start"))
    wait_for(
        lambda: labels(emulated_cluster, "after-start").get("seen") == "yes",
        timeout=30,
        message="a watched node reconciled",
    )
    assert marker.attempts["after-start"] >= 2  # the first attempt failed and was retried

    def sample(result: str) -> float:
        value = running_operator.prometheus_registry.get_sample_value(
            "nto_reconcile_total", {"controller": "marker", "result": result}
        )
        return value or 0.0

    wait_for(
        lambda: sample("error") >= 2 and sample("ok") >= 2,
        timeout=30,
        message="reconciles counted per controller",
    )
    problems = _plugin_problems(running_operator.host, running_operator.context)
    assert any("plugin 'broken' failed to start: RuntimeError: cannot start" in p for p in problems)


@pytest.mark.timeout(90)
def test_plugin_object_stops_with_the_operator(emulated_cluster, kubeconfig, make_host, plugin):
    settings = OperatorSettings(metrics_insecure=True, metrics_port=0)
    operator = build_operator(settings, make_host(("marker", plugin)))
    stop = threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(operator.run(stop_flag=stop)), daemon=True)
    thread.start()
    (marker,) = plugin.objects
    wait_for(lambda: marker.started_with is not None, timeout=30, message="plugin started")
    stop.set()
    thread.join(timeout=15)
    assert not thread.is_alive()
    assert marker.stopped


async def test_relist_prunes_what_the_watch_missed(emulated_cluster, kubeconfig):
    """kopf re-lists without reporting deletions it missed; the runtime prunes them and
    subscribers hear DELETED."""
    emulated_cluster.apply(node("real"))
    runtime = ControllerRuntime(kopf.OperatorRegistry())
    store = runtime.watch(NODES)
    await runtime.start()
    try:
        assert sorted(store) == ["real"]
        assert store.synced
        store["ghost"] = node("ghost")  # deleted while the watch was down
        heard: list[str] = []
        store.subscribe(lambda event: heard.append(f"{event.type} {event.name}"))
        runtime.watch_health._listed.add("nodes")  # kopf listed once already
        runtime.watch_health.observe("GET", _url("/api/v1/nodes"), 200, None)  # ...and again
        async with asyncio.timeout(20):
            while not heard:
                await asyncio.sleep(0.01)
        assert heard == ["DELETED ghost"]
        assert sorted(store) == ["real"]
    finally:
        await runtime.stop()


def _url(path: str) -> Any:
    from yarl import URL

    return URL(f"https://127.0.0.1{path}")


def test_two_operators_share_no_runtime_state():
    first, second = OperatorContext.standalone(), OperatorContext.standalone()
    assert first.runtime is not second.runtime
    a, b = first.runtime.watch(NODES), second.runtime.watch(NODES)
    a.apply("ADDED", node("only-in-first"))
    assert "only-in-first" in a
    assert "only-in-first" not in b
    applied: list[str] = []
    first.on_pool_applied(applied.append)
    first._pool_signals.signal_ready("worker", ",tuned-a:1")  # what the Tuned controller calls
    assert applied == ["worker"]
    assert first.pool_applied("worker", "tuned-a:1")
    assert not second.pool_applied("worker", "tuned-a:1")
    with pytest.raises(RuntimeError, match="opens when the operator starts"):
        _ = first.client
