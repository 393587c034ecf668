"""Client side of Kubernetes admission and conversion webhooks, as kube-apiserver calls them.

The emulated API server (:mod:`nto.testing`) uses this module to call the operator's webhooks
over real HTTPS: :func:`resolve` turns a ``clientConfig`` (from a Validating/Mutating
WebhookConfiguration or a CRD's ``spec.conversion.webhook``) into an :class:`Endpoint`,
:func:`review` sends an ``admission.k8s.io/v1`` AdmissionReview and :func:`convert` an
``apiextensions.k8s.io/v1`` ConversionReview. Like the apiserver, requests carry
``?timeout=<n>s``, TLS is verified against ``caBundle`` (system CAs without one), a service
reference is verified against the name ``<service>.<namespace>.svc`` whatever address it is
routed to, and answers are checked (kind, uid, patch type, object count, apiVersion) before use.
Every failure is a :class:`WebhookCallError` whose ``reason`` says which kind it was.
Patches are decoded here and applied by :mod:`nto.testing._jsonpatch`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from nto.operator.webhook_server import read_body
from nto.testing._schema_values import copy_json

logger = logging.getLogger(__name__)

__all__ = [
    "AdmissionOutcome",
    "Endpoint",
    "WebhookCallError",
    "convert",
    "denial_message",
    "resolve",
    "review",
]

ADMISSION_API_VERSION = "admission.k8s.io/v1"
CONVERSION_API_VERSION = "apiextensions.k8s.io/v1"
DEFAULT_SERVICE_PORT = 443
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
_QUOTE_LIMIT = 300


class WebhookCallError(Exception):
    """A webhook could not be called or gave an unusable answer.

    ``reason`` is one of ``config`` (bad clientConfig or unknown service), ``unreachable``,
    ``tls``, ``timeout``, ``http`` (non-200), ``malformed`` (not a valid review),
    ``uid-mismatch`` and ``failed`` (a conversion webhook answered ``Failure``).
    """

    def __init__(self, message: str, *, reason: str, url: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.url = url


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach one webhook.

    ``server_name`` is the TLS name to verify when it differs from the URL's host (a service
    routed to loopback is still verified as ``<service>.<namespace>.svc``).
    """

    url: str
    ca_bundle: bytes | None
    server_name: str | None = None


@dataclass(frozen=True)
class AdmissionOutcome:
    """The decoded ``response`` of an AdmissionReview.

    ``code`` is 200 when allowed; when denied it is the webhook's ``status.code``, raised to 400
    when lower, as the apiserver does. ``message`` is ``status.message`` (else
    ``status.reason``). ``patch`` is the decoded JSONPatch, or None.
    """

    allowed: bool
    code: int
    message: str
    patch: list[dict[str, Any]] | None
    warnings: list[str]
    reason: str = ""
    audit_annotations: dict[str, str] = field(default_factory=dict)


def denial_message(webhook_name: str, outcome: AdmissionOutcome) -> str:
    """The message kube-apiserver returns for a denial by ``webhook_name``."""
    denied = f"admission webhook {json.dumps(webhook_name)} denied the request"
    if outcome.message:
        return f"{denied}: {outcome.message}"
    if outcome.reason:
        return f"{denied}: {outcome.reason}"
    return f"{denied} without explanation"


# --- resolving clientConfig ---------------------------------------------------------------


def resolve(
    client_config: Mapping[str, Any],
    routes: Mapping[tuple[str, str, int], str],
) -> Endpoint:
    """The endpoint of a ``clientConfig``; services are looked up in ``routes``.

    ``routes`` maps ``(namespace, service, port)`` to a base URL such as
    ``https://127.0.0.1:4343``; the service's ``path`` is appended to it.
    """
    if not isinstance(client_config, Mapping):
        raise _config_error(f"clientConfig must be an object, got {client_config!r}")
    ca_bundle = _ca_bundle(client_config.get("caBundle"))
    url, service = client_config.get("url"), client_config.get("service")
    if (url is None) == (service is None):
        raise _config_error(
            f"clientConfig needs exactly one of url and service, got {sorted(client_config)!r}"
        )
    if url is not None:
        if (
            not isinstance(url, str)
            or urlsplit(url).scheme != "https"
            or not urlsplit(url).hostname
        ):
            raise _config_error(f"clientConfig.url must be an https URL with a host, got {url!r}")
        return Endpoint(url=url, ca_bundle=ca_bundle)
    return _resolve_service(service, routes, ca_bundle)


def _resolve_service(
    service: Any,
    routes: Mapping[tuple[str, str, int], str],
    ca_bundle: bytes | None,
) -> Endpoint:
    if not isinstance(service, Mapping):
        raise _config_error(f"clientConfig.service must be an object, got {service!r}")
    namespace, name = service.get("namespace"), service.get("name")
    port = service.get("port", DEFAULT_SERVICE_PORT)
    path = service.get("path") or ""
    if not (isinstance(namespace, str) and namespace and isinstance(name, str) and name):
        raise _config_error(f"clientConfig.service needs namespace and name, got {service!r}")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise _config_error(f"clientConfig.service.port must be 1-65535, got {port!r}")
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise _config_error(f"clientConfig.service.path must start with '/', got {path!r}")
    base = routes.get((namespace, name, port))
    if base is None:
        raise _config_error(
            f"service {namespace}/{name}:{port} has no route in the emulated cluster; "
            f"map ({namespace!r}, {name!r}, {port}) to a base URL such as "
            "'https://127.0.0.1:4343'"
        )
    return Endpoint(
        url=base.rstrip("/") + path,
        ca_bundle=ca_bundle,
        server_name=f"{name}.{namespace}.svc",
    )


def _ca_bundle(value: Any) -> bytes | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _config_error(f"clientConfig.caBundle must be a base64 string, got {value!r}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise _config_error(f"clientConfig.caBundle is not valid base64: {error}") from error


def _config_error(message: str) -> WebhookCallError:
    return WebhookCallError(message, reason="config")


# --- transport ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def _ssl_context(ca_bundle: bytes | None) -> ssl.SSLContext:
    """A client context trusting ``ca_bundle`` (PEM), or the system CAs when None; TLS >= 1.2."""
    cadata = None if ca_bundle is None else ca_bundle.decode("ascii", errors="replace")
    context = ssl.create_default_context(cadata=cadata)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _timeout_param(timeout: float) -> str:
    return f"{int(timeout)}s" if float(timeout).is_integer() else f"{timeout:g}s"


async def _post(endpoint: Endpoint, body: dict[str, Any], timeout: float) -> Any:
    """POST ``body`` as JSON and return the decoded JSON answer, or raise WebhookCallError."""
    url = endpoint.url

    def fail(reason: str, message: str) -> WebhookCallError:
        return WebhookCallError(f"calling webhook {url}: {message}", reason=reason, url=url)

    try:
        context = _ssl_context(endpoint.ca_bundle)
    except (ssl.SSLError, ValueError) as error:
        raise fail("tls", f"caBundle holds no usable PEM certificate ({error})") from error
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.post(
                url,
                params={"timeout": _timeout_param(timeout)},
                json=body,
                headers={"Accept": "application/json"},
                ssl=context,
                server_hostname=endpoint.server_name,
            ) as response,
        ):
            payload = await read_body(response.content, MAX_RESPONSE_BYTES)
            status = response.status
    except aiohttp.ClientConnectorCertificateError as error:
        raise fail("tls", f"TLS verification failed: {error.certificate_error}") from error
    except (aiohttp.ClientSSLError, ssl.SSLError) as error:
        raise fail("tls", f"TLS handshake failed: {error}") from error
    except TimeoutError as error:
        raise fail(
            "timeout", f"no answer within {timeout:g}s (context deadline exceeded)"
        ) from error
    except aiohttp.ClientConnectorError as error:
        raise fail("unreachable", f"cannot connect: {error.os_error}") from error
    except aiohttp.ClientError as error:
        raise fail("unreachable", f"{type(error).__name__}: {error}") from error
    if payload is None:
        raise fail("malformed", f"HTTP {status} answer larger than {MAX_RESPONSE_BYTES} bytes")
    text = payload[:_QUOTE_LIMIT].decode("utf-8", errors="replace")
    if status != 200:
        raise fail("http", f"HTTP {status} (expected 200): {text!r}")
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as error:
        raise fail("malformed", f"answer is not JSON ({error}): {text!r}") from error


def _review_response(
    answer: Any, kind: str, api_version: str, uid: str, url: str
) -> dict[str, Any]:
    """The ``response`` of a review answer, after the apiserver's envelope and uid checks."""

    def fail(reason: str, message: str) -> WebhookCallError:
        return WebhookCallError(f"calling webhook {url}: {message}", reason=reason, url=url)

    if not isinstance(answer, dict):
        raise fail("malformed", f"expected a {kind} object, got {_quote(answer)}")
    if answer.get("apiVersion") != api_version or answer.get("kind") != kind:
        raise fail(
            "malformed",
            f"expected webhook response of {api_version}, Kind={kind}, got "
            f"{answer.get('apiVersion')!r}, Kind={answer.get('kind')!r}",
        )
    response = answer.get("response")
    if not isinstance(response, dict):
        raise fail("malformed", f"{kind} answer has no response object: {_quote(answer)}")
    if response.get("uid") != uid:
        raise fail("uid-mismatch", f"expected response.uid={uid!r}, got {response.get('uid')!r}")
    return response


def _quote(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = repr(type(value))
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + "..."


# --- admission ----------------------------------------------------------------------------


async def review(
    endpoint: Endpoint, request: dict[str, Any], *, timeout: float
) -> AdmissionOutcome:
    """Send ``request`` (an AdmissionRequest with a ``uid``) and decode the answer."""
    uid = request.get("uid")
    if not isinstance(uid, str) or not uid:
        raise ValueError(f"an AdmissionRequest needs a non-empty string uid, got {uid!r}")
    body = {"apiVersion": ADMISSION_API_VERSION, "kind": "AdmissionReview", "request": request}
    answer = await _post(endpoint, body, timeout)
    response = _review_response(answer, "AdmissionReview", ADMISSION_API_VERSION, uid, endpoint.url)
    return _outcome(response, endpoint.url)


def _outcome(response: dict[str, Any], url: str) -> AdmissionOutcome:
    def fail(message: str) -> WebhookCallError:
        return WebhookCallError(f"calling webhook {url}: {message}", reason="malformed", url=url)

    allowed = response.get("allowed", False)
    if not isinstance(allowed, bool):
        raise fail(f"response.allowed must be a boolean, got {allowed!r}")
    status = response.get("status") or {}
    if not isinstance(status, dict):
        raise fail(f"response.status must be an object, got {_quote(status)}")
    code = status.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else 0
    code = 200 if allowed else max(code, 400)
    warnings = response.get("warnings") or []
    if not isinstance(warnings, list) or not all(isinstance(item, str) for item in warnings):
        raise fail(f"response.warnings must be a list of strings, got {_quote(warnings)}")
    annotations = response.get("auditAnnotations") or {}
    if not isinstance(annotations, dict):
        raise fail(f"response.auditAnnotations must be an object, got {_quote(annotations)}")
    return AdmissionOutcome(
        allowed=allowed,
        code=code,
        message=str(status.get("message") or ""),
        patch=_decode_patch(response, fail),
        warnings=list(warnings),
        reason=str(status.get("reason") or ""),
        audit_annotations={str(key): str(value) for key, value in annotations.items()},
    )


def _decode_patch(response: dict[str, Any], fail: Any) -> list[dict[str, Any]] | None:
    encoded = response.get("patch")
    if encoded in (None, ""):
        return None
    patch_type = response.get("patchType")
    if patch_type != "JSONPatch":
        raise fail(f'response.patchType must be "JSONPatch" with a patch, got {patch_type!r}')
    if not isinstance(encoded, str):
        raise fail(f"response.patch must be a base64 string, got {_quote(encoded)}")
    try:
        patch = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError, RecursionError) as error:
        raise fail(f"response.patch is not base64-encoded JSON: {error}") from error
    if not isinstance(patch, list) or not all(isinstance(op, dict) for op in patch):
        raise fail(f"response.patch must decode to a JSONPatch array, got {_quote(patch)}")
    return patch


# --- conversion ---------------------------------------------------------------------------


async def convert(
    endpoint: Endpoint,
    objects: list[dict[str, Any]],
    desired_api_version: str,
    *,
    timeout: float,
) -> list[dict[str, Any]]:
    """``objects`` converted to ``desired_api_version`` by the webhook, in the same order.

    As the apiserver does: objects already in that version are not sent (no call at all when
    none needs converting); each converted object must keep its kind and carry the desired
    apiVersion; its metadata is restored from the original except labels and annotations.
    """
    todo = [i for i, obj in enumerate(objects) if obj.get("apiVersion") != desired_api_version]
    result = [copy_json(obj) for obj in objects]
    if not todo:
        return result
    uid = str(uuid.uuid4())
    request = {
        "uid": uid,
        "desiredAPIVersion": desired_api_version,
        "objects": [objects[i] for i in todo],
    }
    body = {"apiVersion": CONVERSION_API_VERSION, "kind": "ConversionReview", "request": request}
    answer = await _post(endpoint, body, timeout)
    response = _review_response(
        answer, "ConversionReview", CONVERSION_API_VERSION, uid, endpoint.url
    )
    converted = _converted_objects(response, len(todo), endpoint.url)
    for position, original_index in enumerate(todo):
        original = objects[original_index]
        result[original_index] = _restore(
            original, converted[position], desired_api_version, position, endpoint.url
        )
    return result


def _converted_objects(response: dict[str, Any], expected: int, url: str) -> list[Any]:
    result = response.get("result") or {}
    status = result.get("status") if isinstance(result, dict) else None
    if status != "Success":
        message = result.get("message") if isinstance(result, dict) else None
        raise WebhookCallError(
            f"conversion webhook {url} failed: {message or f'result.status is {status!r}'}",
            reason="failed",
            url=url,
        )
    converted = response.get("convertedObjects")
    if not isinstance(converted, list) or len(converted) != expected:
        count = len(converted) if isinstance(converted, list) else converted
        raise WebhookCallError(
            f"conversion webhook {url} returned {count!r} objects, expected {expected}",
            reason="malformed",
            url=url,
        )
    return converted


def _restore(
    original: dict[str, Any],
    converted: Any,
    desired_api_version: str,
    position: int,
    url: str,
) -> dict[str, Any]:
    def fail(message: str) -> WebhookCallError:
        text = f"conversion webhook {url}: invalid converted object at index {position}: {message}"
        return WebhookCallError(text, reason="malformed", url=url)

    if not isinstance(converted, dict):
        raise fail(f"expected an object, got {_quote(converted)}")
    if converted.get("apiVersion") != desired_api_version:
        raise fail(
            f"invalid apiVersion {converted.get('apiVersion')!r}, expected {desired_api_version!r}"
        )
    if converted.get("kind") != original.get("kind"):
        raise fail(f"invalid kind {converted.get('kind')!r}, expected {original.get('kind')!r}")
    metadata = converted.get("metadata")
    if not isinstance(metadata, dict):
        raise fail("missing metadata in converted object")
    restored: dict[str, Any] = copy_json(converted)
    kept = copy_json(original.get("metadata") or {})
    for key in ("labels", "annotations"):
        if isinstance(metadata.get(key), dict):
            kept[key] = copy_json(metadata[key])
        else:
            kept.pop(key, None)
    restored["metadata"] = kept
    return restored
