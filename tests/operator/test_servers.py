"""The shared HTTPS servers: webhook routes from plugins, metrics with client auth, cert reload."""

from __future__ import annotations

import asyncio
import json
import ssl

import aiohttp
import pytest
import trustme
from prometheus_client import CollectorRegistry, Gauge

from nto.operator.https import HTTPSServer
from nto.operator.metrics_server import metrics_server
from nto.operator.tls import TLSFiles, TLSMaterialError
from nto.operator.webhook_server import DuplicateRouteError, webhook_app
from nto.plugins import WebhookRoute


async def echo(body: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    payload = json.loads(body)
    return 200, {"echo": payload, "type": content_type}


async def crash(body: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    raise RuntimeError("bug")


def client_context(pki, cert=None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    pki.ca.configure_trust(context)
    if cert is not None:
        context.load_cert_chain(str(cert))
    return context


@pytest.fixture
async def webhook(pki):
    routes = [
        WebhookRoute("/echo", echo, max_body_bytes=1024),
        WebhookRoute("/crash", crash),
    ]
    files = TLSFiles(pki.server_dir / "apiserver.crt", pki.server_dir / "apiserver.key")
    server = HTTPSServer(
        webhook_app(routes), name="webhook", host="127.0.0.1", port=0, tls=files, poll_interval=0.05
    )
    await server.start()
    yield server
    await server.stop()


async def post(server, pki, path, data: bytes, content_type="application/json", method="POST"):
    url = f"https://127.0.0.1:{server.bound_port}{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method,
            url,
            data=data,
            headers={"Content-Type": content_type},
            ssl=client_context(pki),
        ) as response,
    ):
        return response.status, await response.text()


async def test_webhook_route_answers(webhook, pki):
    status, text = await post(webhook, pki, "/echo", b'{"a": 1}')
    assert status == 200
    assert json.loads(text) == {"echo": {"a": 1}, "type": "application/json"}


@pytest.mark.parametrize(
    ("path", "data", "content_type", "method", "status", "fragment"),
    [
        ("/nowhere", b"{}", "application/json", "POST", 404, "Not Found"),
        ("/echo", b"{}", "application/json", "GET", 405, "Method Not Allowed"),
        ("/echo", b"{}", "text/plain", "POST", 415, "not supported"),
        ("/echo", b"{}", "", "POST", 415, "not supported"),
        ("/echo", b"x" * 2048, "application/json", "POST", 413, "over 1024 bytes"),
        ("/crash", b"{}", "application/json", "POST", 500, "internal error in webhook /crash"),
    ],
    ids=["unknown-path", "wrong-method", "wrong-type", "no-type", "too-big", "handler-bug"],
)
async def test_webhook_bad_requests(
    webhook, pki, path, data, content_type, method, status, fragment
):
    got_status, text = await post(webhook, pki, path, data, content_type, method)
    assert got_status == status
    assert fragment in text


def test_duplicate_webhook_paths_are_rejected():
    with pytest.raises(DuplicateRouteError, match="'/echo' registered twice"):
        webhook_app([WebhookRoute("/echo", echo), WebhookRoute("/echo", echo)])


def test_server_context_requires_tls_1_2_and_http11(pki):
    files = TLSFiles(pki.server_dir / "tls.crt", pki.server_dir / "tls.key")
    context = files.build_context()
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.verify_mode == ssl.CERT_NONE
    ca_pem = pki.ca.cert_pem.bytes()
    with_ca = TLSFiles(files.cert_file, files.key_file, client_ca=lambda: ca_pem).build_context()
    assert with_ca.verify_mode == ssl.CERT_OPTIONAL
    garbage = TLSFiles(files.cert_file, files.key_file, client_ca=lambda: b"not pem")
    assert garbage.build_context().verify_mode == ssl.CERT_NONE


async def test_certificate_renewal_is_picked_up(webhook, pki):
    new_ca = trustme.CA()
    renewed = new_ca.issue_cert("127.0.0.1")
    renewed.cert_chain_pems[0].write_to_path(str(pki.server_dir / "apiserver.crt"))
    renewed.private_key_pem.write_to_path(str(pki.server_dir / "apiserver.key"))
    context = ssl.create_default_context()
    new_ca.configure_trust(context)
    url = f"https://127.0.0.1:{webhook.bound_port}/echo"
    for _ in range(100):
        await asyncio.sleep(0.05)
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(url, json={}, ssl=context) as response,
            ):
                assert response.status == 200
                return
        except aiohttp.ClientError:
            continue
    pytest.fail("the server never presented the renewed certificate")


async def test_missing_certificate_is_a_clear_error(tmp_path):
    files = TLSFiles(tmp_path / "tls.crt", tmp_path / "tls.key")
    server = HTTPSServer(webhook_app([]), name="webhook", host="127.0.0.1", port=0, tls=files)
    with pytest.raises(TLSMaterialError, match="cannot read"):
        await server.start()
    await server.stop()


@pytest.fixture
def registry():
    registry = CollectorRegistry()
    Gauge("nto_test_gauge", "a test gauge", registry=registry).set(3)
    return registry


async def scrape(server, pki, cert=None):
    url = f"https://127.0.0.1:{server.bound_port}/metrics"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, ssl=client_context(pki, cert)) as response,
    ):
        return response.status, await response.text()


async def test_metrics_require_a_client_certificate(pki, registry):
    ca_pem = pki.ca.cert_pem.bytes()
    files = TLSFiles(
        pki.server_dir / "tls.crt", pki.server_dir / "tls.key", client_ca=lambda: ca_pem
    )
    server = metrics_server(registry, port=0, tls=files, host="127.0.0.1")
    await server.start()
    try:
        status, text = await scrape(server, pki, pki.client_cert)
        assert status == 200
        assert "nto_test_gauge 3.0" in text
        status, text = await scrape(server, pki)
        assert (status, text) == (401, "Unauthorized\n")
        with pytest.raises(aiohttp.ClientError):
            await scrape(server, pki, pki.other_client_cert)
    finally:
        await server.stop()


async def test_metrics_without_client_ca_are_open(pki, registry):
    files = TLSFiles(pki.server_dir / "tls.crt", pki.server_dir / "tls.key")
    server = metrics_server(registry, port=0, tls=files, host="127.0.0.1")
    await server.start()
    try:
        status, text = await scrape(server, pki)
        assert status == 200
        assert "nto_test_gauge" in text
    finally:
        await server.stop()
