"""Decoding of review requests shared by the admission and conversion webhooks.

Both webhooks receive JSON ``<Kind>Review`` documents on the shared HTTPS server
(:mod:`nto.operator.webhook_server`). A body that is not a review at all (not JSON, not an
object, wrong apiVersion or kind, no ``request.uid`` to answer to) is a :class:`BadReview` and
gets HTTP 400 with a JSON message; anything else is answered inside a review response.
:class:`RequestObserver` is how the handlers report to :mod:`.metrics` without importing it.
Neighbours: :mod:`.admission`, :mod:`.conversion`.
"""

from __future__ import annotations

import json
from typing import Any, Final, Protocol

from nto.plugins import JSONDict

__all__ = [
    "BadReview",
    "NullObserver",
    "RequestObserver",
    "bad_request",
    "decode_review",
]

_MAX_QUOTED: Final = 60


class BadReview(ValueError):
    """The body is not a review this webhook can answer."""


class RequestObserver(Protocol):
    """Receives one observation per webhook request (see :mod:`.metrics`)."""

    def observe(self, path: str, result: str, seconds: float) -> None: ...


class NullObserver:
    """An observer that records nothing."""

    def observe(self, path: str, result: str, seconds: float) -> None:
        del path, result, seconds


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_QUOTED else f"{text[:_MAX_QUOTED]}..."


def decode_review(body: bytes, *, api_version: str, kind: str) -> tuple[JSONDict, JSONDict, str]:
    """The review, its ``request`` and the request's ``uid``; :class:`BadReview` otherwise."""
    try:
        review = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadReview(f"the body is not valid JSON ({exc}); send a {kind} object") from None
    if not isinstance(review, dict):
        raise BadReview(f"the body is a JSON {type(review).__name__}; send a {kind} object")
    if review.get("apiVersion") != api_version or review.get("kind") != kind:
        raise BadReview(
            f"expected apiVersion {api_version!r} and kind {kind!r}, got "
            f"{_quote(review.get('apiVersion'))} and {_quote(review.get('kind'))}"
        )
    request = review.get("request")
    if not isinstance(request, dict):
        raise BadReview(f"the {kind} has no request object; the API server always sends one")
    uid = request.get("uid")
    if not isinstance(uid, str) or not uid:
        raise BadReview(f"request.uid must be a non-empty string, got {_quote(uid)}")
    return review, request, uid


def bad_request(message: str) -> tuple[int, JSONDict]:
    """The HTTP 400 answer to a body that is not a review."""
    return 400, {"error": message}
