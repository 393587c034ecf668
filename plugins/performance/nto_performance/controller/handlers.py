"""kopf wiring of the PerformanceProfile controller: watches feed the cache and the queue.

- ``on.event`` (async: kopf runs sync handlers in threads) for PerformanceProfiles (reconcile
  on any change but status-only ones), MachineConfigPools, Nodes, TuneD Profiles, and the
  four owned kinds (KubeletConfig updates included), each mapped to the profiles it concerns
  (:mod:`.mapping`) and put on the :class:`~.workqueue.WorkQueue`; nothing is written on
  watched objects to trigger anything;
- ``on.delete`` for PerformanceProfiles: kopf's finalizer is ``foreground-deletion`` (the core
  configures it), so kopf adds it and removes it once this handler deleted the four objects
  (in order; retried every 10 s while any still exists);
- start-up lists everything once (the cache is then ``synced``), starts the queue's workers,
  a poller of the core's bootcmdline signal for waiting profiles and, in stand-down mode, the
  standalone-PAO presence check; clean-up stops them.

Neighbours: :mod:`.reconciler`, :mod:`.apply`, :mod:`.cache`, :mod:`nto_performance.upgrade`,
:mod:`nto_performance.plugin` (calls :func:`register`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import kopf

from nto.kube.client import ApiError, KubeClient, NotFoundError
from nto.kube.config import load_connection
from nto.kube.retry import until_it_works
from nto.plugins.types import BOOTCMDLINE_SIGNALS, STATUS_REFRESH, OperatorContext
from nto_performance import upgrade
from nto_performance.controller import events
from nto_performance.controller.apply import KubeObjectWriter, delete_components
from nto_performance.controller.cache import JSONDict, ProfileCache, Table
from nto_performance.controller.diff import owned_by
from nto_performance.controller.events import KubeEventRecorder
from nto_performance.controller.mapping import (
    conditions_changed,
    pool_changed,
    profiles_for_node,
    profiles_for_pool,
)
from nto_performance.controller.metrics import CONTROLLER
from nto_performance.controller.reconciler import ProfileReconciler
from nto_performance.controller.workqueue import WorkQueue

__all__ = ["PerformanceController", "prime", "register"]

logger = logging.getLogger(__name__)

GROUP: Final = "performance.openshift.io"
MCO: Final = "machineconfiguration.openshift.io"
TUNED: Final = "tuned.openshift.io"
DELETION_REQUEUE: Final = 10.0
SIGNAL_POLL: Final = 0.25
WORKERS: Final = 8


@dataclass
class PerformanceController:
    """The running controller (its services exist between start-up and clean-up)."""

    context: OperatorContext
    cache: ProfileCache = field(default_factory=ProfileCache)
    queue: WorkQueue | None = None
    reconciler: ProfileReconciler | None = None
    client: KubeClient | None = None
    mode: upgrade.Mode = "remove"
    stand_down: upgrade.StandDown = field(default_factory=upgrade.StandDown)
    check_interval: float = 60.0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def enqueue(self, *names: str, delay: float = 0.0) -> None:
        if self.queue is not None:
            for name in names:
                self.queue.add(name, delay)

    def status_messages(self) -> list[str]:
        """What the ClusterOperator should say about this controller."""
        message = self.stand_down.message()
        return [message] if message else []

    async def work(self, name: str) -> float | None:
        if self.stand_down.active or self.reconciler is None:
            return None
        return await self.reconciler(name)

    def _refresh_operator_status(self) -> None:
        refresh = self.context.extras.get(STATUS_REFRESH)
        if callable(refresh):
            refresh()


def _raw(event: Mapping[str, Any]) -> tuple[JSONDict, bool]:
    return dict(event.get("object") or {}), event.get("type") == "DELETED"


def _meaningful(old: JSONDict | None, new: JSONDict) -> bool:
    """Whether a PerformanceProfile changed beyond its status."""
    if old is None:
        return True

    def essence(obj: JSONDict) -> tuple[Any, ...]:
        meta = obj.get("metadata") or {}
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


def register(registry: kopf.OperatorRegistry, context: OperatorContext) -> PerformanceController:
    """Register the controller's kopf handlers on `registry`; return its handle."""
    controller = PerformanceController(
        context=context,
        mode=upgrade.mode_from_env(),
        check_interval=upgrade.check_interval_from_env(),
    )
    cache = controller.cache
    namespace = context.namespace

    def ours(obj: JSONDict) -> bool:
        return (obj.get("metadata") or {}).get("namespace") == namespace

    @kopf.on.event(GROUP, "v2", "performanceprofiles", registry=registry)
    async def profile_event(event: Mapping[str, Any], name: str, **_: Any) -> None:
        obj, deleted = _raw(event)
        previous = cache.store("profiles", obj, deleted=deleted)
        if deleted:
            CONTROLLER.forget(name)
            if controller.queue is not None:
                controller.queue.forget(name)
            if controller.reconciler is not None:
                controller.reconciler.waiting.pop(name, None)
                controller.reconciler.locks.pop(name, None)
        elif _meaningful(previous, obj):
            controller.enqueue(name)

    @kopf.on.delete(GROUP, "v2", "performanceprofiles", registry=registry)
    async def profile_deleted(name: str, body: kopf.Body, **_: Any) -> None:
        reconciler = controller.reconciler
        if reconciler is None:
            raise kopf.TemporaryError("the controller is starting", delay=1)
        async with reconciler.lock(name):
            try:
                remaining = await delete_components(reconciler.writer, name)
            except ApiError as exc:
                await reconciler.record(
                    dict(body), "Warning", events.DELETION_FAILED, f"Failed to delete: {exc}"
                )
                raise kopf.TemporaryError(str(exc), delay=DELETION_REQUEUE) from exc
        if remaining:
            raise kopf.TemporaryError(
                f"waiting for {', '.join(remaining)} to be deleted", delay=DELETION_REQUEUE
            )
        await reconciler.record(
            dict(body), "Normal", events.DELETION_SUCCEEDED, "Deleted all components"
        )

    @kopf.on.event(MCO, "v1", "machineconfigpools", registry=registry)
    async def pool_event(event: Mapping[str, Any], **_: Any) -> None:
        obj, deleted = _raw(event)
        previous = cache.store("pools", obj, deleted=deleted)
        if cache.profiles and pool_changed(previous, None if deleted else obj):
            profiles = cache.profiles.values()
            touched = set(profiles_for_pool(obj, profiles))
            if previous is not None:
                touched.update(profiles_for_pool(previous, profiles))
            controller.enqueue(*sorted(touched))

    @kopf.on.event("", "v1", "nodes", registry=registry)
    async def node_event(event: Mapping[str, Any], **_: Any) -> None:
        obj, deleted = _raw(event)
        previous = cache.store_node(obj, deleted=deleted)
        current = None if deleted else cache.nodes.get(str(obj["metadata"]["name"]))
        if cache.profiles and previous != current:
            touched = set(profiles_for_node(previous or {}, cache.profiles.values()))
            touched.update(profiles_for_node(current or {}, cache.profiles.values()))
            controller.enqueue(*sorted(touched))

    @kopf.on.event(TUNED, "v1", "profiles", registry=registry)
    async def tuned_profile_event(event: Mapping[str, Any], name: str, **_: Any) -> None:
        obj, deleted = _raw(event)
        if not ours(obj):
            return
        previous = cache.store("tuned_profiles", obj, deleted=deleted)
        if cache.profiles and conditions_changed(previous, None if deleted else obj):
            labels = cache.nodes.get(name, {})
            controller.enqueue(*profiles_for_node(labels, cache.profiles.values()))

    def owned(table: Table | None) -> Callable[..., Awaitable[None]]:
        async def handler(event: Mapping[str, Any], **_: Any) -> None:
            obj, deleted = _raw(event)
            if table is not None:
                cache.store(table, obj, deleted=deleted)
            owner = owned_by(obj)
            if owner is not None and owner in cache.profiles:
                controller.enqueue(owner)

        return handler

    kopf.on.event(MCO, "v1", "kubeletconfigs", registry=registry)(owned("kubelet_configs"))
    kopf.on.event(MCO, "v1", "machineconfigs", registry=registry)(owned(None))
    kopf.on.event("node.k8s.io", "v1", "runtimeclasses", registry=registry)(owned(None))
    kopf.on.event(TUNED, "v1", "tuneds", registry=registry)(owned(None))

    @kopf.on.startup(registry=registry)
    async def start_performance_controller(**_: Any) -> None:
        await _start(controller)

    @kopf.on.cleanup(registry=registry)
    async def stop_performance_controller(**_: Any) -> None:
        await _stop(controller)

    return controller


async def _start(controller: PerformanceController) -> None:
    context = controller.context
    client = KubeClient(load_connection())
    await client.__aenter__()
    controller.client = client
    await until_it_works(
        lambda: prime(client, controller.cache, context.namespace),
        what="Listing for the PerformanceProfile controller",
    )
    signals = context.extras.get(BOOTCMDLINE_SIGNALS)

    def pool_signal(pool: str, dep: str) -> bool:
        return bool(signals is not None and signals.is_ready(pool, dep, context.release_version))

    controller.reconciler = ProfileReconciler(
        client=client,
        cache=controller.cache,
        writer=KubeObjectWriter(client, namespace=context.namespace),
        record=KubeEventRecorder(client),
        pool_signal=pool_signal,
        namespace=context.namespace,
        release_version=context.release_version,
    )
    if controller.mode == "stand-down":
        await _check_stand_down(controller)
        controller.tasks.append(asyncio.create_task(_stand_down_loop(controller)))
    queue = controller.queue = WorkQueue()
    controller.enqueue(*sorted(controller.cache.profiles))
    controller.tasks.append(
        asyncio.create_task(queue.run(controller.work, workers=WORKERS), name="nto-pp-queue")
    )
    controller.tasks.append(asyncio.create_task(_poll_signals(controller), name="nto-pp-signal"))


async def _stop(controller: PerformanceController) -> None:
    for task in controller.tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    controller.tasks.clear()
    if controller.client is not None:
        await controller.client.__aexit__(None, None, None)
        controller.client = None


async def _poll_signals(controller: PerformanceController) -> None:
    """Re-queue profiles as soon as their pool applied their Tuned (the reference's channel
    source); an in-memory check, no API calls."""
    while True:
        await asyncio.sleep(SIGNAL_POLL)
        if controller.reconciler is not None:
            controller.enqueue(*controller.reconciler.ready_again())


async def _check_stand_down(controller: PerformanceController) -> None:
    assert controller.client is not None
    try:
        changed = await controller.stand_down.refresh(controller.client)
    except (ApiError, OSError, TimeoutError) as exc:
        logger.warning("Checking for a standalone Performance Addon Operator failed: %s", exc)
        return
    if not changed:
        return
    if controller.stand_down.active:
        logger.warning("%s", controller.stand_down.message())
    else:
        logger.info("No standalone Performance Addon Operator left; the controller resumes")
        controller.enqueue(*sorted(controller.cache.profiles))
    controller._refresh_operator_status()


async def _stand_down_loop(controller: PerformanceController) -> None:
    while True:
        await asyncio.sleep(controller.check_interval)
        await _check_stand_down(controller)


async def prime(client: KubeClient, cache: ProfileCache, namespace: str) -> None:
    """List every watched kind once (missing OpenShift kinds count as empty); then the cache
    is ``synced``."""
    tables: list[tuple[Table | None, str, str, str | None]] = [
        ("profiles", f"{GROUP}/v2", "performanceprofiles", None),
        ("pools", f"{MCO}/v1", "machineconfigpools", None),
        ("tuned_profiles", f"{TUNED}/v1", "profiles", namespace),
        ("kubelet_configs", f"{MCO}/v1", "kubeletconfigs", None),
        (None, "v1", "nodes", None),
    ]
    for table, api_version, plural, ns in tables:
        try:
            items = await client.list(api_version, plural, ns)
        except NotFoundError:
            items = []
        for item in items:
            if table is None:
                cache.store_node(item)
            elif table != "profiles" or item["metadata"]["name"] not in cache.profiles:
                cache.store(table, item)
    cache.synced = True
