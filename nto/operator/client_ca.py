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


class _KnownCA:
    """A client CA bundle (PEM bytes, ``None`` for no client auth) once it is known, read from
    `source`; the last known value is kept while the source cannot be read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pem: bytes | None = None
        self.known = False
        self.problem = "not read yet"

    def get(self) -> bytes | None:
        """The CA; raises :class:`TLSMaterialPending` while it is not known."""
        if not self.known:
            raise TLSMaterialPending(
                f"waiting for the metrics client CA ({self.problem}): /metrics is not served"
                f" until {self.source} can be read"
            )
        return self.pem

    def _keep(self, problem: str) -> None:
        if self.known:
            logger.warning("%s; keeping the current metrics client CA", problem)
        elif problem != self.problem:
            logger.warning("%s; the metrics server waits for it", problem)
        self.problem = problem

    def _set(self, new: bytes | None, *, empty: str) -> None:
        """Take `new` (``None``: no client auth, with the warning `empty`)."""
        if new != self.pem or not self.known:
            if new:
                logger.info("Metrics client CA loaded from %s", self.source)
            else:
                logger.warning("%s: metrics are served without client auth", empty)
        self.pem = new
        self.known = True


class ClientCA(_KnownCA):
    """The metrics client CA from ConfigMap ``kube-system/extension-apiserver-authentication``."""

    def __init__(self) -> None:
        super().__init__(f"ConfigMap {NAMESPACE}/{NAME} key {KEY!r}")

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
        self._set(new, empty=f"ConfigMap {NAMESPACE}/{NAME} has no {KEY!r}")

    async def keep_fresh(self, client: KubeClient, interval: float = 30.0) -> None:
        while True:
            await asyncio.sleep(interval if self.known else min(interval, WAITING_INTERVAL))
            await self.refresh(client)


class FileClientCA(_KnownCA):
    """HyperShift's metrics client CA: a PEM file (``/tmp/metrics-client-ca/ca.crt``), re-read.

    Same contract as :class:`ClientCA`: until the file has been read once :meth:`get` raises
    :class:`TLSMaterialPending` (the metrics server waits rather than serve without client
    auth); an empty file means no client auth, as in the reference; a file that later
    disappears or cannot be read keeps the last known CA. :meth:`keep_fresh` re-reads it every
    few seconds, and the metrics server's listener restarts when the CA changed.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(repr(str(path)))
        self.path = path

    def refresh(self) -> None:
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            self._keep(f"cannot read the metrics client CA {self.source}: {exc.strerror}")
            return
        self._set(raw if raw.strip() else None, empty=f"{self.path} is empty")

    async def keep_fresh(self, interval: float = 5.0) -> None:
        while True:
            await asyncio.sleep(interval)
            self.refresh()
