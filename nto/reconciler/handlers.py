"""The Tuned controller's wiring on the controller runtime: which changes mark which work.

The runtime (:mod:`nto.runtime.controllers`) watches, lists, re-lists and retries; this module
declares the Tuned controller's stores (:class:`~.cache.ClusterCache`), subscribes to them,
and builds the controller and its optional Pod watch once the runtime started. A Tuned, a
MachineConfigPool, the DaemonSet or the ClusterOperator changing marks everything; a Profile or
a Node (its labels, annotations or providerID) marks its node. The queue also resyncs
everything every ``resync_period`` seconds, like the reference's informer resync.
Neighbours: :mod:`nto.operator.runtime` (calls :func:`register`), :mod:`.controller`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nto.controller.bootcmdline import BootcmdlineSignals
from nto.controller.names import CLUSTER_OPERATOR_NAME, DAEMONSET_NAME
from nto.metrics import CoreMetrics
from nto.operator.settings import OperatorSettings
from nto.reconciler.cache import (
    CLUSTER_OPERATORS,
    DAEMONSETS,
    MACHINE_CONFIGS,
    NODES,
    POOLS,
    PROFILES,
    TUNEDS,
    ClusterCache,
    generated,
)
from nto.reconciler.controller import EVERYTHING, TunedController
from nto.reconciler.pods import PodWatch
from nto.runtime.controllers import ControllerRuntime
from nto.runtime.store import WatchEvent
from nto_api.objects import metadata_of, name_of

__all__ = ["TunedControllerHandle", "register"]

logger = logging.getLogger(__name__)


class TunedControllerHandle:
    """The Tuned controller of one operator: its cache, queue and (once started) controller."""

    def __init__(self, runtime: ControllerRuntime, cache: ClusterCache, *, resync: float) -> None:
        self.runtime = runtime
        self.cache = cache
        self.queue = runtime.batch_controller(
            "tuned", self._reconcile, resync=resync, resync_keys=lambda: (EVERYTHING,)
        )
        self.controller: TunedController | None = None
        self.pods: PodWatch | None = None
        self.queue.add(EVERYTHING)

    def mark(self, *keys: str) -> None:
        """Ask for a reconcile of these nodes (``node/<name>``) or of everything."""
        self.queue.add_all(keys or (EVERYTHING,))

    async def _reconcile(self, batch: frozenset[str]) -> None:
        if self.controller is None:
            raise RuntimeError("the Tuned controller runs only after the runtime started")
        await self.controller.reconcile(batch)


def register(
    runtime: ControllerRuntime,
    *,
    settings: OperatorSettings,
    metrics: CoreMetrics,
    signals: BootcmdlineSignals,
    plugin_failures: Callable[[], Sequence[str]],
    related_objects: Callable[[], Sequence[Mapping[str, Any]]],
) -> TunedControllerHandle:
    """Declare the Tuned controller's watches and queue on ``runtime``; return its handle."""
    namespace = settings.namespace
    cache = ClusterCache(
        tuneds=runtime.watch(TUNEDS, namespace=namespace),
        profiles=runtime.watch(PROFILES, namespace=namespace),
        nodes=runtime.watch(NODES),
        pools=runtime.watch(POOLS),
        machine_configs=runtime.watch(MACHINE_CONFIGS, where=generated),
        daemonsets=runtime.watch(
            DAEMONSETS, namespace=namespace, where=lambda o: name_of(o) == DAEMONSET_NAME
        ),
        cluster_operators=runtime.watch(
            CLUSTER_OPERATORS, where=lambda o: name_of(o) == CLUSTER_OPERATOR_NAME
        ),
    )
    handle = TunedControllerHandle(runtime, cache, resync=settings.resync_period)

    def everything(_: WatchEvent) -> None:
        handle.mark(EVERYTHING)

    def node_of_profile(event: WatchEvent) -> None:
        handle.mark(f"node/{event.name}")

    def node(event: WatchEvent) -> None:
        if event.deleted or event.previous is None or _node_changed(event.previous, event.object):
            handle.mark(f"node/{event.name}")

    for store in (cache.tuneds, cache.pools, cache.daemonsets, cache.cluster_operators):
        store.subscribe(everything)

    def machine_config(event: WatchEvent) -> None:
        if event.deleted:  # someone deleted ours (or a re-list found it gone): write it again
            handle.mark(EVERYTHING)

    cache.machine_configs.subscribe(machine_config)
    cache.profiles.subscribe(node_of_profile)
    cache.nodes.subscribe(node)
    runtime.on_watch_health(handle.mark)

    async def start() -> None:
        client = runtime.client
        controller = TunedController(
            client,
            cache,
            queue=handle.queue,
            settings=settings,
            metrics=metrics,
            signals=signals,
            plugin_failures=plugin_failures,
            watch_failures=runtime.failing_watches,
            related_objects=related_objects,
        )
        handle.controller = controller
        handle.pods = PodWatch(client, cache, lambda name: handle.mark(f"node/{name}"))
        controller.pod_watch = handle.pods

    async def stop() -> None:
        if handle.pods is not None:
            await handle.pods.ensure(False)
        handle.controller = None

    runtime.on_start(start)
    runtime.on_stop(stop)
    return handle


def _node_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Only labels, annotations and providerID matter to the Profile and the MC gate."""

    def facts(node: Mapping[str, Any]) -> tuple[Any, ...]:
        metadata = metadata_of(node)
        return (
            metadata.get("labels"),
            metadata.get("annotations"),
            (node.get("spec") or {}).get("providerID"),
        )

    return facts(old) != facts(new)
