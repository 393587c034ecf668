"""kopf's HTTP session: ours (:mod:`nto.kube.session`) behind a guard on object names in URLs.

kopf builds object URLs by joining the name in unencoded, and aiohttp then normalizes the path:
for a PerformanceProfile named ``../../etc`` kopf's finalizer PATCH went to
``/apis/performance.openshift.io/etc``, and a longer name can reach any other resource. The
guard looks at the URL as kopf built it, before aiohttp sees it: a ``.`` or ``..`` path segment
is never sent. kopf is told "404 Not Found" instead, which is what a real API server answers for
such a name (it refuses to create one), so kopf skips the patch as for an object that is gone.

Watch streams are filtered too: kopf stops the whole operator on an ``ERROR`` event other than
410 Gone (the API server sends one mid-stream, e.g. "etcdserver: leader changed"), where
client-go's reflector just lists and watches again. Such an event reaches kopf as 410, which
makes kopf re-list, after a backoff that grows while a resource's watches keep ending that way.
Neighbours: :mod:`nto.operator.runtime` (the login handler), :mod:`nto.kube.client` (the same
rule for our own client).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import kopf
from kopf._cogs.clients import errors as kopf_errors  # the 404 kopf knows how to handle

logger = logging.getLogger(__name__)

DOT_SEGMENTS = frozenset({".", ".."})


class GuardedSession:
    """Wraps an :class:`aiohttp.ClientSession`; see the module docstring."""

    def __init__(self, session: aiohttp.ClientSession, *, backoff: Iterable[float]) -> None:
        self._session = session
        self._backoff = backoff
        self._restarts: dict[str, Iterator[float]] = {}

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        parts = urlsplit(str(url))
        if DOT_SEGMENTS.intersection(parts.path.split("/")):
            return _refuse(method, parts.path)
        if method.upper() == "GET" and parse_qs(parts.query).get("watch") == ["true"]:
            return self._watch(method, url, parts.path, **kwargs)
        return self._session.request(method, url, **kwargs)

    async def _watch(self, method: str, url: Any, path: str, **kwargs: Any) -> Any:
        response = await self._session.request(method, url, **kwargs)
        if response.status == 200:
            response.content = _RestartOnErrorEvents(
                response.content, path, self._restarts, self._backoff
            )  # type: ignore[assignment]
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class _RestartOnErrorEvents:
    """A watch body in which an ``ERROR`` event other than 410 reads as 410 Gone."""

    def __init__(
        self,
        inner: aiohttp.StreamReader,
        path: str,
        restarts: dict[str, Iterator[float]],
        backoff: Iterable[float],
    ) -> None:
        self._inner = inner
        self._path = path
        self._restarts = restarts
        self._backoff = backoff

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        buffer = b""
        async for chunk in self._inner.iter_chunked(n):
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                yield await self._line(line) + b"\n"
        if buffer:
            yield await self._line(buffer)

    async def _line(self, line: bytes) -> bytes:
        if b'"ERROR"' not in line:
            if line.strip():
                self._restarts.pop(self._path, None)  # the stream works: start backoff over
            return line
        try:
            event = json.loads(line)
        except ValueError:
            return line
        status = event.get("object") if isinstance(event, dict) else None
        if (
            event.get("type") != "ERROR"
            or not isinstance(status, dict)
            or status.get("code") == 410
        ):
            return line
        delays = self._restarts.setdefault(self._path, iter(self._backoff))
        delay = next(delays)
        logger.warning(
            "Watch %s ended with error %s %s: %s; listing again in %.1f s",
            self._path,
            status.get("code"),
            status.get("reason") or "",
            status.get("message") or "",
            delay,
        )
        await asyncio.sleep(delay)
        gone = {
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "code": 410,
            "reason": "Expired",
            "message": f"re-list after watch error {status.get('code')}: {status.get('message')}",
        }
        return json.dumps({"type": "ERROR", "object": gone}).encode()


async def _refuse(method: str, path: str) -> aiohttp.ClientResponse:
    logger.warning(
        "Not sending %s %s: an object name there is '.' or '..' or holds '/', which no API "
        "server accepts; treating the object as not found",
        method,
        path,
    )
    raise kopf_errors.APINotFoundError(
        f"no object can be addressed as {path!r}", status=404, headers={}
    )


def kopf_credentials(
    session: aiohttp.ClientSession,
    *,
    server: str,
    namespace: str | None,
    backoff: Iterable[float],
) -> kopf.AiohttpSession:
    """``session`` (guarded) as kopf's credentials for ``server``."""
    guarded: Any = GuardedSession(session, backoff=backoff)
    return kopf.AiohttpSession(
        aiohttp_session=guarded, server=server.rstrip("/"), default_namespace=namespace
    )
