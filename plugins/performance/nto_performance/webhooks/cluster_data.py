"""Where the admission webhook gets the cluster facts validation needs.

:class:`ClusterDataProvider` is the seam: the webhook asks it for the nodes a nodeSelector
selects and for every PerformanceProfile. :class:`KubeClusterDataProvider` asks the API server
through :class:`nto.kube.client.KubeClient` (one client, opened on first use); tests pass a fake.
:func:`fetch_cluster_data` runs both lookups concurrently under a deadline and turns failures into
the ``*_error`` texts of :class:`~nto_performance.validation.ClusterData`, so a slow or broken API
server gives a clear denial rather than a webhook timeout. Neighbours: :mod:`.admission`,
:mod:`nto_performance.validation.cluster`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from nto_api.names import PERFORMANCE_PLURAL, PERFORMANCE_V2
from nto_performance.validation import ClusterData, cluster_data

if TYPE_CHECKING:
    from nto.plugins import Connection, KubeClient

__all__ = [
    "ClusterDataProvider",
    "KubeClusterDataProvider",
    "fetch_cluster_data",
    "label_selector",
]

DEFAULT_TIMEOUT = 8.0
"""Seconds the lookups may take; below the webhook's ``timeoutSeconds`` of 10."""


class ClusterDataProvider(Protocol):
    """Lists the cluster objects validation looks at, as wire dicts."""

    async def nodes(self, node_selector: Mapping[str, str]) -> list[dict[str, Any]]:
        """The Nodes whose labels match ``node_selector`` (all nodes when it is empty)."""
        ...

    async def profiles(self) -> list[dict[str, Any]]:
        """Every PerformanceProfile, in v2."""
        ...


def label_selector(node_selector: Mapping[str, str]) -> str:
    """The ``labelSelector`` query text of an equality map: ``a=1,b=``."""
    return ",".join(f"{key}={value}" for key, value in node_selector.items())


class KubeClusterDataProvider:
    """The provider the operator uses: lists through the API server with one long-lived client."""

    def __init__(self, connect: Callable[[], Connection] | None = None) -> None:
        self._connect = connect
        self._client: KubeClient | None = None
        self._lock = asyncio.Lock()

    async def _open(self) -> KubeClient:
        async with self._lock:
            if self._client is None:
                from nto.plugins import KubeClient, load_connection

                client = KubeClient((self._connect or load_connection)(), timeout=DEFAULT_TIMEOUT)
                self._client = await client.__aenter__()
            return self._client

    async def client(self) -> KubeClient:
        """The shared client, opened on first use (the preview's cached view reads with it)."""
        return await self._open()

    async def nodes(self, node_selector: Mapping[str, str]) -> list[dict[str, Any]]:
        client = await self._open()
        selector = label_selector(node_selector) or None
        return await client.list("v1", "nodes", label_selector=selector)

    async def profiles(self) -> list[dict[str, Any]]:
        client = await self._open()
        return await client.list(PERFORMANCE_V2, PERFORMANCE_PLURAL)

    async def close(self) -> None:
        """Close the client, if it was opened."""
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.__aexit__(None, None, None)


def _describe(outcome: BaseException) -> str:
    if isinstance(outcome, TimeoutError):
        return "the API server did not answer in time"
    return str(outcome) or type(outcome).__name__


async def fetch_cluster_data(
    provider: ClusterDataProvider | None,
    node_selector: Mapping[str, str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> ClusterData:
    """Nodes and profiles from ``provider``; no provider means no cluster facts, as in the
    reference when it has no client."""
    if provider is None:
        return ClusterData()

    async def bounded(coro: Awaitable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
        async with asyncio.timeout(timeout):
            return await coro

    outcomes = await asyncio.gather(
        bounded(provider.nodes(node_selector)),
        bounded(provider.profiles()),
        return_exceptions=True,
    )
    nodes: list[dict[str, Any]] | BaseException = outcomes[0]
    profiles: list[dict[str, Any]] | BaseException = outcomes[1]
    return cluster_data(
        nodes=nodes if isinstance(nodes, list) else (),
        profiles=profiles if isinstance(profiles, list) else (),
        nodes_error=_describe(nodes) if isinstance(nodes, BaseException) else None,
        profiles_error=_describe(profiles) if isinstance(profiles, BaseException) else None,
    )
