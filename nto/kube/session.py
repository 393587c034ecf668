"""The aiohttp session every API caller shares the setup of: TLS, credentials, observation.

:func:`open_session` builds the session for :class:`~nto.kube.client.KubeClient` and, through
the operator's kopf login handler, for kopf's own watches and patches. A middleware puts the
bearer token on each request from a :class:`TokenSource`, which re-reads a token file at most a
minute after the last read (as client-go does: projected service-account tokens are rotated by
the kubelet and expire) and at once after a 401. The same middleware reports every answer (or
connection failure) to an optional :data:`RequestObserver`, which is how the operator learns that
a watch keeps failing. Neighbours: :mod:`nto.kube.config`, :mod:`nto.kube.client`,
:mod:`nto.operator.watch_health`.
"""

from __future__ import annotations

import logging
import os
import ssl
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp
from yarl import URL

from nto.kube.config import Connection

logger = logging.getLogger(__name__)

TOKEN_FILE_MAX_AGE = 60.0
"""Seconds before a token file is read again (client-go's cached file token source: 1 minute)."""

WATCH_LINE_BUFFER = 16 * 1024 * 1024
"""Watch events are single JSON lines; a Profile carries every Tuned's profiles and can be
megabytes, beyond aiohttp's default 64 KiB line buffer."""

RequestObserver = Callable[[str, URL, "int | None", "BaseException | None"], None]
"""Called with (method, url, status, error) once per request: a status, or the error raised."""


class TokenSource:
    """The bearer token: fixed, or read from ``path`` and re-read once it is ``max_age`` old."""

    def __init__(
        self,
        token: str | None,
        path: str | None = None,
        *,
        max_age: float = TOKEN_FILE_MAX_AGE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token = token
        self.path = path
        self._max_age = max_age
        self._clock = clock
        self._read_at: float | None = None

    def current(self) -> str | None:
        """The token to send now; reads the file when it is due."""
        if self.path and (self._read_at is None or self._clock() - self._read_at >= self._max_age):
            self._read()
        return self._token

    def expire(self) -> bool:
        """Read the file again now (after a 401); True when the token changed."""
        if not self.path:
            return False
        before = self._token
        self._read()
        return self._token != before

    def _read(self) -> None:
        assert self.path is not None
        self._read_at = self._clock()
        try:
            token = Path(self.path).read_text().strip()
        except OSError as exc:
            logger.warning(
                "Cannot read the API token file %r (%s); keeping the previous token",
                self.path,
                exc.strerror,
            )
            return
        if token:
            self._token = token


def ssl_context(
    connection: Connection,
    spill: Callable[[bytes | None], str | None],
) -> ssl.SSLContext | bool:
    """The TLS setup for ``connection``; ``spill`` writes inline key material to a file."""
    if not connection.server.startswith("https") or connection.insecure:
        return False
    context = ssl.create_default_context(
        cafile=connection.ca_path,
        cadata=connection.ca_data.decode() if connection.ca_data else None,
    )
    cert = connection.certificate_path or spill(connection.certificate_data)
    key = connection.private_key_path or spill(connection.private_key_data)
    if cert:
        context.load_cert_chain(cert, key)
    return context


class SessionFiles:
    """Temporary files holding inline client certificates (``ssl`` loads them from files only)."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def spill(self, data: bytes | None) -> str | None:
        if not data:
            return None
        handle, path = tempfile.mkstemp(prefix="nto-kube-", suffix=".pem")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        self.paths.append(path)
        return path

    def remove(self) -> None:
        for path in self.paths:
            os.unlink(path)
        self.paths.clear()


def open_session(
    connection: Connection,
    *,
    tokens: TokenSource,
    files: SessionFiles,
    base_url: str | None = None,
    observer: RequestObserver | None = None,
    timeout: aiohttp.ClientTimeout | None = None,
    limit: int = 32,
) -> aiohttp.ClientSession:
    """A session authenticating as ``connection`` with the token from ``tokens``.

    ``limit`` caps concurrent connections (0: none, for kopf, which holds one per watch).
    """

    async def middleware(
        request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        token = tokens.current()
        if token and not (connection.username and connection.password):
            request.headers["Authorization"] = f"Bearer {token}"
        try:
            response = await handler(request)
        except BaseException as exc:
            if observer is not None:
                observer(request.method, request.url, None, exc)
            raise
        if observer is not None:
            observer(request.method, request.url, response.status, None)
        if response.status == 401:
            tokens.expire()
        return response

    headers = {"Accept": "application/json"}
    if connection.username and connection.password:
        headers["Authorization"] = aiohttp.encode_basic_auth(
            connection.username, connection.password
        )
    return aiohttp.ClientSession(
        base_url=base_url,
        headers=headers,
        connector=aiohttp.TCPConnector(ssl=ssl_context(connection, files.spill), limit=limit),
        timeout=timeout or aiohttp.ClientTimeout(total=None),
        read_bufsize=WATCH_LINE_BUFFER,
        middlewares=(middleware,),
    )
