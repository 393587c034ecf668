"""The shared HTTPS webhook server (port 4343) that serves every plugin's webhook routes.

Plugins contribute :class:`~nto.plugins.types.WebhookRoute` objects (hook
``nto_webhook_routes``); this module turns them into POST endpoints with uniform, never-500
handling of bad requests: unknown path 404, wrong method 405, non-JSON content type 415, body
over the route's limit 413. Bodies are read to the end, never cut at what one read returns.
Neighbours: :mod:`nto.operator.https`, :mod:`nto.operator.runtime`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import StreamReader, web

from nto.plugins.types import WebhookRoute

logger = logging.getLogger(__name__)


class DuplicateRouteError(ValueError):
    """Two plugins asked for the same webhook path."""


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def read_body(stream: StreamReader, limit: int) -> bytes | None:
    """The whole body, or ``None`` as soon as it passes ``limit`` bytes.

    ``read(n)`` would return only what is buffered (over TLS a body arrives in ~16 KB records),
    so this reads until the end of the stream.
    """
    chunks: list[bytes] = []
    size = 0
    while chunk := await stream.readany():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _endpoint(route: WebhookRoute) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _error(415, f"content type {content_type!r} not supported; use application/json")
        if request.content_length is not None and request.content_length > route.max_body_bytes:
            return _error(413, f"request body over {route.max_body_bytes} bytes")
        body = await read_body(request.content, route.max_body_bytes)
        if body is None:
            return _error(413, f"request body over {route.max_body_bytes} bytes")
        try:
            status, payload = await route.handler(body, content_type)
        except Exception:
            logger.exception("Webhook %s failed", route.path)
            return _error(500, f"internal error in webhook {route.path}")
        return web.json_response(payload, status=status, dumps=json.dumps)

    return handle


def webhook_app(routes: Iterable[WebhookRoute]) -> web.Application:
    """An aiohttp application with one POST endpoint per route."""

    app = web.Application(client_max_size=64 * 1024 * 1024)
    seen: set[str] = set()
    for route in routes:
        if route.path in seen:
            raise DuplicateRouteError(f"webhook path {route.path!r} registered twice")
        seen.add(route.path)
        app.router.add_post(route.path, _endpoint(route))

    async def healthz(request: web.Request) -> web.Response:
        del request
        return web.Response(text="ok")

    app.router.add_get("/healthz", healthz)
    return app
