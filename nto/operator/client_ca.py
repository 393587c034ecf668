"""The CA that signs metrics scrapers' client certificates, read from the cluster.

Like the reference, the CA bundle comes from ConfigMap
``kube-system/extension-apiserver-authentication`` key ``client-ca-file``, and the metrics server
**waits** for it: until the ConfigMap has been read once, :meth:`ClientCA.get` raises
:class:`~nto.operator.tls.TLSMaterialPending`, so the server does not start (and never serves
``/metrics`` without client authentication because the API failed or the ConfigMap is missing).
While waiting it is read every few seconds, then every ``interval``; the metrics server's
listener restarts when it changes. A later failed read or a deleted ConfigMap keeps the last
known CA. A ConfigMap without the key (or with an empty one) means no client auth, as in the
reference. Neighbours: :mod:`nto.operator.metrics_server`, :mod:`nto.operator.runtime`.
"""

from __future__ import annotations

import asyncio
import logging

from nto.kube.client import ApiError, KubeClient
from nto.operator.tls import TLSMaterialPending

logger = logging.getLogger(__name__)

NAMESPACE = "kube-system"
NAME = "extension-apiserver-authentication"
KEY = "client-ca-file"
WAITING_INTERVAL = 5.0


class ClientCA:
    """Holds the client CA bundle (PEM bytes, ``None`` for no client auth) once it is known."""

    def __init__(self) -> None:
        self.pem: bytes | None = None
        self.known = False
        self.problem = "not read yet"

    def get(self) -> bytes | None:
        """The CA; raises :class:`TLSMaterialPending` while it is not known."""
        if not self.known:
            raise TLSMaterialPending(
                f"waiting for the metrics client CA ({self.problem}): /metrics is not served"
                f" until ConfigMap {NAMESPACE}/{NAME} key {KEY!r} can be read"
            )
        return self.pem

    async def refresh(self, client: KubeClient) -> None:
        """Fetch the ConfigMap; keep the previous value when the API fails or it is gone."""
        try:
            config_map = await client.get("v1", "configmaps", NAME, NAMESPACE)
        except (ApiError, OSError, TimeoutError) as exc:
            self._keep(f"cannot read ConfigMap {NAMESPACE}/{NAME}: {exc}")
            return
        if config_map is None:
            self._keep(f"ConfigMap {NAMESPACE}/{NAME} does not exist")
            return
        data = config_map.get("data") or {}
        pem = data.get(KEY)
        new = pem.encode() if isinstance(pem, str) and pem.strip() else None
        if new != self.pem or not self.known:
            if new:
                logger.info("Metrics client CA loaded from %s/%s", NAMESPACE, NAME)
            else:
                logger.warning(
                    "ConfigMap %s/%s has no %r: metrics are served without client auth",
                    NAMESPACE,
                    NAME,
                    KEY,
                )
        self.pem = new
        self.known = True

    def _keep(self, problem: str) -> None:
        if self.known:
            logger.warning("%s; keeping the current metrics client CA", problem)
        elif problem != self.problem:
            logger.warning("%s; the metrics server waits for it", problem)
        self.problem = problem

    async def keep_fresh(self, client: KubeClient, interval: float = 30.0) -> None:
        while True:
            await asyncio.sleep(interval if self.known else min(interval, WAITING_INTERVAL))
            await self.refresh(client)
