"""Servers that cannot start keep trying, and the metrics server never starts without its CA.

The webhook server whose key pair is missing or broken, or whose port is taken, serves as soon
as that is fixed (``serving`` is the readiness signal). The metrics server waits while the
client CA ConfigMap cannot be read (API 500, or absent) instead of serving ``/metrics`` to
anyone, and says so in the log.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl

import aiohttp
import pytest
import trustme
from prometheus_client import CollectorRegistry, Gauge

from nto.kube.client import KubeClient
from nto.kube.config import from_kubeconfig
from nto.operator.client_ca import ClientCA
from nto.operator.https import HTTPSServer
from nto.operator.metrics_server import metrics_server
from nto.operator.tls import TLSFiles
from nto.operator.webhook_server import webhook_app
from nto.testing import free_port

TIMEOUT = 30.0


async def eventually(predicate, message: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not await predicate():
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {message}")
        await asyncio.sleep(0.05)


async def get(port: int, path: str, context: ssl.SSLContext) -> tuple[int, str] | None:
    """(status, text), or None when nothing answers (what a readiness probe sees as failure)."""
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"https://127.0.0.1:{port}{path}", ssl=context) as response,
        ):
            return response.status, await response.text()
    except (aiohttp.ClientError, ssl.SSLError, OSError):
        return None


def trusting(pki, cert=None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    pki.ca.configure_trust(context)
    if cert is not None:
        context.load_cert_chain(str(cert))
    return context


def webhook_server(files: TLSFiles, port: int) -> HTTPSServer:
    return HTTPSServer(
        webhook_app([]),
        name="webhook server",
        host="127.0.0.1",
        port=port,
        tls=files,
        poll_interval=0.05,
    )


@pytest.mark.parametrize("breakage", ["missing", "mismatched"])
async def test_webhook_server_serves_once_its_key_pair_is_fixed(pki, tmp_path, caplog, breakage):
    certs = tmp_path / "certificates"
    certs.mkdir()
    if breakage == "mismatched":
        stranger = trustme.CA().issue_cert("127.0.0.1")
        (certs / "apiserver.crt").write_bytes((pki.server_dir / "apiserver.crt").read_bytes())
        stranger.private_key_pem.write_to_path(str(certs / "apiserver.key"))
    files = TLSFiles(certs / "apiserver.crt", certs / "apiserver.key")
    port = free_port()
    server = webhook_server(files, port)
    server.run()
    try:
        await eventually(
            lambda: asyncio.sleep(0, "webhook server not serving" in caplog.text), "the error log"
        )
        assert not server.serving
        assert await get(port, "/healthz", trusting(pki)) is None, "readiness must fail"
        for name in ("apiserver.key", "apiserver.crt"):  # each file replaced whole, as kubelet does
            (certs / f".{name}").write_bytes((pki.server_dir / name).read_bytes())
            (certs / f".{name}").rename(certs / name)

        async def healthy() -> bool:
            return await get(port, "/healthz", trusting(pki)) == (200, "ok")

        await eventually(healthy, "the fixed certificate to be served")
        assert server.serving
    finally:
        await server.stop()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, "one log line per distinct reason, not one per retry"
    assert f"webhook server not serving on port {port}" in errors[0]
    assert "apiserver" in errors[0]


async def test_webhook_server_serves_once_its_port_is_free(pki, caplog):
    files = TLSFiles(pki.server_dir / "apiserver.crt", pki.server_dir / "apiserver.key")
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    port = squatter.getsockname()[1]
    server = webhook_server(files, port)
    server.run()
    try:
        await eventually(
            lambda: asyncio.sleep(0, "address already in use" in caplog.text.lower()),
            "the port-in-use error",
        )
        assert not server.serving
        squatter.close()

        async def healthy() -> bool:
            return await get(port, "/healthz", trusting(pki)) == (200, "ok")

        await eventually(healthy, "the webhook server on the freed port")
    finally:
        squatter.close()
        await server.stop()


@pytest.fixture
def registry():
    registry = CollectorRegistry()
    Gauge("nto_test_gauge", "a test gauge", registry=registry).set(3)
    return registry


def extension_apiserver_authentication(pem: bytes) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "extension-apiserver-authentication", "namespace": "kube-system"},
        "data": {"client-ca-file": pem.decode()},
    }


@pytest.mark.parametrize("fault", ["api-500", "configmap-absent"])
async def test_metrics_wait_for_the_client_ca(emulated_cluster, pki, registry, caplog, fault):
    if fault == "api-500":
        emulated_cluster.apply(extension_apiserver_authentication(pki.ca.cert_pem.bytes()))
        emulated_cluster.inject_fault(500, count=10_000, resource="configmaps")
    client_ca = ClientCA()
    files = TLSFiles(
        pki.server_dir / "tls.crt", pki.server_dir / "tls.key", client_ca=client_ca.get
    )
    port = free_port()
    server = metrics_server(registry, port=port, tls=files, host="127.0.0.1")
    server.poll_interval = 0.05
    async with KubeClient(from_kubeconfig(emulated_cluster.kubeconfig_path)) as client:
        await client_ca.refresh(client)
        server.run()
        try:
            await eventually(
                lambda: asyncio.sleep(0, "waiting for the metrics client CA" in caplog.text),
                "the waiting log",
            )
            assert "/metrics is not served until ConfigMap" in caplog.text
            assert not server.serving
            assert await get(port, "/metrics", trusting(pki)) is None, "never served open"

            if fault == "api-500":
                emulated_cluster.faults.clear()
            else:
                emulated_cluster.apply(extension_apiserver_authentication(pki.ca.cert_pem.bytes()))
            await client_ca.refresh(client)

            async def scraped() -> bool:
                answer = await get(port, "/metrics", trusting(pki, pki.client_cert))
                return answer is not None and answer[0] == 200

            await eventually(scraped, "a scrape with a client certificate")
            assert await get(port, "/metrics", trusting(pki)) == (401, "Unauthorized\n")

            emulated_cluster.inject_fault(500, count=10_000, resource="configmaps")
            await client_ca.refresh(client)
            assert client_ca.get() == pki.ca.cert_pem.bytes(), "a failed read keeps the CA"
        finally:
            emulated_cluster.faults.clear()
            await server.stop()


async def test_configmap_without_the_key_means_no_client_auth(emulated_cluster):
    """As in the reference: a CA that is known to be empty turns client auth off."""
    emulated_cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "extension-apiserver-authentication", "namespace": "kube-system"},
            "data": {"requestheader-client-ca-file": "x"},
        }
    )
    client_ca = ClientCA()
    async with KubeClient(from_kubeconfig(emulated_cluster.kubeconfig_path)) as client:
        await client_ca.refresh(client)
    assert client_ca.known
    assert client_ca.get() is None
