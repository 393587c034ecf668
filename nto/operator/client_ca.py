"""The CA that signs metrics scrapers' client certificates, read from the cluster.

Like the reference, the CA bundle comes from ConfigMap
``kube-system/extension-apiserver-authentication`` key ``client-ca-file``, and the metrics server
**waits** for it: until the ConfigMap has been read once, :meth:`ClientCA.get` raises
:class:`~nto.operator.tls.TLSMaterialPending`, so the server does not start (and never serves
``/metrics`` without client authentication because the API failed or the ConfigMap is missing).
While waiting it is read every few seconds, then every ``interval``; the metrics server's
listener restarts when it changes. A later failed read or a deleted ConfigMap keeps the last
known CA. A ConfigMap without the key (or with an empty one) means no client auth, as in the
reference. With HyperShift the CA is a file instead (:class:`FileClientCA`).
Neighbours: :mod:`nto.operator.metrics_server`, :mod:`nto.operator.runtime`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

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


class FileClientCA:
    """HyperShift's metrics client CA: a PEM file (``/tmp/metrics-client-ca/ca.crt``), re-read.

    Same contract as :class:`ClientCA`: until the file has been read once :meth:`get` raises
    :class:`TLSMaterialPending` (the metrics server waits rather than serve without client
    auth); an empty file means no client auth, as in the reference; a file that later
    disappears or cannot be read keeps the last known CA. :meth:`keep_fresh` re-reads it every
    few seconds, and the metrics server's listener restarts when the CA changed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pem: bytes | None = None
        self.known = False
        self.problem = "not read yet"

    def get(self) -> bytes | None:
        if not self.known:
            raise TLSMaterialPending(
                f"waiting for the metrics client CA ({self.problem}): /metrics is not served"
                f" until {str(self.path)!r} can be read"
            )
        return self.pem

    def refresh(self) -> None:
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            problem = f"cannot read the metrics client CA {str(self.path)!r}: {exc.strerror}"
            if self.known:
                logger.warning("%s; keeping the current metrics client CA", problem)
            elif problem != self.problem:
                logger.warning("%s; the metrics server waits for it", problem)
            self.problem = problem
            return
        new = raw if raw.strip() else None
        if new != self.pem or not self.known:
            if new:
                logger.info("Metrics client CA loaded from %s", self.path)
            else:
                logger.warning("%s is empty: metrics are served without client auth", self.path)
        self.pem = new
        self.known = True

    async def keep_fresh(self, interval: float = 5.0) -> None:
        while True:
            await asyncio.sleep(interval)
            self.refresh()
