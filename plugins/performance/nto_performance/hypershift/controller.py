"""The PerformanceProfile controller of one HyperShift operator, on the core's runtime.

:class:`HyperShiftPerformanceController` is what hook ``nto_register_handlers`` returns when
``context.topology.hypershift`` is set (the classic
:class:`~nto_performance.controller.handlers.PerformanceController` otherwise). It declares:

- management-cluster stores (``cluster=Cluster.MANAGEMENT``, the hosted control plane's
  namespace) of the profile ConfigMaps (label ``hypershift.openshift.io/performanceprofile-
  config``) and of the ConfigMaps written for them (label ``hypershift.openshift.io/
  performanceProfileName``): a change to a written one (edited, deleted) re-queues its owner,
  which puts it back;
- hosted-cluster stores of Nodes and the TuneD Profiles of the operator namespace, for the
  status (a Profile's conditions changing re-queues the profiles of its node's NodePool), and
  of the ``performance-*`` RuntimeClasses (one edited or deleted re-queues its profile);
- a per-key work queue (at most :data:`WORKERS` ConfigMaps at once) running
  :class:`~.reconciler.HyperShiftReconciler`, which also handles the deletion finalizer
  (kopf's finalizers only reach the hosted cluster).

Neighbours: :mod:`.reconciler`, :mod:`nto_performance.plugin` (builds it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from nto.plugins import Cluster, OperatorContext, Resource, WatchEvent
from nto_api.objects import annotations_of, get_list, labels_of, metadata_of, name_of
from nto_performance.controller.cache import NODES, TUNED_PROFILES
from nto_performance.controller.mapping import conditions_changed
from nto_performance.controller.metrics import ControllerMetrics
from nto_performance.hypershift.events import ConfigMapEventRecorder
from nto_performance.hypershift.names import (
    NODE_POOL_ANNOTATION,
    NODE_POOL_NODE_LABEL,
    PERFORMANCE_PROFILE_CONFIG_LABEL,
    PERFORMANCE_PROFILE_NAME_LABEL,
    node_pool_name,
)
from nto_performance.hypershift.reconciler import HyperShiftReconciler

__all__ = ["CONFIGMAPS", "WORKERS", "HyperShiftPerformanceController"]

logger = logging.getLogger(__name__)

WORKERS: Final = 8
CONFIGMAPS: Final = Resource("", "v1", "configmaps")
RUNTIME_CLASSES: Final = Resource("node.k8s.io", "v1", "runtimeclasses")
_RUNTIME_CLASS_PREFIX: Final = "performance-"


def _essence(obj: Mapping[str, Any]) -> tuple[Any, ...]:
    meta = metadata_of(obj)
    return (
        obj.get("data"),
        meta.get("labels"),
        meta.get("annotations"),
        meta.get("finalizers"),
        meta.get("deletionTimestamp"),
        meta.get("uid"),
        meta.get("ownerReferences"),
    )


def _controller_owner(obj: Mapping[str, Any]) -> str | None:
    for ref in get_list(obj, "metadata", "ownerReferences"):
        if isinstance(ref, Mapping) and ref.get("controller") and ref.get("kind") == "ConfigMap":
            return str(ref.get("name") or "")
    return None


class HyperShiftPerformanceController:
    """See the module docstring; one per operator context in HyperShift mode."""

    def __init__(self, context: OperatorContext) -> None:
        self.context = context
        self.metrics = context.metrics(ControllerMetrics)
        self.reconciler: HyperShiftReconciler | None = None
        runtime = context.runtime
        self.configmaps = runtime.watch(
            CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=PERFORMANCE_PROFILE_CONFIG_LABEL
        )
        self.generated = runtime.watch(
            CONFIGMAPS, cluster=Cluster.MANAGEMENT, label_selector=PERFORMANCE_PROFILE_NAME_LABEL
        )
        self.tuned_profiles = runtime.watch(TUNED_PROFILES, namespace=context.namespace)
        self.nodes = runtime.watch(NODES)
        self.runtime_classes = runtime.watch(
            RUNTIME_CLASSES,
            where=lambda obj: name_of(obj).startswith(_RUNTIME_CLASS_PREFIX),
        )
        self.queue = runtime.controller("performanceprofile", self.work, workers=WORKERS)
        self.configmaps.subscribe(self._configmap_changed)
        self.generated.subscribe(self._generated_changed)
        self.nodes.subscribe(self._node_changed)
        self.tuned_profiles.subscribe(self._tuned_profile_changed)
        self.runtime_classes.subscribe(self._runtime_class_changed)

    # --- lifecycle (the core calls these) -----------------------------------------------------

    async def start(self) -> None:
        """Build the reconciler on the two clients and queue every profile ConfigMap."""
        context = self.context
        management = context.management_client
        self.reconciler = HyperShiftReconciler(
            management=management,
            hosted=context.client,
            configmaps=self.configmaps,
            tuned_profiles=self.tuned_profiles,
            nodes=self.nodes,
            namespace=context.management_namespace,
            release_version=context.release_version,
            metrics=self.metrics,
            record=ConfigMapEventRecorder(management),
        )
        logger.info(
            "PerformanceProfile controller in HyperShift mode: profile ConfigMaps of %r",
            context.management_namespace,
        )
        self.enqueue(*sorted(self.configmaps))

    async def stop(self) -> None:
        self.reconciler = None

    def status_messages(self) -> list[str]:
        return []

    # --- work ---------------------------------------------------------------------------------

    def enqueue(self, *names: str) -> None:
        for name in names:
            self.queue.add(name, 0.0)

    async def work(self, name: str) -> float | None:
        if self.reconciler is None:
            return None
        return await self.reconciler(name)

    # --- what changes concern which profile ConfigMaps ----------------------------------------

    def _configmap_changed(self, event: WatchEvent) -> None:
        if event.deleted:
            self.queue.forget(event.name)
            if self.reconciler is not None:
                self.reconciler.locks.pop(event.name, None)
            return
        if event.previous is None or _essence(event.previous) != _essence(event.object):
            self.enqueue(event.name)

    def _generated_changed(self, event: WatchEvent) -> None:
        owner = _controller_owner(event.object)
        if owner is None or owner not in self.configmaps:
            return
        if (
            event.deleted
            or event.previous is None
            or _essence(event.previous) != _essence(event.object)
        ):
            self.enqueue(owner)

    def _for_node_pool(self, pool: str | None) -> list[str]:
        if not pool:
            return []
        found = []
        for name, cm in self.configmaps.items():
            if node_pool_name(annotations_of(cm).get(NODE_POOL_ANNOTATION, "")) == pool:
                found.append(name)
        return sorted(found)

    def _node_changed(self, event: WatchEvent) -> None:
        before = labels_of(event.previous).get(NODE_POOL_NODE_LABEL) if event.previous else None
        after = None if event.deleted else labels_of(event.object).get(NODE_POOL_NODE_LABEL)
        if before != after:
            self.enqueue(*self._for_node_pool(before), *self._for_node_pool(after))

    def _tuned_profile_changed(self, event: WatchEvent) -> None:
        current = None if event.deleted else event.object
        if not self.configmaps or not conditions_changed(event.previous, current):
            return
        pool = labels_of(self.nodes.get(event.name)).get(NODE_POOL_NODE_LABEL)
        touched = self._for_node_pool(pool)
        if touched:
            logger.debug("TuneD Profile %r changed: %s", event.name, touched)
        self.enqueue(*touched)

    def _runtime_class_changed(self, event: WatchEvent) -> None:
        def content(obj: Mapping[str, Any]) -> tuple[Any, ...]:
            return (obj.get("handler"), obj.get("scheduling"), obj.get("overhead"))

        previous = event.previous
        if (
            previous is not None
            and not event.deleted
            and content(previous) == content(event.object)
        ):
            return
        profile = event.name.removeprefix(_RUNTIME_CLASS_PREFIX)
        owners = {
            owner
            for written in self.generated.values()
            if labels_of(written).get(PERFORMANCE_PROFILE_NAME_LABEL) == profile
            and (owner := _controller_owner(written)) in self.configmaps
        }
        self.enqueue(*sorted(o for o in owners if o))
