"""The PerformanceProfile controller of one operator, on the core's controller runtime.

:class:`PerformanceController` is the per-operator object hook ``nto_register_handlers``
returns; the core owns its lifecycle (``start``/``stop``). Built against an
:class:`~nto.plugins.OperatorContext`, it declares on the context's runtime:

- stores (:class:`.cache.ProfileCache`) of PerformanceProfiles, MachineConfigPools, Nodes and
  TuneD Profiles of the operator namespace, plus the objects a profile owns
  (KubeletConfigs, MachineConfigs, RuntimeClasses, Tuneds carrying its controller reference);
  each change is mapped to the profiles it concerns (:mod:`.mapping`) and put on the queue,
  and nothing is written on watched objects to trigger anything;
- a per-key work queue (at most :data:`WORKERS` profiles at once), whose retries are the
  runtime's;
- the deletion finalizer: kopf's finalizer is ``foreground-deletion`` (the core configures it),
  so kopf adds it and removes it once :meth:`PerformanceController.finalize` deleted the four
  objects (in order; retried every 10 s while any still exists).

Profiles waiting for their pool to apply their Tuned are re-queued when the core signals that
pool (:meth:`~nto.plugins.OperatorContext.on_pool_applied`), not by polling. In stand-down
mode a task checks for a standalone Performance Addon Operator.
Neighbours: :mod:`.reconciler`, :mod:`.apply`, :mod:`.cache`, :mod:`nto_performance.upgrade`,
:mod:`nto_performance.plugin` (builds it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Final

from nto.plugins import (
    ApiError,
    JSONDict,
    OperatorContext,
    Resource,
    Store,
    TemporaryError,
    WatchEvent,
)
from nto_api.names import MACHINECONFIG_GROUP, TUNED_GROUP, TUNED_PLURAL
from nto_api.objects import labels_of, metadata_of
from nto_performance import upgrade
from nto_performance.controller import events
from nto_performance.controller.apply import KubeObjectWriter, delete_components
from nto_performance.controller.cache import (
    KUBELET_CONFIGS,
    NODES,
    POOLS,
    PROFILES,
    TUNED_PROFILES,
    ProfileCache,
)
from nto_performance.controller.diff import owned_by
from nto_performance.controller.events import KubeEventRecorder
from nto_performance.controller.mapping import (
    conditions_changed,
    pool_changed,
    profiles_for_node,
    profiles_for_pool,
)
from nto_performance.controller.metrics import ControllerMetrics
from nto_performance.controller.reconciler import ProfileReconciler
from nto_performance.controller.rollout import pending_nodes

__all__ = ["WORKERS", "PerformanceController"]

logger = logging.getLogger(__name__)

DELETION_REQUEUE: Final = 10.0
WORKERS: Final = 8
OWNED: Final = (
    KUBELET_CONFIGS,
    Resource(MACHINECONFIG_GROUP, "v1", "machineconfigs"),
    Resource("node.k8s.io", "v1", "runtimeclasses"),
    Resource(TUNED_GROUP, "v1", TUNED_PLURAL),
)
"""Kinds a profile owns; a change of an owned object re-queues its owner."""


def _meaningful(old: JSONDict | None, new: JSONDict) -> bool:
    """Whether a PerformanceProfile changed beyond its status."""
    if old is None:
        return True

    def essence(obj: JSONDict) -> tuple[Any, ...]:
        meta = metadata_of(obj)
        return (
            obj.get("spec"),
            meta.get("generation"),
            meta.get("labels"),
            meta.get("annotations"),
            meta.get("finalizers"),
            meta.get("deletionTimestamp"),
            meta.get("uid"),
        )

    return essence(old) != essence(new)


class PerformanceController:
    """See the module docstring; one per operator context."""

    def __init__(
        self,
        context: OperatorContext,
        *,
        mode: upgrade.Mode = "remove",
        check_interval: float = 60.0,
    ) -> None:
        self.context = context
        self.mode = mode
        self.check_interval = check_interval
        self.stand_down = upgrade.StandDown()
        self.metrics = context.metrics(ControllerMetrics)
        self.reconciler: ProfileReconciler | None = None
        self._tasks: list[asyncio.Task[None]] = []
        runtime = context.runtime
        self.cache = ProfileCache(
            profiles=runtime.watch(PROFILES),
            pools=runtime.watch(POOLS),
            tuned_profiles=runtime.watch(TUNED_PROFILES, namespace=context.namespace),
            nodes=runtime.watch(NODES),
        )
        self.queue = runtime.controller("performanceprofile", self.work, workers=WORKERS)
        self.cache.profiles.subscribe(self._profile_changed)
        self.cache.pools.subscribe(self._pool_changed)
        self.cache.nodes.subscribe(self._node_changed)
        self.cache.tuned_profiles.subscribe(self._tuned_profile_changed)
        self.owned: list[Store] = []
        for resource in OWNED:
            store = runtime.watch(resource, where=lambda obj: owned_by(obj) is not None)
            store.subscribe(self._owned_changed)
            self.owned.append(store)
        runtime.finalizer(PROFILES, self.finalize, retry_delay=DELETION_REQUEUE)
        context.on_pool_applied(self._pool_applied)

    # --- lifecycle (the core calls these) -----------------------------------------------------

    async def start(self) -> None:
        """Build the reconciler on the shared client and queue every profile."""
        context = self.context
        client = context.client
        self.reconciler = ProfileReconciler(
            client=client,
            cache=self.cache,
            writer=KubeObjectWriter(client, namespace=context.namespace),
            record=KubeEventRecorder(client),
            pool_signal=context.pool_applied,
            namespace=context.namespace,
            release_version=context.release_version,
            metrics=self.metrics,
        )
        if self.mode == "stand-down":
            await self.check_stand_down()
            self._tasks.append(asyncio.create_task(self._stand_down_loop()))
        self.enqueue(*sorted(self.cache.profiles))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self.reconciler = None

    def status_messages(self) -> list[str]:
        """What the ClusterOperator should say about this controller."""
        message = self.stand_down.message()
        return [message] if message else []

    # --- work ---------------------------------------------------------------------------------

    def enqueue(self, *names: str, delay: float = 0.0) -> None:
        for name in names:
            self.queue.add(name, delay)

    async def work(self, name: str) -> float | None:
        if self.stand_down.active or self.reconciler is None:
            return None
        return await self.reconciler(name)

    async def finalize(self, name: str, body: JSONDict) -> None:
        """Delete the profile's four objects; raise (kopf retries) while any remains."""
        reconciler = self.reconciler
        if reconciler is None:
            raise TemporaryError("the controller is starting", delay=1)
        async with reconciler.lock(name):
            try:
                remaining = await delete_components(reconciler.writer, name)
            except ApiError as exc:
                await reconciler.record(
                    body, "Warning", events.DELETION_FAILED, f"Failed to delete: {exc}"
                )
                raise TemporaryError(str(exc), delay=DELETION_REQUEUE) from exc
        if remaining:
            raise TemporaryError(
                f"waiting for {', '.join(remaining)} to be deleted", delay=DELETION_REQUEUE
            )
        await reconciler.record(body, "Normal", events.DELETION_SUCCEEDED, "Deleted all components")

    # --- what changes concern which profiles -------------------------------------------------

    def _profile_changed(self, event: WatchEvent) -> None:
        name = event.name
        if event.deleted:
            self.metrics.forget(name)
            self.queue.forget(name)
            if self.reconciler is not None:
                self.reconciler.waiting.pop(name, None)
                self.reconciler.locks.pop(name, None)
                self.reconciler.rollouts.forget(name)
        elif _meaningful(event.previous, event.object):
            self.enqueue(name)

    def _pool_changed(self, event: WatchEvent) -> None:
        current = None if event.deleted else event.object
        if not self.cache.profiles:
            return
        self._pool_progress(event)
        if not pool_changed(event.previous, current):
            return
        profiles = self.cache.profiles.values()
        touched = set(profiles_for_pool(event.object, profiles))
        if event.previous is not None:
            touched.update(profiles_for_pool(event.previous, profiles))
        self.enqueue(*sorted(touched))

    def _pool_progress(self, event: WatchEvent) -> None:
        """Set ``nto_performance_profile_nodes_pending`` of the profiles the pool selects (its
        status counts change without a condition change); drop those it no longer selects."""
        profiles = self.cache.profiles.values()
        now = set() if event.deleted else set(profiles_for_pool(event.object, profiles))
        old = event.object if event.deleted else event.previous
        before = set(profiles_for_pool(old, profiles)) if old is not None else set()
        for name in before - now:
            self.metrics.not_pending(name, event.name)
        pending = pending_nodes(event.object)
        for name in now:
            self.metrics.pending(name, event.name, pending)

    def _node_changed(self, event: WatchEvent) -> None:
        before = labels_of(event.previous) if event.previous is not None else None
        after = None if event.deleted else labels_of(event.object)
        if not self.cache.profiles or before == after:
            return
        profiles = self.cache.profiles.values()
        touched = set(profiles_for_node(before or {}, profiles))
        touched.update(profiles_for_node(after or {}, profiles))
        self.enqueue(*sorted(touched))

    def _tuned_profile_changed(self, event: WatchEvent) -> None:
        current = None if event.deleted else event.object
        if self.cache.profiles and conditions_changed(event.previous, current):
            labels = labels_of(self.cache.nodes.get(event.name))
            self.enqueue(*profiles_for_node(labels, self.cache.profiles.values()))

    def _owned_changed(self, event: WatchEvent) -> None:
        owner = owned_by(event.object)
        if owner is not None and owner in self.cache.profiles:
            self.enqueue(owner)

    def _pool_applied(self, pool: str) -> None:
        """The core signalled that ``pool`` applied new kernel arguments."""
        del pool
        if self.reconciler is not None:
            self.enqueue(*self.reconciler.ready_again())

    # --- stand-down ---------------------------------------------------------------------------

    async def check_stand_down(self) -> None:
        try:
            changed = await self.stand_down.refresh(self.context.client)
        except (ApiError, OSError, TimeoutError) as exc:
            logger.warning("Checking for a standalone Performance Addon Operator failed: %s", exc)
            return
        if not changed:
            return
        if self.stand_down.active:
            logger.warning("%s", self.stand_down.message())
        else:
            logger.info("No standalone Performance Addon Operator left; the controller resumes")
            self.enqueue(*sorted(self.cache.profiles))
        self.context.request_status_sync()

    async def _stand_down_loop(self) -> None:
        while True:
            await asyncio.sleep(self.check_interval)
            await self.check_stand_down()
