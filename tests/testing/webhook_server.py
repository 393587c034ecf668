"""A tiny HTTPS webhook server for the admission and conversion tests (trustme certificates)."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Callable
from typing import Any

from aiohttp import web

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class WebhookServer:
    """Serves ``handlers[path](review) -> response`` over HTTPS on 127.0.0.1 in a thread."""

    def __init__(self, handlers: dict[str, Handler]) -> None:
        import trustme

        self.handlers = handlers
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "hook.default.svc")
        self.ssl = __import__("ssl").create_default_context(__import__("ssl").Purpose.CLIENT_AUTH)
        cert.configure_cert(self.ssl)
        self.ca_bundle = base64.b64encode(self.ca.cert_pem.bytes()).decode()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _handle(self, request: web.BaseRequest) -> web.Response:
        review = json.loads(await request.read())
        self.calls.append((request.path, review))
        return web.json_response(self.handlers[request.path](review))

    async def _start(self) -> None:
        self._runner = web.ServerRunner(web.Server(self._handle))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.ssl)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def __enter__(self) -> WebhookServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def url(self, path: str) -> dict[str, Any]:
        return {"url": f"https://127.0.0.1:{self.port}{path}", "caBundle": self.ca_bundle}


def admission_response(
    review: dict[str, Any],
    *,
    allowed: bool = True,
    patch: Any = None,
    code: int = 403,
    message: str = "",
) -> dict[str, Any]:
    response: dict[str, Any] = {"uid": review["request"]["uid"], "allowed": allowed}
    if patch is not None:
        response["patchType"] = "JSONPatch"
        response["patch"] = base64.b64encode(json.dumps(patch).encode()).decode()
    if not allowed:
        response["status"] = {"code": code, "message": message}
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response}
