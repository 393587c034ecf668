"""The Pod watch, running only while some Tuned matches on pod labels (reference behaviour).

Pod-label matching is deprecated and costly: watching every Pod of a cluster is the largest
informer the operator can have. So the watch starts when the calculator reports a pod-label rule
and stops (clearing its cache) when the last one goes. A pod change marks its node only when the
node-wide set of (key, value) pairs changes, as the reference does.
Neighbours: :mod:`.controller` (calls :meth:`PodWatch.ensure`), :mod:`.cache`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from nto.controller.calculator import aggregate_pod_labels
from nto.kube.client import ApiError, KubeClient
from nto.reconciler.cache import ClusterCache
from nto_api.objects import metadata_of, resource_version_of

logger = logging.getLogger(__name__)


def _pod_key(pod: dict[str, Any]) -> tuple[str, str, dict[str, str]]:
    metadata = metadata_of(pod)
    node = str((pod.get("spec") or {}).get("nodeName") or "")
    key = f"{metadata.get('namespace', '')}/{metadata.get('name', '')}"
    labels = {str(k): str(v) for k, v in (metadata.get("labels") or {}).items()}
    return node, key, labels


class PodWatch:
    """Start/stop a Pod list+watch feeding ``cache.pod_labels``; ``on_node`` marks a node."""

    def __init__(
        self, client: KubeClient, cache: ClusterCache, on_node: Callable[[str], None]
    ) -> None:
        self.client = client
        self.cache = cache
        self.on_node = on_node
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def ensure(self, enabled: bool) -> None:
        """Run the watch iff ``enabled``."""
        if enabled and not self.running:
            logger.info("Pod label matching is in use: watching Pods")
            self._task = asyncio.create_task(self._run(), name="nto-pod-watch")
        elif not enabled and self._task is not None:
            logger.info("No Tuned matches on pod labels any more: stopping the Pod watch")
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            self.cache.pod_labels.clear()

    def _apply(self, pod: dict[str, Any], *, deleted: bool) -> None:
        node, key, labels = _pod_key(pod)
        if not node:
            return
        pods = self.cache.pod_labels.setdefault(node, {})
        before = aggregate_pod_labels(pods.values())
        if deleted:
            pods.pop(key, None)
        else:
            pods[key] = labels
        if aggregate_pod_labels(pods.values()) != before:
            self.on_node(node)

    async def _run(self) -> None:
        backoff = 0.5
        while True:
            try:
                version = await self._relist()
                async for event in self.client.watch("v1", "pods", resource_version=version):
                    kind = event.get("type")
                    if kind in {"ADDED", "MODIFIED", "DELETED"}:
                        self._apply(event.get("object") or {}, deleted=kind == "DELETED")
                backoff = 0.5
            except (ApiError, OSError, TimeoutError, ValueError) as exc:
                logger.warning("Pod watch interrupted (%s); relisting in %.1f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    async def _relist(self) -> str:
        page = await self.client.request("GET", "/api/v1/pods")
        self.cache.pod_labels.clear()
        for pod in page.get("items") or []:
            self._apply(pod, deleted=False)
        return resource_version_of(page)
