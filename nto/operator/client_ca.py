"""The CA that signs metrics scrapers' client certificates, read from the cluster.

Like the reference, the CA bundle comes from ConfigMap
``kube-system/extension-apiserver-authentication`` key ``client-ca-file``. It is fetched once
before the metrics server starts (so the server never starts open when a CA exists) and then
refreshed periodically; the metrics server's listener restarts when it changes. No ConfigMap
(plain Kubernetes) means no client authentication, as in the reference.
Neighbours: :mod:`nto.operator.metrics_server`, :mod:`nto.operator.runtime`.
"""

from __future__ import annotations

import asyncio
import logging

from nto.kube.client import ApiError, KubeClient

logger = logging.getLogger(__name__)

NAMESPACE = "kube-system"
NAME = "extension-apiserver-authentication"
KEY = "client-ca-file"


class ClientCA:
    """Holds the current client CA bundle (PEM bytes) or ``None``."""

    def __init__(self) -> None:
        self.pem: bytes | None = None

    def get(self) -> bytes | None:
        return self.pem

    async def refresh(self, client: KubeClient) -> None:
        """Fetch the ConfigMap; keep the previous value when the API fails."""
        try:
            config_map = await client.get("v1", "configmaps", NAME, NAMESPACE)
        except (ApiError, OSError, TimeoutError) as exc:
            logger.warning("Cannot read %s/%s: %s", NAMESPACE, NAME, exc)
            return
        data = (config_map or {}).get("data") or {}
        pem = data.get(KEY)
        new = pem.encode() if isinstance(pem, str) and pem.strip() else None
        if new != self.pem:
            logger.info("Metrics client CA %s", "loaded" if new else "absent: no client auth")
        self.pem = new

    async def keep_fresh(self, client: KubeClient, interval: float = 30.0) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.refresh(client)
