"""Both routes on the core's shared HTTPS server: real requests, and the 4xx answers for
unknown paths, wrong methods, wrong content types and bodies over 3 MiB."""

from __future__ import annotations

import io
import json
import ssl

import aiohttp
import pytest
import trustme

from nto.operator.https import HTTPSServer
from nto.operator.tls import TLSFiles
from nto.operator.webhook_server import webhook_app
from nto_performance.webhooks import routes

VALIDATE = "/validate-performance-openshift-io-v2-performanceprofile"


@pytest.fixture
async def served(tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "tls.crt"))
    cert.private_key_pem.write_to_path(str(tmp_path / "tls.key"))
    server = HTTPSServer(
        webhook_app(routes(provider=None)),
        name="webhooks",
        host="127.0.0.1",
        port=0,
        tls=TLSFiles(tmp_path / "tls.crt", tmp_path / "tls.key"),
    )
    await server.start()
    context = ssl.create_default_context()
    ca.configure_trust(context)
    async with aiohttp.ClientSession(
        base_url=f"https://127.0.0.1:{server.bound_port}",
        connector=aiohttp.TCPConnector(ssl=context),
    ) as session:
        yield session
    await server.stop()


async def post(session, path, data, content_type="application/json", method="POST"):
    async with session.request(
        method, path, data=data, headers={"Content-Type": content_type}
    ) as response:
        return response.status, await response.json(content_type=None)


async def test_validation_over_https(served, profile, admission_body):
    status, payload = await post(served, VALIDATE, admission_body(profile(cpu={"isolated": "1"})))
    assert status == 200
    assert payload["response"]["status"]["reason"] == "Invalid"


async def test_conversion_over_https(served, profile, conversion_body):
    body = conversion_body([profile(api_version="v1alpha1")], "performance.openshift.io/v2")
    status, payload = await post(served, "/convert", body)
    assert status == 200
    assert payload["response"]["result"]["status"] == "Success"


@pytest.mark.parametrize(
    ("path", "data", "content_type", "method", "code"),
    [
        pytest.param("/nope", b"{}", "application/json", "POST", 404, id="unknown-path"),
        pytest.param("/convert", b"{}", "application/json", "PUT", 405, id="wrong-method"),
        pytest.param(VALIDATE, b"{}", "text/plain", "POST", 415, id="wrong-content-type"),
        pytest.param(
            VALIDATE, b" " * (3 * 1024 * 1024 + 1), "application/json", "POST", 413, id="huge"
        ),
        pytest.param(VALIDATE, b"{", "application/json", "POST", 400, id="not-json"),
        pytest.param("/convert", b"[]", "application/json", "POST", 400, id="not-a-review"),
    ],
)
async def test_bad_requests_get_4xx_with_a_message(served, path, data, content_type, method, code):
    async with served.request(
        method, path, data=io.BytesIO(data), headers={"Content-Type": content_type}
    ) as response:
        assert response.status == code
        text = await response.text()
    assert text
    if code not in (404, 405):  # aiohttp's own plain-text answers
        assert json.loads(text)["error"]
