"""``/metrics`` over HTTPS on port 60000, with client-certificate authentication.

Like the reference: only ``GET /metrics``, and the server does not start until the client CA is
known (:mod:`nto.operator.client_ca`), so it never serves metrics to anyone because the CA could
not be read. With a CA, a request without a client certificate gets ``401 Unauthorized``; a
certificate that does not verify against the CA is refused in the TLS handshake (alert
``unknown ca`` / ``bad certificate``) rather than with a 401, because Python's ``ssl`` cannot ask
for a client certificate without verifying it there (the reference asks, then verifies in the
handler). Either way nothing is served. A CA known to be empty means no client auth, as in the
reference. The TLS version and ciphers follow the cluster's profile (:mod:`nto.operator.tls`).
Neighbours: :mod:`nto.metrics` (the registry), :mod:`nto.operator.https` (the listener).
"""

from __future__ import annotations

import ssl

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from nto.operator.https import HTTPSServer
from nto.operator.tls import TLSFiles


def metrics_app(registry: CollectorRegistry) -> web.Application:
    """The aiohttp application serving ``registry``."""

    async def metrics(request: web.Request) -> web.Response:
        transport = request.transport
        ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
        if _client_certificate_missing(ssl_object):
            return web.Response(status=401, text="Unauthorized\n")
        body = generate_latest(registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    return app


def _client_certificate_missing(ssl_object: object) -> bool:
    """True when the listener asks for client certificates and this client sent none."""
    if not isinstance(ssl_object, ssl.SSLObject):
        return False
    return ssl_object.context.verify_mode != ssl.CERT_NONE and not ssl_object.getpeercert()


def metrics_server(
    registry: CollectorRegistry,
    *,
    port: int,
    tls: TLSFiles | None,
    host: str = "0.0.0.0",
) -> HTTPSServer:
    """An :class:`HTTPSServer` for the metrics endpoint."""
    return HTTPSServer(metrics_app(registry), name="metrics server", host=host, port=port, tls=tls)
