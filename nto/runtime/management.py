"""The management cluster's list and watch: HyperShift's second cluster, fed into the same stores.

kopf logs into one cluster (the hosted one), so the management cluster's resources (ConfigMaps
in the hosted control plane's namespace, :mod:`.topology`) are watched here, the way client-go's
reflector does it, and land in the same :class:`~.store.Store` objects, subscribers and work
queues as kopf's events:

- the **start-up list** fills the stores (no events) and remembers the list's resourceVersion;
- the **watch** resumes from the last resourceVersion seen, with bookmarks, so a reconnect
  misses nothing; each stream asks for a server timeout of 5-10 min (jittered, so many watches
  do not reconnect together);
- **410 Gone** (the resourceVersion is too old; as a status or as an ``ERROR`` event) and any
  failed watch re-list: changed objects reach the subscribers as MODIFIED, vanished ones as
  DELETED, unchanged ones not at all;
- **failures** (5xx, 429, 403, network errors, broken streams) are retried forever with
  jittered exponential backoff, and reported to the runtime's
  :class:`~.watch_health.WatchHealth` under ``<plural> (management cluster)``, so a long
  brownout degrades the ClusterOperator like a failing kopf watch and clears when it ends;
- **stop** is a task cancel: the stream closes, nothing is left behind.

Neighbours: :mod:`.controllers` (owns one per watched selection and the management client),
:mod:`.watch_health`, :mod:`nto.kube.client` (the requests).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from nto.kube.client import ApiError, KubeClient, resource_path
from nto.runtime.store import Resource, Store
from nto.runtime.watch_health import WatchHealth
from nto_api.objects import JSONDict, metadata_of, name_of, resource_version_of

__all__ = ["ManagementWatch", "Selection"]

logger = logging.getLogger(__name__)

FAILURES = (ApiError, aiohttp.ClientError, OSError, TimeoutError, ValueError)
"""What a list or watch may raise that is retried (ValueError: a line that is not JSON)."""

MIN_WATCH_SECONDS = 300
"""Like client-go: each watch asks the server to end it after 5-10 minutes."""


@dataclass(frozen=True)
class Selection:
    """What one management watch serves: a resource in a namespace, maybe by label selector."""

    resource: Resource
    namespace: str
    label_selector: str | None = None

    @property
    def health_key(self) -> str:
        """How :class:`WatchHealth` (and so the ClusterOperator message) names this watch."""
        selector = f" {self.label_selector}" if self.label_selector else ""
        return f"{self.resource.key}{selector} (management cluster)"


class ManagementWatch:
    """List and watch one :class:`Selection` through ``client``, feeding ``stores``."""

    def __init__(
        self,
        selection: Selection,
        stores: Sequence[Store],
        *,
        health: WatchHealth,
        first_backoff: float = 0.2,
        max_backoff: float = 30.0,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.selection = selection
        self.stores = stores
        self.health = health
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self._jitter = jitter
        self.resource_version = ""
        self.relists = 0
        """How many times the watch listed again after the start-up list (tests wait on it)."""
        self.watches = 0
        """How many watch streams were opened."""

    # --- listing --------------------------------------------------------------------------------

    async def list(self, client: KubeClient) -> list[JSONDict]:
        """Every object of the selection; remembers the list's resourceVersion."""
        selection = self.selection
        path = resource_path(
            selection.resource.api_version, selection.resource.plural, namespace=selection.namespace
        )
        params: dict[str, str] = {}
        if selection.label_selector:
            params["labelSelector"] = selection.label_selector
        items: list[JSONDict] = []
        try:
            while True:
                page = await client.request("GET", path, params=params)
                items.extend(item for item in page.get("items") or [] if isinstance(item, dict))
                metadata = metadata_of(page)
                token = metadata.get("continue")
                if not token:
                    break
                params["continue"] = str(token)
        except FAILURES as exc:
            self.health.failed(selection.health_key, _describe(exc))
            raise
        self.health.succeeded(selection.health_key)
        self.resource_version = str(metadata.get("resourceVersion") or "")
        return items

    async def prime(self, client: KubeClient) -> None:
        """The start-up list, until it works: fill the stores without events (then synced)."""
        delays = self._delays()
        while True:
            try:
                items = await self.list(client)
                break
            except FAILURES as exc:
                await self._back_off(exc, next(delays))
        for store in self.stores:
            store.fill(items)

    async def relist(self, client: KubeClient) -> None:
        """List again; subscribers hear what changed and what vanished since the last view."""
        items = await self.list(client)
        self.relists += 1
        for store in self.stores:
            present: set[str] = set()
            for item in items:
                if not store.accepts(item):
                    continue
                name = name_of(item)
                present.add(name)
                old = store.get(name)
                if old is None:
                    store.apply("ADDED", item)
                elif resource_version_of(old) != resource_version_of(item):
                    store.apply("MODIFIED", item)
            gone = store.prune(present)
            if gone:
                logger.info(
                    "%s missed while watching: %s", self.selection.health_key, ", ".join(gone)
                )

    # --- watching -------------------------------------------------------------------------------

    async def run(self, client: KubeClient) -> None:
        """Watch forever (until cancelled), re-listing and backing off as the docstring says."""
        delays = self._delays()
        need_list = not self.resource_version
        while True:
            if need_list:
                try:
                    await self.relist(client)
                except FAILURES as exc:  # a list failing (even 410 on a page) waits its turn
                    await self._back_off(exc, next(delays))
                    continue
                need_list = False
            try:
                delivered = await self._watch_once(client)  # the management cluster's
            except ApiError as exc:
                need_list = True
                if exc.status == 410:  # too old a resourceVersion: list again at once
                    logger.info("%s: %s; listing again", self.selection.health_key, exc)
                    self.resource_version = ""
                    continue
                await self._back_off(exc, next(delays))
                continue
            except FAILURES as exc:
                need_list = True
                await self._back_off(exc, next(delays))
                continue
            if delivered:
                delays = self._delays()
            else:  # the stream ended at once with nothing: do not spin on a flapping server
                await asyncio.sleep(next(delays))

    async def _watch_once(self, management_client: KubeClient) -> bool:
        """One watch stream from the current resourceVersion; True if it delivered anything."""
        selection = self.selection
        timeout = int(MIN_WATCH_SECONDS * (1 + self._jitter()))
        self.watches += 1
        delivered = False
        try:
            stream = management_client.watch(
                selection.resource.api_version,
                selection.resource.plural,
                selection.namespace,
                resource_version=self.resource_version,
                label_selector=selection.label_selector,
                timeout_seconds=timeout,
            )
            async for event in stream:
                if not delivered:
                    self.health.succeeded(selection.health_key)
                delivered = True
                self._apply(event)
        except ApiError as exc:
            if exc.status != 410:
                self.health.failed(selection.health_key, _describe(exc))
            raise
        except FAILURES as exc:
            self.health.failed(selection.health_key, _describe(exc))
            raise
        return delivered

    def _apply(self, event: Mapping[str, Any]) -> None:
        kind = event.get("type")
        obj = event.get("object")
        if not isinstance(obj, dict):
            return
        version = resource_version_of(obj)
        if version:
            self.resource_version = version
        if kind not in ("ADDED", "MODIFIED", "DELETED"):
            return  # BOOKMARK: only the resourceVersion moves
        for store in self.stores:
            store.apply(str(kind), obj)

    async def _back_off(self, exc: BaseException, pause: float) -> None:
        logger.warning(
            "Watching %s failed (%s); listing again in %.1f s",
            self.selection.health_key,
            _describe(exc),
            pause,
        )
        await asyncio.sleep(pause)

    def _delays(self) -> Iterator[float]:
        """Pauses between failed attempts: from the first backoff, doubling up to the longest,
        each jittered to 50-100 % so that many watches do not retry in step."""
        delay = self.first_backoff
        while True:
            yield delay * (0.5 + self._jitter() / 2)
            delay = min(delay * 2, self.max_backoff)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        return f"HTTP {exc.status}"
    return f"{type(exc).__name__}: {exc}"
