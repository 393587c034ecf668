"""kopf wiring of the Tuned controller: watch events fill the cache and mark work.

Handlers are ``on.event`` only (no kopf progress or finalizers on these objects): the controller
is level-triggered and recomputes from the cache. Start-up opens the API client and starts the
loop, the periodic resync and the optional Pod watch; clean-up stops them.
Neighbours: :mod:`nto.operator.runtime` (calls :func:`register`), :mod:`.controller`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import kopf

from nto.controller.bootcmdline import BootcmdlineSignals
from nto.controller.names import (
    CLUSTER_OPERATOR_NAME,
    DAEMONSET_NAME,
    GENERATED_BY_CONTROLLER_VERSION_ANNOTATION,
)
from nto.kube.client import KubeClient, NotFoundError
from nto.kube.config import load_connection
from nto.kube.retry import until_it_works
from nto.metrics import CoreMetrics
from nto.operator.settings import OperatorSettings
from nto.reconciler.cache import ClusterCache, JSONDict
from nto.reconciler.controller import EVERYTHING, TunedController
from nto.reconciler.pods import PodWatch

logger = logging.getLogger(__name__)

RELISTED = {
    "tuneds.tuned.openshift.io": "tuneds",
    "profiles.tuned.openshift.io": "profiles",
    "nodes": "nodes",
    "machineconfigpools.machineconfiguration.openshift.io": "pools",
    "machineconfigs.machineconfiguration.openshift.io": "machine_configs",
}
"""kopf resource -> the cache table it fills (the kinds :func:`prime` lists)."""


class TunedControllerHandle:
    """The running controller and its tasks (exists between start-up and clean-up)."""

    def __init__(self, namespace: str = "") -> None:
        self.namespace = namespace
        self._relisting: set[str] = set()
        self.cache = ClusterCache()
        self.controller: TunedController | None = None
        self.pods: PodWatch | None = None
        self.client: KubeClient | None = None
        self.tasks: list[asyncio.Task[None]] = []

    def mark(self, *keys: str) -> None:
        if self.controller is not None:
            self.controller.mark(*keys)

    def relist(self, resource: str) -> None:
        """kopf listed ``resource`` (``plural.group``) again: drop what it no longer reports.

        kopf re-lists after a watch restart without reporting deletions it missed meanwhile;
        this lists the resource with our client and removes vanished objects from the cache.
        """
        kind = RELISTED.get(resource)
        if kind is None or self.client is None or resource in self._relisting:
            return
        self._relisting.add(resource)
        task = asyncio.create_task(self._relist(resource, kind), name=f"nto-relist-{resource}")
        self.tasks.append(task)
        task.add_done_callback(self._relisted)

    async def _relist(self, resource: str, kind: str) -> None:
        assert self.client is not None
        client = self.client
        try:
            items = await until_it_works(
                lambda: list_kind(client, kind, self.namespace), what=f"Listing {resource}"
            )
        finally:
            self._relisting.discard(resource)
        present = {str((item.get("metadata") or {}).get("name")) for item in items}
        table: dict[str, JSONDict] = getattr(self.cache, kind)
        gone = set(table) - present
        for name in gone:
            del table[name]
        if gone:
            logger.info("%s missed while watching: %s", resource, ", ".join(sorted(gone)))
            self.mark(EVERYTHING)

    def _relisted(self, task: asyncio.Task[None]) -> None:
        if task in self.tasks:
            self.tasks.remove(task)


def register(
    registry: kopf.OperatorRegistry,
    *,
    settings: OperatorSettings,
    metrics: CoreMetrics,
    signals: BootcmdlineSignals,
    plugin_failures: Callable[[], Sequence[str]],
    related_objects: Callable[[], Sequence[Mapping[str, Any]]],
    watch_failures: Callable[[], Sequence[str]] = list,
) -> TunedControllerHandle:
    """Register the controller's kopf handlers on ``registry``."""
    handle = TunedControllerHandle(settings.namespace)
    cache = handle.cache
    namespace = settings.namespace

    def raw(event: Mapping[str, Any]) -> tuple[JSONDict, bool]:
        return dict(event.get("object") or {}), event.get("type") == "DELETED"

    def ours(obj: Mapping[str, Any]) -> bool:
        return (obj.get("metadata") or {}).get("namespace") == namespace

    @kopf.on.event("tuned.openshift.io", "v1", "tuneds", registry=registry)
    def tuned_event(event: Mapping[str, Any], **_: Any) -> None:
        obj, deleted = raw(event)
        if ours(obj):
            cache.store("tuneds", obj, deleted=deleted)
            handle.mark(EVERYTHING)

    @kopf.on.event("tuned.openshift.io", "v1", "profiles", registry=registry)
    def profile_event(event: Mapping[str, Any], name: str, **_: Any) -> None:
        obj, deleted = raw(event)
        if ours(obj):
            cache.store("profiles", obj, deleted=deleted)
            handle.mark(f"node/{name}")

    @kopf.on.event("", "v1", "nodes", registry=registry)
    def node_event(event: Mapping[str, Any], name: str, **_: Any) -> None:
        obj, deleted = raw(event)
        previous = cache.nodes.get(name)
        cache.store("nodes", obj, deleted=deleted)
        if deleted or previous is None or _node_changed(previous, obj):
            handle.mark(f"node/{name}")

    @kopf.on.event(
        "machineconfiguration.openshift.io", "v1", "machineconfigpools", registry=registry
    )
    def pool_event(event: Mapping[str, Any], **_: Any) -> None:
        obj, deleted = raw(event)
        cache.store("pools", obj, deleted=deleted)
        handle.mark(EVERYTHING)

    @kopf.on.event(
        "machineconfiguration.openshift.io",
        "v1",
        "machineconfigs",
        annotations={GENERATED_BY_CONTROLLER_VERSION_ANNOTATION: kopf.PRESENT},
        registry=registry,
    )
    def machine_config_event(event: Mapping[str, Any], **_: Any) -> None:
        obj, deleted = raw(event)
        cache.store("machine_configs", obj, deleted=deleted)

    @kopf.on.event(
        "apps", "v1", "daemonsets", field="metadata.name", value=DAEMONSET_NAME, registry=registry
    )
    def daemonset_event(event: Mapping[str, Any], **_: Any) -> None:
        obj, deleted = raw(event)
        if ours(obj):
            cache.daemonset = None if deleted else obj
            handle.mark()

    @kopf.on.event(
        "config.openshift.io",
        "v1",
        "clusteroperators",
        field="metadata.name",
        value=CLUSTER_OPERATOR_NAME,
        registry=registry,
    )
    def cluster_operator_event(event: Mapping[str, Any], **_: Any) -> None:
        obj, deleted = raw(event)
        cache.cluster_operator = None if deleted else obj
        handle.mark()

    @kopf.on.startup(registry=registry)
    async def start_tuned_controller(**_: Any) -> None:
        client = KubeClient(load_connection())
        await client.__aenter__()
        handle.client = client
        await until_it_works(lambda: prime(client, cache, namespace), what="Listing the cluster")
        controller = TunedController(
            client,
            cache,
            settings=settings,
            metrics=metrics,
            signals=signals,
            plugin_failures=plugin_failures,
            watch_failures=watch_failures,
            related_objects=related_objects,
        )
        handle.controller = controller
        handle.pods = PodWatch(client, cache, lambda node: controller.mark(f"node/{node}"))
        controller.pod_watch = handle.pods
        handle.tasks = [
            asyncio.create_task(controller.run(), name="nto-tuned-controller"),
            asyncio.create_task(controller.resync_every(settings.resync_period), name="nto-resync"),
        ]

    @kopf.on.cleanup(registry=registry)
    async def stop_tuned_controller(**_: Any) -> None:
        for task in list(handle.tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if handle.pods is not None:
            await handle.pods.ensure(False)
        if handle.client is not None:
            await handle.client.__aexit__(None, None, None)

    return handle


async def prime(client: KubeClient, cache: ClusterCache, namespace: str) -> None:
    """Fill the cache with a full list of everything before the first reconcile.

    Like waiting for informer caches to sync: without it, a Profile whose Node was not listed
    yet would look orphaned and be deleted. Missing OpenShift kinds (plain Kubernetes) are
    treated as empty.
    """
    for kind in RELISTED.values():
        try:
            items = await list_kind(client, kind, namespace)
        except NotFoundError:
            items = []
        for item in items:
            if kind != "machine_configs" or _generated(item):
                cache.store(kind, item)
    cache.daemonset = await client.get("apps/v1", "daemonsets", DAEMONSET_NAME, namespace)
    try:
        cache.cluster_operator = await client.get(
            "config.openshift.io/v1", "clusteroperators", CLUSTER_OPERATOR_NAME
        )
    except NotFoundError:
        cache.cluster_operator = None


async def list_kind(client: KubeClient, kind: str, namespace: str) -> list[JSONDict]:
    """Every object of one cache table's kind (``namespace``: the operator's)."""
    tables = [
        ("tuneds", "tuned.openshift.io/v1", "tuneds", namespace),
        ("profiles", "tuned.openshift.io/v1", "profiles", namespace),
        ("nodes", "v1", "nodes", None),
        ("pools", "machineconfiguration.openshift.io/v1", "machineconfigpools", None),
        ("machine_configs", "machineconfiguration.openshift.io/v1", "machineconfigs", None),
    ]
    for table, api_version, plural, ns in tables:
        if table == kind:
            return await client.list(api_version, plural, ns)
    raise ValueError(f"no cache table {kind!r}")


def _generated(mc: Mapping[str, Any]) -> bool:
    annotations = (mc.get("metadata") or {}).get("annotations") or {}
    return GENERATED_BY_CONTROLLER_VERSION_ANNOTATION in annotations


def _node_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Only labels, annotations and providerID matter to the Profile and the MC gate."""

    def facts(node: Mapping[str, Any]) -> tuple[Any, ...]:
        metadata = node.get("metadata") or {}
        return (
            metadata.get("labels"),
            metadata.get("annotations"),
            (node.get("spec") or {}).get("providerID"),
        )

    return facts(old) != facts(new)
