"""Webhook request bodies are read whole over TLS, up to the route's limit (413 beyond it).

Over TLS a body arrives in ~16 KB records; a server that reads once gets a cut body. These tests
post real ConversionReviews of PerformanceProfiles to the real conversion route through the
shared HTTPS server, as the API server does when it lists many profiles in another version.
"""

from __future__ import annotations

import io
import json
import ssl
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from nto.operator.https import HTTPSServer
from nto.operator.tls import TLSFiles
from nto.operator.webhook_server import webhook_app
from nto.plugins import WebhookRoute
from nto_performance.webhooks import CONVERT_PATH, routes

V1 = "performance.openshift.io/v1"
V2 = "performance.openshift.io/v2"


def v2_profile(index: int) -> dict[str, Any]:
    name = f"profile-{index:05d}"
    return {
        "apiVersion": V2,
        "kind": "PerformanceProfile",
        "metadata": {"name": name, "uid": f"uid-{index}", "resourceVersion": str(index + 1)},
        "spec": {
            "cpu": {"reserved": "0-3", "isolated": "4-63", "offlined": "64-67"},
            "nodeSelector": {f"node-role.kubernetes.io/{name}": ""},
            "hugepages": {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 4}]},
            "realTimeKernel": {"enabled": True},
            "workloadHints": {"realTime": True, "highPowerConsumption": False},
        },
        "status": {
            "conditions": [
                {
                    "type": kind,
                    "status": "True" if kind in {"Available", "Upgradeable"} else "False",
                    "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                    "lastTransitionTime": "2026-01-01T00:00:00Z",
                }
                for kind in ("Available", "Upgradeable", "Progressing", "Degraded")
            ],
            "runtimeClass": f"performance-{name}",
            "tuned": f"openshift-cluster-node-tuning-operator/openshift-node-performance-{name}",
        },
    }


def conversion_review(count: int, desired: str = V1) -> bytes:
    review = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "ConversionReview",
        "request": {
            "uid": "c0ffee",
            "desiredAPIVersion": desired,
            "objects": [v2_profile(i) for i in range(count)],
        },
    }
    return json.dumps(review).encode()


def client_context(pki) -> ssl.SSLContext:
    context = ssl.create_default_context()
    pki.ca.configure_trust(context)
    return context


async def serve(pki, route_list: list[WebhookRoute]) -> HTTPSServer:
    files = TLSFiles(pki.server_dir / "apiserver.crt", pki.server_dir / "apiserver.key")
    server = HTTPSServer(
        webhook_app(route_list), name="webhook server", host="127.0.0.1", port=0, tls=files
    )
    await server.start()
    return server


@pytest.fixture
async def performance_webhooks(pki) -> AsyncIterator[HTTPSServer]:
    server = await serve(pki, routes(provider=None))
    yield server
    await server.stop()


async def post(server: HTTPSServer, pki, path: str, data: Any) -> tuple[int, bytes]:
    url = f"https://127.0.0.1:{server.bound_port}{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url,
            data=data,
            headers={"Content-Type": "application/json"},
            ssl=client_context(pki),
        ) as response,
    ):
        return response.status, await response.read()


@pytest.mark.parametrize("count", [1, 200, 1_000, 5_000], ids=lambda n: f"{n}-objects")
async def test_conversion_reviews_of_any_size_are_answered(performance_webhooks, pki, count):
    body = conversion_review(count)
    status, raw = await post(performance_webhooks, pki, CONVERT_PATH, io.BytesIO(body))
    assert status == 200, raw[:300]
    response = json.loads(raw)["response"]
    assert response["result"] == {"status": "Success"}, response["result"]
    converted = response["convertedObjects"]
    assert len(converted) == count
    assert {obj["apiVersion"] for obj in converted} == {V1}
    assert converted[-1]["metadata"]["name"] == f"profile-{count - 1:05d}"


async def chunks(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def echo_size(body: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    return 200, {"bytes": len(body), "valid": bool(json.loads(body))}


async def test_chunked_body_is_read_whole(pki):
    """No Content-Length: the body is still read to its end."""
    server = await serve(pki, [WebhookRoute("/size", echo_size, max_body_bytes=1 << 20)])
    try:
        body = conversion_review(300)
        status, raw = await post(server, pki, "/size", chunks(body))
        assert (status, json.loads(raw)) == (200, {"bytes": len(body), "valid": True})
    finally:
        await server.stop()


async def test_chunked_body_over_the_limit_is_413(pki):
    """Without a Content-Length to check first, the limit is enforced while reading."""
    server = await serve(pki, [WebhookRoute("/size", echo_size, max_body_bytes=64 * 1024)])
    try:
        status, raw = await post(server, pki, "/size", chunks(conversion_review(300)))
        assert status == 413
        assert json.loads(raw) == {"error": "request body over 65536 bytes"}
    finally:
        await server.stop()
