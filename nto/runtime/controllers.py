"""The controller runtime: built once per operator, it runs every controller, core and plugins.

One :class:`ControllerRuntime` owns, for its operator:

- **watches**: :meth:`~ControllerRuntime.watch` returns a :class:`~.store.Store`; each watched
  resource gets one kopf ``on.event`` handler, however many stores (and controllers) read it;
- **one API client**, opened on kopf's start-up and shared by every controller
  (:attr:`~ControllerRuntime.client`);
- **the start-up list**: before any controller runs, every watched resource is listed until it
  works, so no reconcile judges from a partial view (like waiting for informer caches to sync);
- **the re-list refresh**: kopf lists again after a watch restarts but never reports what was
  deleted meanwhile; :class:`~.watch_health.WatchHealth` sees each re-list and the runtime lists
  the resource itself and prunes vanished objects from every store (subscribers hear DELETED);
- **watch health**: failing watches are listed by :meth:`~ControllerRuntime.failing_watches`,
  and :meth:`~ControllerRuntime.on_watch_health` listeners hear when that list changes;
- **work queues**: :meth:`~ControllerRuntime.controller` (a key per worker call) and
  :meth:`~ControllerRuntime.batch_controller` (every due key at once) build a
  :class:`~.queue.WorkQueue` whose retries, backoff and metrics are the runtime's;
- **finalizers**: :meth:`~ControllerRuntime.finalizer` registers a kopf deletion handler whose
  errors map to kopf's (:func:`~.errors.to_kopf`);
- **plugin objects**: what hook ``nto_register_handlers`` returned, started after the start-up
  list and stopped on clean-up (:meth:`~ControllerRuntime.adopt`);
- **the topology** (:mod:`.topology`): with HyperShift, ``watch(..., cluster=Cluster.MANAGEMENT)``
  stores are fed by the runtime's own list and watch of the management cluster
  (:mod:`.management`), through a second client (:attr:`~ControllerRuntime.management_client`)
  the runtime opens and closes with the first; the start-up list covers both clusters.

Neighbours: :mod:`nto.operator.runtime` (builds it and wires it into kopf),
:mod:`nto.reconciler` (the Tuned controller), :mod:`nto.plugins.types` (``OperatorContext``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import kopf

from nto.kube.client import KubeClient, NotFoundError
from nto.kube.config import Connection, load_connection
from nto.kube.retry import until_it_works
from nto.runtime.errors import to_kopf
from nto.runtime.management import ManagementWatch, Selection
from nto.runtime.queue import BatchWorker, Worker, WorkQueue
from nto.runtime.selectors import label_selector_matches
from nto.runtime.store import Resource, Store
from nto.runtime.topology import Cluster, Topology
from nto.runtime.watch_health import WatchHealth
from nto_api.objects import JSONDict, name_of

if TYPE_CHECKING:
    from nto.plugins.types import OperatorPlugin

__all__ = ["ControllerRuntime", "Finalizer", "ReconcileObserver"]

logger = logging.getLogger(__name__)

ReconcileObserver = Callable[[str, str, float], None]
"""Told ``(controller, "ok" | "error", seconds)`` after each reconcile (the core's metrics)."""


class Finalizer(Protocol):
    """Cleans up after a deleted object; raise to keep kopf's finalizer and retry."""

    def __call__(self, name: str, body: JSONDict, /) -> Awaitable[None]: ...


class _Spec:
    """One controller: its queue and how it drains."""

    def __init__(
        self,
        queue: WorkQueue,
        drain: Callable[[], Awaitable[None]],
        resync: float | None,
        resync_keys: Callable[[], Iterable[str]],
    ) -> None:
        self.queue = queue
        self.drain = drain
        self.resync = resync
        self.resync_keys = resync_keys


class ControllerRuntime:
    """See the module docstring. ``registry`` is the kopf registry the operator runs."""

    def __init__(
        self,
        registry: kopf.OperatorRegistry,
        *,
        connect: Callable[[], Connection] = load_connection,
        observe: ReconcileObserver | None = None,
        failures_to_degrade: int = 3,
        topology: Topology | None = None,
        connect_management: Callable[[], Connection] | None = None,
        management_backoff: tuple[float, float] = (0.2, 30.0),
    ) -> None:
        self.registry = registry
        self.topology = topology or Topology()
        """Which clusters this operator talks to (classic: one; HyperShift: two)."""
        if self.topology.hypershift and connect_management is None:
            raise ValueError("HyperShift mode needs a way to connect to the management cluster")
        self._connect = connect
        self._connect_management = connect_management
        self._management_backoff = management_backoff
        self._observe = observe
        self.watch_health = WatchHealth(
            failures_to_degrade=failures_to_degrade,
            on_change=self._health_changed,
            on_relist=self.relist,
        )
        self._stores: dict[Resource, list[Store]] = {}
        self._controllers: list[_Spec] = []
        self._plugins: list[tuple[str, OperatorPlugin]] = []
        self._on_start: list[Callable[[], Awaitable[None]]] = []
        self._on_stop: list[Callable[[], Awaitable[None]]] = []
        self._health_listeners: list[Callable[[], None]] = []
        self._client: KubeClient | None = None
        self._management_client: KubeClient | None = None
        self._management: dict[Selection, ManagementWatch] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._relisting: set[Resource] = set()
        self.problems: list[str] = []
        """Plugin objects that failed to start or stop, for the ClusterOperator status."""
        self.started = False

    # --- what controllers declare -------------------------------------------------------------

    def watch(
        self,
        resource: Resource,
        *,
        namespace: str | None = None,
        where: Callable[[Mapping[str, Any]], bool] | None = None,
        label_selector: str | None = None,
        cluster: Cluster = Cluster.HOSTED,
    ) -> Store:
        """A store of ``resource`` objects passing the filters, fed from the one watch.

        ``label_selector`` (``key=value,key2``: equality and existence terms) filters like
        ``where``. ``cluster=Cluster.MANAGEMENT`` (HyperShift only) watches the management
        cluster instead, in ``namespace`` (default: the hosted control plane's namespace); the
        label selector then goes to the server, and each distinct (resource, namespace,
        selector) is one list and watch however many stores read it.
        """
        if label_selector:
            selected = label_selector_matches(label_selector)
            where = selected if where is None else _both(where, selected)
        if cluster is Cluster.MANAGEMENT:
            return self._watch_management(resource, namespace, where, label_selector)
        store = Store(resource, namespace=namespace, where=where)
        stores = self._stores.get(resource)
        if stores is None:
            stores = self._stores[resource] = []
            self._register_watch(resource, stores)
        stores.append(store)
        return store

    def _watch_management(
        self,
        resource: Resource,
        namespace: str | None,
        where: Callable[[Mapping[str, Any]], bool] | None,
        label_selector: str | None,
    ) -> Store:
        if not self.topology.hypershift:
            raise ValueError(
                f"cannot watch {resource.key} in the management cluster: only HyperShift mode "
                "(HYPERSHIFT=true) has one; watch the hosted cluster (the default) instead"
            )
        namespace = namespace or self.topology.management_namespace
        assert namespace is not None  # Topology guarantees it in HyperShift mode
        selection = Selection(resource, namespace, label_selector or None)
        watch = self._management.get(selection)
        if watch is None:
            first, longest = self._management_backoff
            watch = self._management[selection] = ManagementWatch(
                selection, [], health=self.watch_health, first_backoff=first, max_backoff=longest
            )
        store = Store(resource, namespace=namespace, where=where)
        assert isinstance(watch.stores, list)
        watch.stores.append(store)
        return store

    def management_watches(self) -> list[ManagementWatch]:
        """The management cluster's list-and-watch loops (HyperShift; tests read counters)."""
        return list(self._management.values())

    def _register_watch(self, resource: Resource, stores: list[Store]) -> None:
        async def on_event(event: Mapping[str, Any], **_: Any) -> None:
            obj = dict(event.get("object") or {})
            for store in stores:
                store.apply(event.get("type"), obj)

        kopf.on.event(
            resource.group,
            resource.version,
            resource.plural,
            id=f"watch/{resource.key}",
            registry=self.registry,
        )(on_event)

    def controller(
        self,
        name: str,
        worker: Worker,
        *,
        workers: int = 8,
        first_backoff: float = 0.5,
        max_backoff: float = 60.0,
        resync: float | None = None,
        resync_keys: Callable[[], Iterable[str]] = tuple,
    ) -> WorkQueue:
        """A queue whose keys ``worker`` reconciles one at a time per key (``workers`` at once).

        ``resync`` (seconds) re-adds ``resync_keys()`` periodically, like an informer resync.
        """
        queue = self._queue(name, first_backoff, max_backoff)
        self._controllers.append(
            _Spec(queue, lambda: queue.run(worker, workers=workers), resync, resync_keys)
        )
        return queue

    def batch_controller(
        self,
        name: str,
        worker: BatchWorker,
        *,
        debounce: float = 0.05,
        first_backoff: float = 0.1,
        max_backoff: float = 30.0,
        resync: float | None = None,
        resync_keys: Callable[[], Iterable[str]] = tuple,
    ) -> WorkQueue:
        """A queue whose due keys ``worker`` reconciles all at once, one call at a time."""
        queue = self._queue(name, first_backoff, max_backoff)
        self._controllers.append(
            _Spec(queue, lambda: queue.run_batches(worker, debounce=debounce), resync, resync_keys)
        )
        return queue

    def _queue(self, name: str, first_backoff: float, max_backoff: float) -> WorkQueue:
        observe = self._observe

        def observed(result: str, seconds: float) -> None:
            if observe is not None:
                observe(name, result, seconds)

        return WorkQueue(
            name, first_backoff=first_backoff, max_backoff=max_backoff, observe=observed
        )

    def finalizer(self, resource: Resource, handler: Finalizer, *, retry_delay: float) -> None:
        """Run ``handler`` when an object of ``resource`` is deleted, before kopf lets it go.

        kopf keeps its finalizer on the object until the handler returns; our errors (and API
        or network errors) become kopf's, retried after their delay or ``retry_delay``.
        """

        async def on_delete(name: str, body: kopf.Body, **_: Any) -> None:
            try:
                await handler(name, dict(body))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                raise to_kopf(exc, default_delay=retry_delay) from exc

        kopf.on.delete(
            resource.group,
            resource.version,
            resource.plural,
            id=f"finalize/{resource.key}",
            registry=self.registry,
        )(on_delete)

    def adopt(self, plugin: str, obj: OperatorPlugin) -> None:
        """Own the lifecycle of a plugin's per-operator object (``start``/``stop``)."""
        self._plugins.append((plugin, obj))

    def on_start(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` after the start-up list, before the queues drain (core controllers)."""
        self._on_start.append(callback)

    def on_stop(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Run ``callback`` on clean-up, after the queues stopped, before the client closes."""
        self._on_stop.append(callback)

    def on_watch_health(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` when a watch starts or stops failing past the threshold."""
        self._health_listeners.append(listener)

    # --- what controllers read ----------------------------------------------------------------

    @property
    def client(self) -> KubeClient:
        """The operator's shared API client (open between start-up and clean-up)."""
        if self._client is None:
            raise RuntimeError(
                "the API client opens when the operator starts; use it from start() or a "
                "reconcile, not while registering"
            )
        return self._client

    @property
    def management_client(self) -> KubeClient:
        """HyperShift: the management cluster's API client (open between start-up and clean-up).

        Reads and writes of the hosted control plane's ConfigMaps go through it; everything
        else goes through :attr:`client` (the hosted cluster).
        """
        if not self.topology.hypershift:
            raise RuntimeError(
                "there is no management cluster outside HyperShift mode (HYPERSHIFT=true); "
                "check context.topology.hypershift first"
            )
        if self._management_client is None:
            raise RuntimeError(
                "the management cluster's client opens when the operator starts; use it from "
                "start() or a reconcile, not while registering"
            )
        return self._management_client

    def failing_watches(self) -> list[str]:
        """Resources whose watch keeps failing, for the ClusterOperator's Degraded message."""
        return self.watch_health.failing()

    def plugin_messages(self) -> list[tuple[str, str]]:
        """``(plugin, message)`` from each plugin object's ``status_messages()``."""
        messages: list[tuple[str, str]] = []
        for name, obj in self._plugins:
            report = getattr(obj, "status_messages", None)
            if report is None:
                continue
            try:
                messages.extend((name, str(message)) for message in report())
            except Exception as exc:
                logger.exception("Plugin %r failed to report its status", name)
                messages.append((name, f"status_messages failed: {type(exc).__name__}: {exc}"))
        return messages

    def stores(self) -> list[Store]:
        hosted = [store for stores in self._stores.values() for store in stores]
        return hosted + [store for watch in self._management.values() for store in watch.stores]

    # --- lifecycle ------------------------------------------------------------------------------

    def install(self) -> None:
        """Register :meth:`start` and :meth:`stop` as kopf start-up and clean-up handlers."""

        @kopf.on.startup(id="controller-runtime", registry=self.registry)
        async def start_controllers(**_: Any) -> None:
            await self.start()

        @kopf.on.cleanup(id="controller-runtime", registry=self.registry)
        async def stop_controllers(**_: Any) -> None:
            await self.stop()

    async def start(self) -> None:
        """Open the client, list everything, start core controllers and plugins, then drain."""
        client = KubeClient(self._connect())
        await client.__aenter__()
        self._client = client
        if self.topology.hypershift:
            assert self._connect_management is not None
            management = KubeClient(self._connect_management())
            await management.__aenter__()
            self._management_client = management
        await until_it_works(self._prime, what="Listing the cluster")
        for watch in self._management.values():
            await watch.prime(self.management_client)
        for watch in self._management.values():
            key = watch.selection.health_key
            self._spawn(watch.run(self.management_client), f"nto-watch-{key}")
        for callback in self._on_start:
            await callback()
        for name, obj in self._plugins:
            start = getattr(obj, "start", None)
            if start is not None:
                await self._plugin_step(name, "start", start)
        for spec in self._controllers:
            self._spawn(spec.drain(), f"nto-{spec.queue.name}")
            if spec.resync:
                self._spawn(self._resync(spec), f"nto-{spec.queue.name}-resync")
        self.started = True

    async def stop(self) -> None:
        """Stop the queues, the plugins and the core controllers; close the client."""
        self.started = False
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for name, obj in reversed(self._plugins):
            stop = getattr(obj, "stop", None)
            if stop is not None:
                await self._plugin_step(name, "stop", stop)
        for callback in reversed(self._on_stop):
            await callback()
        if self._management_client is not None:
            await self._management_client.__aexit__(None, None, None)
            self._management_client = None
        if self._client is not None:
            await self._client.__aexit__(None, None, None)
            self._client = None

    async def _plugin_step(self, name: str, step: str, call: Callable[[], Any]) -> None:
        try:
            result = call()
            if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
                await result
        except Exception as exc:
            problem = f"plugin {name!r} failed to {step}: {type(exc).__name__}: {exc}"
            logger.error("%s", problem, exc_info=exc)
            if problem not in self.problems:
                self.problems.append(problem)

    def _spawn(self, work: Awaitable[None], name: str) -> None:
        async def run() -> None:
            await work

        task = asyncio.create_task(run(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resync(self, spec: _Spec) -> None:
        assert spec.resync is not None
        while True:
            await asyncio.sleep(spec.resync)
            spec.queue.add_all(spec.resync_keys())

    async def _prime(self) -> None:
        for resource, stores in self._stores.items():
            items = await self._list(resource, stores)
            for store in stores:
                store.fill(items)

    async def _list(self, resource: Resource, stores: list[Store]) -> list[JSONDict]:
        """Every object of ``resource`` (in the stores' namespace when they share one).

        A kind the server does not serve (OpenShift kinds on plain Kubernetes) lists as empty.
        """
        namespaces = {store.namespace for store in stores}
        namespace = namespaces.pop() if len(namespaces) == 1 else None
        try:
            return await self.client.list(resource.api_version, resource.plural, namespace)
        except NotFoundError:
            return []

    # --- watch health ---------------------------------------------------------------------------

    def _health_changed(self) -> None:
        for listener in self._health_listeners:
            listener()

    def relist(self, key: str) -> None:
        """kopf listed ``key`` (``plural.group``) again: prune what it no longer reports."""
        resource = next((r for r in self._stores if r.key == key), None)
        if resource is None or self._client is None or resource in self._relisting:
            return
        self._relisting.add(resource)
        self._spawn(self._relist(resource), f"nto-relist-{key}")

    async def _relist(self, resource: Resource) -> None:
        stores = self._stores[resource]
        try:
            items = await until_it_works(
                lambda: self._list(resource, stores), what=f"Listing {resource.key}"
            )
        finally:
            self._relisting.discard(resource)
        for store in stores:
            present = {name_of(item) for item in items if store.accepts(item)}
            gone = store.prune(present)
            if gone:
                logger.info("%s missed while watching: %s", resource.key, ", ".join(gone))


def _both(
    first: Callable[[Mapping[str, Any]], bool], second: Callable[[Mapping[str, Any]], bool]
) -> Callable[[Mapping[str, Any]], bool]:
    return lambda obj: first(obj) and second(obj)
