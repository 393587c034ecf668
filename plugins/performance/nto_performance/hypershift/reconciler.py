"""One reconcile of one profile ConfigMap in HyperShift mode, and its deletion.

Order (the reference's HyperShift flow): a ConfigMap being deleted is finalized: the
RuntimeClass ``performance-<pp>`` is deleted from the hosted cluster (unless another NodePool's
ConfigMap renders a profile of the same name) and the ConfigMaps written for it from the
management namespace (its owner references would collect them too), then the
finalizer ``hypershift.openshift.io/foreground-deletion`` is removed (requeue every 10 s while
the RuntimeClass still exists). Without the finalizer, add it and stop (the update re-queues).
Then decode the profile (:mod:`.decode`; bad input: a Warning Event on the ConfigMap, nothing
written, no retry until the ConfigMap changes), derive render options from the hosted cluster's
Infrastructure and FeatureGate (there is no MachineConfigPool), render, write the Tuned,
MachineConfig and KubeletConfig ConfigMaps (:mod:`.wrap`) and the hosted RuntimeClass unless
``pause-reconcile`` is set, and write the status ConfigMap: Degraded ``TunedProfileDegraded``
when TuneD Profiles of the NodePool's nodes are degraded, else Available
(``ComponentCreationFailed`` on render or write errors). Returns a requeue delay or None.
Neighbours: :mod:`.controller` (schedules it), :mod:`nto_performance.controller.status`.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from nto.plugins import ApiError, ConflictError, KubeClient
from nto_api.objects import JSONDict, get_list, labels_of, metadata_of, name_of, uid_of
from nto_performance.components import manifestset, names
from nto_performance.components._common import RenderError, reconcile_paused
from nto_performance.controller import events, status
from nto_performance.controller.derive import read_render_options
from nto_performance.controller.diff import differences, merged_for_update
from nto_performance.controller.events import EventType
from nto_performance.controller.metrics import ControllerMetrics
from nto_performance.controller.reconciler import reconcile_timed
from nto_performance.hypershift.decode import (
    ConfigMapError,
    DecodedProfile,
    decode_profile_configmap,
    describe,
)
from nto_performance.hypershift.names import (
    FINALIZER,
    NODE_POOL_NODE_LABEL,
    PERFORMANCE_PROFILE_NAME_LABEL,
    status_tuned,
    wrapped_name,
)
from nto_performance.hypershift.wrap import (
    WRAPPED_KINDS,
    configmap_update,
    decode_status,
    status_configmap,
    wrapped_configmaps,
)

__all__ = ["DELETION_REQUEUE", "ERROR_REQUEUE", "HyperShiftReconciler"]

logger = logging.getLogger(__name__)

DELETION_REQUEUE: Final = 10.0
ERROR_REQUEUE: Final = 10.0
CONFLICT_REQUEUE: Final = 0.5
RUNTIME_CLASSES: Final = ("node.k8s.io/v1", "runtimeclasses")
CONFIGMAPS: Final = ("v1", "configmaps")
GENERATED: Final = (*WRAPPED_KINDS, "status")
"""Prefixes of the ConfigMaps written for a profile ConfigMap."""


class Recorder(Protocol):
    """Posts an Event about a profile ConfigMap (:class:`.events.ConfigMapEventRecorder`)."""

    async def __call__(
        self,
        configmap: Mapping[str, Any],
        type_: EventType,
        reason: str,
        message: str,
        /,
    ) -> None: ...


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _controlled_by(obj: Mapping[str, Any], uid: str) -> bool:
    return any(
        isinstance(o, Mapping) and o.get("controller") and o.get("uid") == uid
        for o in get_list(obj, "metadata", "ownerReferences")
    )


@dataclass
class HyperShiftReconciler:
    """Reconciles profile ConfigMaps by name from the store; see the module docstring."""

    management: KubeClient
    """The management cluster's client (profile, rendered and status ConfigMaps, Events)."""
    hosted: KubeClient
    """The hosted cluster's client (RuntimeClass, Infrastructure, FeatureGate)."""
    configmaps: Mapping[str, JSONDict]
    """Profile ConfigMaps of the management namespace, by name."""
    tuned_profiles: Mapping[str, JSONDict]
    """The hosted cluster's TuneD Profiles (operator namespace), by node name."""
    nodes: Mapping[str, JSONDict]
    """The hosted cluster's Nodes, by name."""
    namespace: str
    """The management namespace (the hosted control plane's)."""
    release_version: str
    metrics: ControllerMetrics
    record: Recorder
    clock: Callable[[], datetime.datetime] = _now
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def lock(self, name: str) -> asyncio.Lock:
        return self.locks.setdefault(name, asyncio.Lock())

    async def __call__(self, name: str) -> float | None:
        try:
            return await reconcile_timed(
                "ConfigMap", name, self.lock(name), self.metrics, self._reconcile
            )
        except ConflictError as exc:
            logger.info("ConfigMap %r: conflict (%s); retrying", name, exc)
            return CONFLICT_REQUEUE

    async def _reconcile(self, name: str) -> float | None:
        source = self.configmaps.get(name)
        if source is None:
            return None
        finalizers = get_list(source, "metadata", "finalizers")
        if metadata_of(source).get("deletionTimestamp"):
            if FINALIZER not in finalizers:
                return None
            return await self._finalize(source)
        if FINALIZER not in finalizers:
            await self._replace_finalizers(source, [*finalizers, FINALIZER])
            return None
        try:
            decoded = decode_profile_configmap(source)
        except ConfigMapError as exc:
            self.metrics.render_error()
            logger.warning("%s", exc)
            await self.record(source, "Warning", events.CREATION_FAILED, str(exc))
            return None
        return await self._apply(source, decoded)

    # --- apply --------------------------------------------------------------------------------

    async def _apply(self, source: JSONDict, decoded: DecodedProfile) -> float | None:
        profile = decoded.profile
        options = await read_render_options(
            self.hosted, profile, pool=None, release_version=self.release_version
        )
        try:
            manifests = manifestset.render(profile, options)
        except RenderError as exc:
            self.metrics.render_error()
            return await self._fail(source, decoded, str(exc), None)
        if reconcile_paused(profile):
            logger.info("%s: the profile has pause-reconcile set; not applying", describe(source))
        else:
            try:
                written = await self._write_components(source, decoded, manifests)
            except ConflictError:
                raise
            except ApiError as exc:
                message = f"Failed to create all components: {exc}"
                return await self._fail(source, decoded, message, ERROR_REQUEUE)
            if written:
                logger.info("%s: wrote %s", describe(source), ", ".join(written))
                await self.record(
                    source,
                    "Normal",
                    events.CREATION_SUCCEEDED,
                    "Succeeded to create all components",
                )
        await self._write_status(source, decoded, self._owned_outcome(decoded))
        return None

    async def _write_components(
        self,
        source: JSONDict,
        decoded: DecodedProfile,
        manifests: manifestset.ManifestSet,
    ) -> list[str]:
        written: list[str] = []
        desired = wrapped_configmaps(
            source, manifests, profile_name=decoded.name, node_pool=decoded.node_pool
        )
        for kind in WRAPPED_KINDS:
            if await self._put_configmap(desired[kind]):
                written.append(f"ConfigMap/{desired[kind]['metadata']['name']}")
        runtime_class = manifests.runtime_class
        existing = await self.hosted.get(*RUNTIME_CLASSES, runtime_class["metadata"]["name"])
        if existing is None:
            await self.hosted.create(*RUNTIME_CLASSES, runtime_class)
        elif differences("runtimeclass", existing, runtime_class):
            merged = merged_for_update("runtimeclass", existing, runtime_class)
            await self.hosted.replace(*RUNTIME_CLASSES, merged)
        else:
            return written
        written.append(f"RuntimeClass/{runtime_class['metadata']['name']}")
        return written

    async def _put_configmap(self, desired: JSONDict) -> bool:
        """Create or update one ConfigMap of the management namespace; True when written."""
        existing = await self.management.get(
            *CONFIGMAPS, desired["metadata"]["name"], self.namespace
        )
        if existing is None:
            await self.management.create(*CONFIGMAPS, desired, self.namespace)
            return True
        updated = configmap_update(existing, desired)
        if updated is None:
            return False
        await self.management.replace(*CONFIGMAPS, updated, self.namespace)
        return True

    # --- status -------------------------------------------------------------------------------

    def _owned_outcome(self, decoded: DecodedProfile) -> status.Outcome:
        pool = decoded.node_pool_name
        nodes = [
            node_name
            for node_name, node in self.nodes.items()
            if labels_of(node).get(NODE_POOL_NODE_LABEL) == pool
        ]
        profiles = [self.tuned_profiles[n] for n in sorted(nodes) if n in self.tuned_profiles]
        message = status.tuned_degraded_message(profiles)
        if message is not None:
            return status.degraded(status.TUNED_PROFILE_DEGRADED, message)
        return status.available()

    async def _fail(
        self,
        source: JSONDict,
        decoded: DecodedProfile,
        message: str,
        requeue: float | None,
    ) -> float | None:
        logger.warning("%s: %s", describe(source), message)
        outcome = status.degraded(status.COMPONENT_CREATION_FAILED, message)
        try:
            changed = await self._write_status(source, decoded, outcome)
        except ConflictError:
            raise
        except ApiError as exc:
            logger.warning("%s: status not written: %s", describe(source), exc)
            return ERROR_REQUEUE
        if changed:
            await self.record(source, "Warning", events.CREATION_FAILED, message)
        return requeue

    async def _write_status(
        self,
        source: JSONDict,
        decoded: DecodedProfile,
        outcome: status.Outcome,
    ) -> bool:
        """Write the status ConfigMap when the outcome changes it; True when written."""
        name = wrapped_name("status", name_of(source))
        existing = await self.management.get(*CONFIGMAPS, name, self.namespace)
        old = decode_status(existing)
        new = status.desired_status(
            old,
            outcome,
            tuned=status_tuned(decoded.name, decoded.node_pool_name),
            runtime_class=names.runtime_class_name(decoded.name),
            now=self.clock(),
        )
        self.metrics.conditions(decoded.name, [(c["type"], c["status"]) for c in new["conditions"]])
        desired = status_configmap(
            source, new, profile_name=decoded.name, node_pool=decoded.node_pool
        )
        if existing is None:
            await self.management.create(*CONFIGMAPS, desired, self.namespace)
        elif old and not status.status_changed(old, new):
            # Same status: only put back labels, annotations or owner someone removed.
            kept = {**desired, "data": dict(existing.get("data") or {})}
            repaired = configmap_update(existing, kept)
            if repaired is not None:
                await self.management.replace(*CONFIGMAPS, repaired, self.namespace)
            return False
        else:
            updated = configmap_update(existing, desired)
            if updated is None:  # the same text decoded differently: nothing to write
                return False
            await self.management.replace(*CONFIGMAPS, updated, self.namespace)
        logger.info("%s status: %s", describe(source), outcome.reason or status.AVAILABLE)
        return True

    # --- deletion -----------------------------------------------------------------------------

    async def _replace_finalizers(self, source: JSONDict, finalizers: list[str]) -> None:
        body = {**source, "metadata": {**metadata_of(source), "finalizers": finalizers}}
        await self.management.replace(*CONFIGMAPS, body, self.namespace)
        logger.info("%s finalizers: %s", describe(source), finalizers or "none")

    def _profile_name(self, source: Mapping[str, Any]) -> str | None:
        try:
            return decode_profile_configmap(source).name
        except ConfigMapError:
            return None

    def _shared(self, cm_name: str, profile_name: str) -> bool:
        """Whether another live profile ConfigMap (another NodePool) renders the same profile
        name, and so needs the hosted RuntimeClass ``performance-<pp>`` too."""
        for name, other in self.configmaps.items():
            if name == cm_name or metadata_of(other).get("deletionTimestamp"):
                continue
            if self._profile_name(other) == profile_name:
                return True
        return False

    async def _finalize(self, source: JSONDict) -> float | None:
        uid = uid_of(source)
        cm_name = name_of(source)
        profile_name = self._profile_name(source)
        shared = profile_name is not None and self._shared(cm_name, profile_name)
        try:
            runtime_class = None
            if profile_name is not None and not shared:
                runtime_class = names.runtime_class_name(profile_name)
                await self.hosted.delete(*RUNTIME_CLASSES, runtime_class)
            for kind in GENERATED:
                name = wrapped_name(kind, cm_name)
                found = await self.management.get(*CONFIGMAPS, name, self.namespace)
                labels = labels_of(found)
                ours = profile_name is not None and (
                    labels.get(PERFORMANCE_PROFILE_NAME_LABEL) == profile_name
                )
                if found is not None and (ours or _controlled_by(found, uid)):
                    await self.management.delete(*CONFIGMAPS, name, self.namespace)
            remaining = (
                runtime_class is not None
                and await self.hosted.get(*RUNTIME_CLASSES, runtime_class) is not None
            )
        except ConflictError:
            raise
        except ApiError as exc:
            await self.record(
                source, "Warning", events.DELETION_FAILED, f"Failed to delete components: {exc}"
            )
            return DELETION_REQUEUE
        if remaining:
            logger.info("%s: waiting for RuntimeClass %r to go", describe(source), runtime_class)
            return DELETION_REQUEUE
        await self.record(
            source, "Normal", events.DELETION_SUCCEEDED, "Succeeded to delete all components"
        )
        finalizers = [f for f in get_list(source, "metadata", "finalizers") if f != FINALIZER]
        await self._replace_finalizers(source, finalizers)
        if profile_name is not None and not shared:
            self.metrics.forget(profile_name)
        return None
