"""Admission and conversion webhook calls (nto.testing.webhooks) against a real HTTPS server.

Each test starts a small aiohttp server on 127.0.0.1 with a certificate from a throwaway
trustme CA (valid for 127.0.0.1 and the service name ``hook.nto.svc``); its behaviour is a
function from the received review to the answer.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import trustme
from aiohttp import web

from nto.testing.webhooks import (
    AdmissionOutcome,
    Endpoint,
    WebhookCallError,
    convert,
    denial_message,
    resolve,
    review,
)

Behaviour = Callable[[dict[str, Any]], Awaitable[web.StreamResponse]]


@dataclass
class HookServer:
    """A running HTTPS webhook server; ``behaviour`` decides each answer."""

    base: str
    ca_pem: bytes
    behaviour: Behaviour | None = None
    seen: list[web.Request] = field(default_factory=list)
    bodies: list[Any] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def endpoint(self, path: str = "/hook", *, ca: bytes | None = None) -> Endpoint:
        return Endpoint(url=self.base + path, ca_bundle=self.ca_pem if ca is None else ca)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(request)
        body = await request.json()
        self.bodies.append(body)
        assert self.behaviour is not None
        return await self.behaviour(body)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def server(ca: trustme.CA) -> AsyncIterator[HookServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "hook.nto.svc").configure_cert(context)
    hook = HookServer(base="", ca_pem=ca.cert_pem.bytes())
    app = web.Application()
    app.router.add_post("/{tail:.*}", hook.handle)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = runner.addresses[0][1]
    hook.base = f"https://127.0.0.1:{port}"
    yield hook
    hook.release.set()
    await runner.cleanup()


def answer(review_kind: str, response: dict[str, Any], **envelope: Any) -> web.Response:
    api = "admission.k8s.io/v1" if review_kind == "AdmissionReview" else "apiextensions.k8s.io/v1"
    body = {"apiVersion": api, "kind": review_kind, "response": response, **envelope}
    return web.json_response(body)


def admission(**response: Any) -> Behaviour:
    """A behaviour answering with ``response`` plus the request's uid (unless given)."""

    async def behave(body: dict[str, Any]) -> web.StreamResponse:
        return answer("AdmissionReview", {"uid": body["request"]["uid"], **response})

    return behave


def b64_json(value: Any) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


REQUEST = {
    "uid": "0a1b-2c3d",
    "operation": "CREATE",
    "kind": {"group": "tuned.openshift.io", "version": "v1", "kind": "Tuned"},
    "object": {"apiVersion": "tuned.openshift.io/v1", "kind": "Tuned", "metadata": {"name": "t"}},
}

PATCH = [{"op": "add", "path": "/metadata/labels", "value": {"a": "b"}}]

OUTCOME_CASES = [
    pytest.param(
        {"allowed": True},
        AdmissionOutcome(allowed=True, code=200, message="", patch=None, warnings=[]),
        id="allowed",
    ),
    pytest.param(
        {"allowed": False, "status": {"code": 403, "message": "spec.cpu overlaps"}},
        AdmissionOutcome(
            allowed=False, code=403, message="spec.cpu overlaps", patch=None, warnings=[]
        ),
        id="denied-with-code",
    ),
    pytest.param(
        {"allowed": False, "status": {"message": "no code"}},
        AdmissionOutcome(allowed=False, code=400, message="no code", patch=None, warnings=[]),
        id="denied-code-defaults-to-400",
    ),
    pytest.param(
        {"allowed": False, "status": {"code": 200, "reason": "Forbidden"}},
        AdmissionOutcome(
            allowed=False, code=400, message="", patch=None, warnings=[], reason="Forbidden"
        ),
        id="denied-low-code-raised",
    ),
    pytest.param(
        {},
        AdmissionOutcome(allowed=False, code=400, message="", patch=None, warnings=[]),
        id="allowed-absent-means-denied",
    ),
    pytest.param(
        {"allowed": True, "patchType": "JSONPatch", "patch": b64_json(PATCH)},
        AdmissionOutcome(allowed=True, code=200, message="", patch=PATCH, warnings=[]),
        id="mutating-patch-decoded",
    ),
    pytest.param(
        {"allowed": True, "warnings": ["deprecated field spec.x", "second"]},
        AdmissionOutcome(
            allowed=True,
            code=200,
            message="",
            patch=None,
            warnings=["deprecated field spec.x", "second"],
        ),
        id="warnings",
    ),
    pytest.param(
        {"allowed": True, "auditAnnotations": {"k": "v"}},
        AdmissionOutcome(
            allowed=True,
            code=200,
            message="",
            patch=None,
            warnings=[],
            audit_annotations={"k": "v"},
        ),
        id="audit-annotations",
    ),
]


@pytest.mark.parametrize(("response", "expected"), OUTCOME_CASES)
async def test_review_outcomes(
    server: HookServer, response: dict[str, Any], expected: AdmissionOutcome
) -> None:
    server.behaviour = admission(**response)
    assert await review(server.endpoint(), dict(REQUEST), timeout=5) == expected


async def test_review_sends_what_the_apiserver_sends(server: HookServer) -> None:
    server.behaviour = admission(allowed=True)
    await review(server.endpoint("/validate"), dict(REQUEST), timeout=7)
    (request,) = server.seen
    assert request.path == "/validate"
    assert request.query["timeout"] == "7s"
    assert request.content_type == "application/json"
    assert server.bodies == [
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": REQUEST}
    ]


def raw(status: int, text: str, content_type: str = "application/json") -> Behaviour:
    async def behave(body: dict[str, Any]) -> web.StreamResponse:
        return web.Response(status=status, text=text, content_type=content_type)

    return behave


def enveloped(**envelope: Any) -> Behaviour:
    async def behave(body: dict[str, Any]) -> web.StreamResponse:
        return web.json_response(envelope)

    return behave


FAILURE_CASES = [
    pytest.param(
        admission(uid="other", allowed=True), "uid-mismatch", "expected response.uid=", id="uid"
    ),
    pytest.param(
        raw(500, "boom inside"), "http", "HTTP 500 (expected 200): 'boom inside'", id="500"
    ),
    pytest.param(raw(200, "<html>hi</html>", "text/html"), "malformed", "not JSON", id="not-json"),
    pytest.param(raw(200, "[1, 2]"), "malformed", "expected a AdmissionReview object", id="list"),
    pytest.param(
        enveloped(apiVersion="admission.k8s.io/v1beta1", kind="AdmissionReview", response={}),
        "malformed",
        "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview",
        id="wrong-version",
    ),
    pytest.param(
        enveloped(apiVersion="admission.k8s.io/v1", kind="AdmissionReview"),
        "malformed",
        "has no response object",
        id="no-response",
    ),
    pytest.param(
        admission(allowed="yes"),
        "malformed",
        "response.allowed must be a boolean",
        id="allowed-str",
    ),
    pytest.param(
        admission(allowed=True, patch=b64_json(PATCH)),
        "malformed",
        'response.patchType must be "JSONPatch"',
        id="patch-without-type",
    ),
    pytest.param(
        admission(allowed=True, patchType="JSONPatch", patch="%%%"),
        "malformed",
        "not base64-encoded JSON",
        id="patch-not-base64",
    ),
    pytest.param(
        admission(allowed=True, patchType="JSONPatch", patch=b64_json({"op": "add"})),
        "malformed",
        "must decode to a JSONPatch array",
        id="patch-not-array",
    ),
    pytest.param(
        admission(allowed=True, warnings="one"), "malformed", "warnings must be a list", id="warn"
    ),
]


@pytest.mark.parametrize(("behaviour", "reason", "fragment"), FAILURE_CASES)
async def test_review_failures(
    server: HookServer, behaviour: Behaviour, reason: str, fragment: str
) -> None:
    server.behaviour = behaviour
    with pytest.raises(WebhookCallError) as caught:
        await review(server.endpoint(), dict(REQUEST), timeout=5)
    assert caught.value.reason == reason
    assert fragment in str(caught.value)
    assert server.base in str(caught.value)


async def test_timeout(server: HookServer) -> None:
    async def slow(body: dict[str, Any]) -> web.StreamResponse:
        await asyncio.wait_for(server.release.wait(), 10)
        return answer("AdmissionReview", {"uid": body["request"]["uid"], "allowed": True})

    server.behaviour = slow
    with pytest.raises(WebhookCallError, match=r"no answer within 0\.3s") as caught:
        await review(server.endpoint(), dict(REQUEST), timeout=0.3)
    assert caught.value.reason == "timeout"
    assert server.seen[0].query["timeout"] == "0.3s"


async def test_tls_with_the_wrong_ca_fails(server: HookServer) -> None:
    server.behaviour = admission(allowed=True)
    wrong = trustme.CA().cert_pem.bytes()
    with pytest.raises(WebhookCallError, match="TLS verification failed") as caught:
        await review(server.endpoint(ca=wrong), dict(REQUEST), timeout=5)
    assert caught.value.reason == "tls"
    assert server.seen == []


async def test_tls_without_ca_bundle_uses_system_cas(server: HookServer) -> None:
    endpoint = Endpoint(url=server.base + "/hook", ca_bundle=None)
    with pytest.raises(WebhookCallError) as caught:
        await review(endpoint, dict(REQUEST), timeout=5)
    assert caught.value.reason == "tls"


async def test_ca_bundle_that_is_not_pem(server: HookServer) -> None:
    with pytest.raises(WebhookCallError, match="no usable PEM") as caught:
        await review(server.endpoint(ca=b"not a certificate"), dict(REQUEST), timeout=5)
    assert caught.value.reason == "tls"


async def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = Endpoint(url=f"https://127.0.0.1:{port}/hook", ca_bundle=None)
    with pytest.raises(WebhookCallError, match="cannot connect") as caught:
        await review(endpoint, dict(REQUEST), timeout=5)
    assert caught.value.reason == "unreachable"


async def test_request_without_uid_is_a_programming_error(server: HookServer) -> None:
    with pytest.raises(ValueError, match="non-empty string uid"):
        await review(server.endpoint(), {"operation": "CREATE"}, timeout=5)


def test_denial_message() -> None:
    def outcome(message: str = "", reason: str = "") -> AdmissionOutcome:
        return AdmissionOutcome(False, 400, message, None, [], reason=reason)

    assert denial_message("v.nto", outcome("bad cpu")) == (
        'admission webhook "v.nto" denied the request: bad cpu'
    )
    assert denial_message("v", outcome(reason="Forbidden")).endswith("request: Forbidden")
    assert denial_message("v", outcome()) == (
        'admission webhook "v" denied the request without explanation'
    )


# --- service routing ----------------------------------------------------------------------

CA_B64 = base64.b64encode(b"-----BEGIN CERTIFICATE-----\n").decode()
ROUTES = {("nto", "hook", 443): "https://127.0.0.1:4343/", ("nto", "hook", 8443): "https://h:1"}

RESOLVE_CASES = [
    pytest.param(
        {"url": "https://example.com/validate", "caBundle": CA_B64},
        Endpoint("https://example.com/validate", b"-----BEGIN CERTIFICATE-----\n"),
        id="url",
    ),
    pytest.param(
        {"url": "https://example.com/v"}, Endpoint("https://example.com/v", None), id="url-no-ca"
    ),
    pytest.param(
        {"service": {"namespace": "nto", "name": "hook", "path": "/validate"}, "caBundle": ""},
        Endpoint("https://127.0.0.1:4343/validate", None, "hook.nto.svc"),
        id="service-default-port",
    ),
    pytest.param(
        {"service": {"namespace": "nto", "name": "hook", "port": 8443}},
        Endpoint("https://h:1", None, "hook.nto.svc"),
        id="service-port-no-path",
    ),
]


@pytest.mark.parametrize(("config", "expected"), RESOLVE_CASES)
def test_resolve(config: dict[str, Any], expected: Endpoint) -> None:
    assert resolve(config, ROUTES) == expected


RESOLVE_ERRORS = [
    pytest.param({}, "exactly one of url and service", id="empty"),
    pytest.param(
        {"url": "https://a", "service": {"namespace": "n", "name": "s"}}, "exactly one", id="both"
    ),
    pytest.param({"url": "http://example.com"}, "must be an https URL", id="http"),
    pytest.param({"url": 5}, "must be an https URL", id="url-int"),
    pytest.param(
        {"service": {"namespace": "nto", "name": "gone"}},
        "nto/gone:443 has no route",
        id="unrouted",
    ),
    pytest.param({"service": {"name": "hook"}}, "needs namespace and name", id="no-namespace"),
    pytest.param(
        {"service": {"namespace": "nto", "name": "hook", "port": 0}}, "1-65535", id="port"
    ),
    pytest.param(
        {"service": {"namespace": "nto", "name": "hook", "port": True}}, "1-65535", id="port-bool"
    ),
    pytest.param(
        {"service": {"namespace": "nto", "name": "hook", "path": "x"}}, "start with '/'", id="path"
    ),
    pytest.param({"service": "hook"}, "service must be an object", id="service-str"),
    pytest.param({"url": "https://a", "caBundle": "***"}, "not valid base64", id="ca-b64"),
    pytest.param({"url": "https://a", "caBundle": 3}, "base64 string", id="ca-int"),
    pytest.param([], "clientConfig must be an object", id="not-mapping"),
]


@pytest.mark.parametrize(("config", "fragment"), RESOLVE_ERRORS)
def test_resolve_errors(config: Any, fragment: str) -> None:
    with pytest.raises(WebhookCallError) as caught:
        resolve(config, ROUTES)
    assert caught.value.reason == "config"
    assert fragment in str(caught.value)


async def test_service_is_verified_by_its_service_name(server: HookServer) -> None:
    server.behaviour = admission(allowed=True)
    ca_b64 = base64.b64encode(server.ca_pem).decode()
    routes = {("nto", "hook", 443): server.base, ("nto", "other", 443): server.base}
    good = resolve(
        {"service": {"namespace": "nto", "name": "hook", "path": "/v"}, "caBundle": ca_b64}, routes
    )
    assert (await review(good, dict(REQUEST), timeout=5)).allowed
    assert server.seen[0].path == "/v"
    bad = resolve({"service": {"namespace": "nto", "name": "other"}, "caBundle": ca_b64}, routes)
    with pytest.raises(WebhookCallError, match="TLS verification failed") as caught:
        await review(bad, dict(REQUEST), timeout=5)
    assert "other.nto.svc" in str(caught.value)


# --- conversion ---------------------------------------------------------------------------

V1 = "performance.openshift.io/v1"
V2 = "performance.openshift.io/v2"


def profile(name: str, api_version: str = V1) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": "PerformanceProfile",
        "metadata": {"name": name, "uid": f"uid-{name}", "labels": {"keep": "me"}},
        "spec": {"cpu": {"reserved": "0"}},
    }


def converting(
    change: Callable[[list[dict[str, Any]], str], list[Any]] | None = None,
    result: dict[str, Any] | None = None,
    uid: str | None = None,
) -> Behaviour:
    """A conversion webhook: sets apiVersion, a label, tries to rename; then ``change``."""

    async def behave(body: dict[str, Any]) -> web.StreamResponse:
        request = body["request"]
        desired = request["desiredAPIVersion"]
        objects: list[Any] = []
        for original in request["objects"]:
            obj = json.loads(json.dumps(original))
            obj["apiVersion"] = desired
            obj["metadata"]["name"] = "renamed"
            obj["metadata"]["labels"] = {"converted": "yes"}
            obj["metadata"]["annotations"] = {"from": original["apiVersion"]}
            objects.append(obj)
        if change is not None:
            objects = change(objects, desired)
        response = {
            "uid": request["uid"] if uid is None else uid,
            "convertedObjects": objects,
            "result": {"status": "Success"} if result is None else result,
        }
        return answer("ConversionReview", response)

    return behave


async def test_convert_success_restores_metadata(server: HookServer) -> None:
    server.behaviour = converting()
    objects = [profile("a"), profile("b", V2), profile("c")]
    converted = await convert(server.endpoint("/convert"), objects, V2, timeout=5)
    assert [obj["apiVersion"] for obj in converted] == [V2, V2, V2]
    assert converted[1] == profile("b", V2), "objects already in the version are not sent"
    assert converted[0]["metadata"] == {
        "name": "a",
        "uid": "uid-a",
        "labels": {"converted": "yes"},
        "annotations": {"from": V1},
    }
    (body,) = server.bodies
    assert body["apiVersion"] == "apiextensions.k8s.io/v1"
    assert body["kind"] == "ConversionReview"
    assert body["request"]["desiredAPIVersion"] == V2
    assert [obj["metadata"]["name"] for obj in body["request"]["objects"]] == ["a", "c"]
    assert server.seen[0].query["timeout"] == "5s"
    assert objects[0] == profile("a"), "inputs are not modified"


async def test_convert_nothing_to_do_makes_no_call(server: HookServer) -> None:
    server.behaviour = converting()
    assert await convert(server.endpoint(), [profile("a", V2)], V2, timeout=5) == [profile("a", V2)]
    assert await convert(server.endpoint(), [], V2, timeout=5) == []
    assert server.seen == []


async def test_convert_reads_a_large_answer_whole(server: HookServer) -> None:
    """Over TLS an answer arrives in ~16 KB records; the client reads all of them."""
    server.behaviour = converting()
    objects = [profile(f"p-{index:04d}") for index in range(2_000)]
    converted = await convert(server.endpoint(), objects, V2, timeout=30)
    assert len(converted) == 2_000
    assert converted[-1]["metadata"]["name"] == "p-1999"
    assert {obj["apiVersion"] for obj in converted} == {V2}


async def test_convert_answer_over_the_limit_is_refused(
    server: HookServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("nto.testing.webhooks.MAX_RESPONSE_BYTES", 64 * 1024)
    server.behaviour = converting()
    objects = [profile(f"p-{index:04d}") for index in range(2_000)]
    with pytest.raises(WebhookCallError) as caught:
        await convert(server.endpoint(), objects, V2, timeout=30)
    assert caught.value.reason == "malformed"
    assert "answer larger than 65536 bytes" in str(caught.value)


def drop_one(objects: list[dict[str, Any]], desired: str) -> list[Any]:
    return objects[:-1]


def wrong_version(objects: list[dict[str, Any]], desired: str) -> list[Any]:
    return [{**obj, "apiVersion": V1} for obj in objects]


def wrong_kind(objects: list[dict[str, Any]], desired: str) -> list[Any]:
    return [{**obj, "kind": "Tuned"} for obj in objects]


def no_metadata(objects: list[dict[str, Any]], desired: str) -> list[Any]:
    return [{key: value for key, value in obj.items() if key != "metadata"} for obj in objects]


def not_objects(objects: list[dict[str, Any]], desired: str) -> list[Any]:
    return ["x" for _ in objects]


CONVERSION_FAILURES = [
    pytest.param(
        converting(result={"status": "Failure", "message": "cannot convert spec.cpu"}),
        "failed",
        "failed: cannot convert spec.cpu",
        id="failure-quotes-message",
    ),
    pytest.param(converting(result={}), "failed", "result.status is None", id="no-status"),
    pytest.param(converting(drop_one), "malformed", "returned 1 objects, expected 2", id="count"),
    pytest.param(
        converting(wrong_version), "malformed", "index 0: invalid apiVersion", id="apiVersion"
    ),
    pytest.param(converting(wrong_kind), "malformed", "invalid kind 'Tuned'", id="kind"),
    pytest.param(converting(no_metadata), "malformed", "missing metadata", id="no-metadata"),
    pytest.param(converting(not_objects), "malformed", "expected an object", id="not-objects"),
    pytest.param(converting(uid="nope"), "uid-mismatch", "expected response.uid=", id="uid"),
]


@pytest.mark.parametrize(("behaviour", "reason", "fragment"), CONVERSION_FAILURES)
async def test_convert_failures(
    server: HookServer, behaviour: Behaviour, reason: str, fragment: str
) -> None:
    server.behaviour = behaviour
    with pytest.raises(WebhookCallError) as caught:
        await convert(server.endpoint(), [profile("a"), profile("b")], V2, timeout=5)
    assert caught.value.reason == reason
    assert fragment in str(caught.value)
