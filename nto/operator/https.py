"""One HTTPS listener that keeps trying until it serves and restarts when its TLS settings change.

Both the webhook server (port 4343) and the metrics server (port 60000) are instances; they only
differ in their aiohttp application and TLS files. :meth:`HTTPSServer.run` retries a failed start
(unreadable key pair, port in use, client CA not known yet) every ``poll_interval`` and says why
in the log, once per distinct reason; :attr:`HTTPSServer.serving` stays false until the listener
is up, so the webhook port's readiness probe fails until then. Once serving, a change of the key
pair, client CA or TLS security profile restarts the listener (never the process); a change that
does not build a valid context keeps the old one. Neighbours: :mod:`nto.operator.tls`,
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
        self._last_problem = ""

    @property
    def serving(self) -> bool:
        """True while the listener is up (readiness)."""
        return self._site is not None

    @property
    def bound_port(self) -> int:
        """The actual port (useful with port 0 in tests)."""
        if self._site is None or self._site._server is None:
            return self.port
        sockets = getattr(self._site._server, "sockets", None) or []
        return int(sockets[0].getsockname()[1]) if sockets else self.port

    async def start(self) -> None:
        """One attempt to listen; raise :class:`TLSMaterialError` or :class:`OSError` on failure.

        On success the TLS settings are watched from then on.
        """
        await self._attempt()
        if self.tls is not None and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(), name=f"{self.name}-tls-watch")

    def run(self) -> None:
        """Start in the background: retry every ``poll_interval`` until the listener is up."""
        if self._watcher is None:
            self._watcher = asyncio.create_task(self._keep_trying(), name=f"{self.name}-start")

    async def _attempt(self) -> None:
        context = self._context()  # first: a server waiting for its client CA binds no port
        if self._runner is None:
            self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
            await self._runner.setup()
        await self._listen(context)

    async def _keep_trying(self) -> None:
        while True:
            try:
                await self._attempt()
            except (TLSMaterialError, OSError) as exc:
                self._report(
                    f"{self.name} not serving on port {self.port}: {exc};"
                    f" retrying every {self.poll_interval:g}s"
                )
                await asyncio.sleep(self.poll_interval)
                continue
            break
        if self.tls is not None:
            await self._watch()

    def _report(self, problem: str) -> None:
        """Log a start failure once per distinct reason (a retry loop must not flood the log)."""
        if problem != self._last_problem:
            logger.error("%s", problem)
            self._last_problem = problem

    async def stop(self) -> None:
        """Stop listening (or trying to) and release the port."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = self._site = None

    def _context(self) -> ssl.SSLContext | None:
        if self.tls is None:
            return None
        fingerprint = self.tls.fingerprint()
        if fingerprint is None:
            raise TLSMaterialError(f"cannot read {str(self.tls.cert_file)!r}")
        context = self.tls.build_context()
        self._fingerprint = fingerprint
        return context

    async def _listen(self, context: ssl.SSLContext | None) -> None:
        assert self._runner is not None
        site = web.TCPSite(
            self._runner, self.host, self.port, ssl_context=context, reuse_address=True
        )
        try:
            await site.start()
        except OSError:
            await site.stop()
            raise
        self._site = site
        self._last_problem = ""
        scheme = "https" if context else "http"
        logger.info("%s listening on %s://%s:%d", self.name, scheme, self.host, self.bound_port)

    async def _watch(self) -> None:
        assert self.tls is not None
        while True:
            await asyncio.sleep(self.poll_interval)
            try:
                fingerprint = self.tls.fingerprint()
                if fingerprint is None or fingerprint == self._fingerprint:
                    continue
                context = self.tls.build_context()
            except (TLSMaterialError, OSError) as exc:
                self._report(f"{self.name}: keeping the current TLS settings: {exc}")
                continue
            logger.info("%s: TLS settings changed; restarting the listener", self.name)
            port = self.bound_port
            if self._site is not None:
                await self._site.stop()
                self._site = None
            self.port = port
            try:
                await self._listen(context)
            except OSError as exc:
                self._report(f"{self.name} not serving on port {self.port}: {exc}")
                self._fingerprint = None  # try again at the next poll
                continue
            self._fingerprint = fingerprint
