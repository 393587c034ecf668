"""One reconcile of one PerformanceProfile (spec 6 "Reconcile"), thin over pure decisions.

Order: skip deleted or deleting profiles (the kopf deletion handler owns those); without the
``foreground-deletion`` finalizer write the Progressing set and wait (kopf adds it); read the
profile; select and validate its MachineConfigPool; derive render options; render; check the
ovs-dpdk prerequisite; apply unless ``performance.openshift.io/pause-reconcile: "true"``;
then compute the owned conditions and write the status when it changed. Returns the delay of
a requeue (30 s while the pool has not applied the Tuned; 10 s after an apply error) or None.
Neighbours: :mod:`.apply`, :mod:`.pools`, :mod:`.derive`, :mod:`.status`, :mod:`.events`,
:mod:`.handlers` (builds and schedules it).
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Final

from pydantic import ValidationError

from nto.plugins import ApiError, ConflictError, InvalidNameError, KubeClient
from nto_api.names import MACHINECONFIG_V1, PERFORMANCE_PLURAL, PERFORMANCE_V2
from nto_api.objects import JSONDict, metadata_of
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components import manifestset, names
from nto_performance.components._common import RenderError, reconcile_paused
from nto_performance.components.kubeletconfig import has_strict_cpu_reservation
from nto_performance.controller import events, status
from nto_performance.controller.apply import (
    ApplyResult,
    ObjectWriter,
    apply_manifests,
    component_names,
)
from nto_performance.controller.cache import ProfileCache
from nto_performance.controller.derive import read_render_options
from nto_performance.controller.diff import controller_owner
from nto_performance.controller.events import EventRecorder
from nto_performance.controller.mapping import nodes_for_profile
from nto_performance.controller.metrics import ControllerMetrics
from nto_performance.controller.pools import PoolError, select_pool, validate_pool
from nto_performance.controller.rollout import RolloutTracker, pending_nodes

__all__ = ["FINALIZER", "NOT_READY_REQUEUE", "ProfileReconciler"]

logger = logging.getLogger(__name__)

FINALIZER: Final = "foreground-deletion"
NOT_READY_REQUEUE: Final = 30.0
ERROR_REQUEUE: Final = 10.0
CONFLICT_REQUEUE: Final = 0.5
PROFILES: Final = (PERFORMANCE_V2, PERFORMANCE_PLURAL)

OVS_DPDK_MESSAGE: Final = (
    "ovs-dpdk cpus require either Workload Partitioning or the strict-cpu-reservation Kubelet "
    "CPUManager policy option; set Infrastructure status.cpuPartitioning to AllNodes or add "
    '"cpuManagerPolicyOptions": {"strict-cpu-reservation": "true"} through the '
    "kubeletconfig.experimental annotation"
)

PoolSignal = Callable[[str, str], bool]
"""``(pool, "<tuned>:<generation>") -> bool``: the core's bootcmdline signal."""


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


async def reconcile_timed(
    kind: str,
    name: str,
    lock: asyncio.Lock,
    metrics: ControllerMetrics,
    reconcile: Callable[[str], Awaitable[float | None]],
) -> float | None:
    """``reconcile(name)`` under `name`'s lock, timed into `metrics`; a name only a hostile or
    broken API server serves is logged and dropped. Both controllers (classic and HyperShift)
    reconcile through it."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        async with lock:
            return await reconcile(name)
    except InvalidNameError as exc:
        logger.warning("%s %r is not reconciled: %s", kind, name, exc.message)
        return None
    finally:
        metrics.reconciled(loop.time() - started)


@dataclass
class ProfileReconciler:
    """Reconciles profiles by name from the cache; see the module docstring."""

    client: KubeClient
    cache: ProfileCache
    writer: ObjectWriter
    record: EventRecorder
    pool_signal: PoolSignal
    namespace: str
    release_version: str
    metrics: ControllerMetrics
    clock: Callable[[], datetime.datetime] = _now
    waiting: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Profiles waiting for their pool's bootcmdline signal: name -> (pool, tuned:generation);
    the controller asks :meth:`ready_again` when the core signals a pool."""
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    rollouts: RolloutTracker = field(default_factory=RolloutTracker)
    """The objects from before each change in progress (the ``RolloutStarted`` Event)."""

    def lock(self, name: str) -> asyncio.Lock:
        """The lock serialising reconcile and deletion of profile `name`."""
        return self.locks.setdefault(name, asyncio.Lock())

    async def __call__(self, name: str) -> float | None:
        return await reconcile_timed(
            "PerformanceProfile", name, self.lock(name), self.metrics, self._reconcile
        )

    async def _reconcile(self, name: str) -> float | None:
        self.waiting.pop(name, None)
        raw = self.cache.profiles.get(name)
        if raw is None:
            return None
        meta = metadata_of(raw)
        if meta.get("deletionTimestamp"):
            return None
        if FINALIZER not in (meta.get("finalizers") or []):
            await self._write_status(raw, status.progressing())
            return None
        try:
            profile = PerformanceProfile.model_validate(raw)
        except ValidationError as exc:
            self.metrics.render_error()
            message = f"PerformanceProfile {name!r} cannot be read: {_first_error(exc)}"
            return await self._fail(raw, status.COMPONENT_CREATION_FAILED, message, None)
        try:
            pool = select_pool(profile, self.cache.pool_models())
            validate_pool(profile, pool)
        except PoolError as exc:
            self.metrics.no_pool(name)
            await self._write_status(raw, status.degraded(exc.reason, exc.message))
            return None
        options = await read_render_options(
            self.client, profile, pool=pool, release_version=self.release_version
        )
        try:
            manifests = manifestset.render(profile, options)
        except RenderError as exc:
            self.metrics.render_error()
            return await self._fail(raw, status.COMPONENT_CREATION_FAILED, str(exc), None)
        kubelet = manifests.kubelet_config["spec"]["kubeletConfig"]
        if (
            options.ovs_dpdk_cpus
            and options.pinning_mode != "AllNodes"
            and not has_strict_cpu_reservation(kubelet)
        ):
            outcome = status.degraded(status.OVS_DPDK_PREREQUISITE_NOT_MET, OVS_DPDK_MESSAGE)
            if await self._write_status(raw, outcome):
                await self.record(raw, "Warning", events.VALIDATION_FAILED, OVS_DPDK_MESSAGE)
            return None
        pool_name = pool.metadata.name or ""
        pending = pending_nodes(self.cache.pools.get(pool_name))
        self.metrics.pending(name, pool_name, pending, only=True)
        result = ApplyResult()
        if reconcile_paused(profile):
            logger.info("PerformanceProfile %r has %s set; not applying", name, "pause-reconcile")
        else:
            try:
                result = await apply_manifests(
                    manifests,
                    owner=controller_owner(raw),
                    writer=self.writer,
                    pool_applied=lambda tuned, gen: self._pool_applied(name, pool_name, tuned, gen),
                )
            except ConflictError as exc:
                logger.info("PerformanceProfile %r: conflict (%s); retrying", name, exc)
                return CONFLICT_REQUEUE
            except ApiError as exc:
                message = f"Failed to create all components: {exc}"
                return await self._fail(
                    raw, status.COMPONENT_CREATION_FAILED, message, ERROR_REQUEUE
                )
            if result.waiting:
                if result.changed:
                    self.rollouts.started(name, result.before)
                logger.info(
                    "PerformanceProfile %r: waiting for pool %r to apply Tuned %r",
                    name,
                    pool_name,
                    names.tuned_name(name),
                )
                return NOT_READY_REQUEUE
            if result.changed:
                await self.record(
                    raw, "Normal", events.CREATION_SUCCEEDED, "Succeeded to create all components"
                )
            await self._announce_rollout(raw, pool_name, result)
        await self._owned_status(raw, pool_name, result)
        return None

    def _pool_applied(self, name: str, pool: str, tuned: str, generation: int) -> bool:
        dep = f"{tuned}:{generation}"
        if self.pool_signal(pool, dep):
            return True
        self.waiting[name] = (pool, dep)
        return False

    def ready_again(self) -> list[str]:
        """Waiting profiles whose pool has applied their Tuned since (no longer waiting)."""
        ready = [n for n, (pool, dep) in self.waiting.items() if self.pool_signal(pool, dep)]
        for name in ready:
            del self.waiting[name]
        return ready

    async def _announce_rollout(self, raw: JSONDict, pool_name: str, result: ApplyResult) -> None:
        """Post ``RolloutStarted`` when the completed change makes the pool's nodes reboot or
        restart a service (:mod:`.rollout`); best effort, as every Event."""
        name = str(raw["metadata"]["name"])
        if not result.changed and name not in self.rollouts.before:
            return
        generation = int(metadata_of(result.objects.get("tuned")).get("generation") or 0)
        if not self._pool_applied(name, pool_name, names.tuned_name(name), generation):
            # The Tuned changed alone: the core rolls its kernel arguments out once the pool's
            # nodes computed them; announce then (the pool signal re-queues the profile).
            self.rollouts.started(name, result.before)
            return
        message = self.rollouts.finished(
            name,
            before=result.before,
            after=result.objects,
            changed=result.changed,
            policy=await self.rollouts.policy(self.client),
            pool=self.cache.pools.get(pool_name),
            node_labels=self.cache.node_labels(),
        )
        if message is not None:
            logger.info("PerformanceProfile %r: %s", name, message)
            await self.record(raw, "Normal", events.ROLLOUT_STARTED, message)

    async def _owned_status(self, raw: JSONDict, pool_name: str, result: ApplyResult) -> None:
        name = str(raw["metadata"]["name"])
        kubelet: JSONDict | None
        try:
            kubelet = result.objects.get("kubeletconfig") or await self.writer.get(
                "kubeletconfig", component_names(name)["kubeletconfig"]
            )
        except ApiError as exc:
            await self._write_status(
                raw, status.degraded(status.GETTING_KUBELET_STATUS_FAILED, str(exc))
            )
            return
        try:
            pool = await self.client.get(MACHINECONFIG_V1, "machineconfigpools", pool_name)
        except ApiError as exc:
            await self._write_status(
                raw, status.degraded(status.GETTING_MCP_STATUS_FAILED, str(exc))
            )
            return
        if not self.cache.synced:
            message = "the TuneD Profiles of the operator namespace are not listed yet"
            await self._write_status(
                raw, status.degraded(status.GETTING_TUNED_STATUS_FAILED, message)
            )
            return
        profiles = [
            self.cache.tuned_profiles[node]
            for node in nodes_for_profile(raw, self.cache.node_labels())
            if node in self.cache.tuned_profiles
        ]
        outcome = status.owned_outcome(kubelet_config=kubelet, pool=pool, tuned_profiles=profiles)
        if outcome is not None:
            await self._write_status(raw, outcome)
        return

    async def _fail(
        self,
        raw: JSONDict,
        reason: str,
        message: str,
        requeue: float | None,
    ) -> float | None:
        if await self._write_status(raw, status.degraded(reason, message)):
            await self.record(raw, "Warning", events.CREATION_FAILED, message)
        return requeue

    async def _write_status(self, raw: JSONDict, outcome: status.Outcome) -> bool:
        """Write the outcome when it changes the status; True when written."""
        name = str(raw["metadata"]["name"])
        old = raw.get("status") or {}
        new = status.desired_status(
            old,
            outcome,
            tuned=f"{self.namespace}/{names.tuned_name(name)}",
            runtime_class=names.runtime_class_name(name),
            now=self.clock(),
        )
        self.metrics.conditions(name, [(c["type"], c["status"]) for c in new["conditions"]])
        if not status.status_changed(old, new):
            return False
        stored = await self.client.patch(*PROFILES, name, {"status": new}, subresource="status")
        cached = self.cache.profiles.get(name)
        if cached is not None:
            # Only the status: newer metadata in the answer must still reach the event
            # handler as a change (e.g. the finalizer kopf adds meanwhile).
            self.cache.profiles[name] = {**cached, "status": stored.get("status")}
        logger.info("PerformanceProfile %r status: %s", name, outcome.reason or status.AVAILABLE)
        return True


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"
