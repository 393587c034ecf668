"""One HTTPS listener that restarts itself when its TLS material changes.

Both the webhook server (port 4343) and the metrics server (port 60000) are instances; they only
differ in their aiohttp application and TLS files. Neighbours: :mod:`nto.operator.tls`,
:mod:`nto.operator.webhook_server`, :mod:`nto.operator.metrics_server`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl

from aiohttp import web

from nto.operator.tls import TLSFiles, TLSMaterialError

logger = logging.getLogger(__name__)


class HTTPSServer:
    """Serve ``app`` on ``host:port`` with ``tls``; poll the files and restart on change.

    With ``tls=None`` it serves plain HTTP (development only; the operator enables that only on
    an explicit flag).
    """

    def __init__(
        self,
        app: web.Application,
        *,
        name: str,
        host: str,
        port: int,
        tls: TLSFiles | None,
        poll_interval: float = 5.0,
    ) -> None:
        self.app = app
        self.name = name
        self.host = host
        self.port = port
        self.tls = tls
        self.poll_interval = poll_interval
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._fingerprint: str | None = None
        self._watcher: asyncio.Task[None] | None = None

    @property
    def bound_port(self) -> int:
        """The actual port (useful with port 0 in tests)."""
        if self._site is None or self._site._server is None:
            return self.port
        sockets = getattr(self._site._server, "sockets", None) or []
        return int(sockets[0].getsockname()[1]) if sockets else self.port

    async def start(self) -> None:
        """Start listening; raise :class:`TLSMaterialError` when TLS files are unusable."""
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        context = self._context()
        await self._listen(context)
        if self.tls is not None:
            self._watcher = asyncio.create_task(self._watch(), name=f"{self.name}-tls-watch")

    async def stop(self) -> None:
        """Stop listening and release the port."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = self._site = None

    def _context(self) -> ssl.SSLContext | None:
        if self.tls is None:
            return None
        self._fingerprint = self.tls.fingerprint()
        if self._fingerprint is None:
            raise TLSMaterialError(f"{self.name}: cannot read {str(self.tls.cert_file)!r}")
        return self.tls.build_context()

    async def _listen(self, context: ssl.SSLContext | None) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(
            self._runner, self.host, self.port, ssl_context=context, reuse_address=True
        )
        await self._site.start()
        scheme = "https" if context else "http"
        logger.info("%s listening on %s://%s:%d", self.name, scheme, self.host, self.bound_port)

    async def _watch(self) -> None:
        assert self.tls is not None
        while True:
            await asyncio.sleep(self.poll_interval)
            fingerprint = self.tls.fingerprint()
            if fingerprint is None or fingerprint == self._fingerprint:
                continue
            try:
                context = self.tls.build_context()
            except TLSMaterialError as exc:
                logger.error("%s: keeping the old certificate: %s", self.name, exc)
                continue
            logger.info("%s: TLS material changed; restarting the listener", self.name)
            port = self.bound_port
            if self._site is not None:
                await self._site.stop()
            self.port = port
            self._fingerprint = fingerprint
            await self._listen(context)
