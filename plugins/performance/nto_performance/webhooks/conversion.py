"""The CRD conversion webhook for PerformanceProfiles (ConversionReview v1), path ``/convert``.

The API server sends a batch of objects and the ``desiredAPIVersion``; each object goes through
:func:`nto_api.conversion.convert` (v1 is the hub; lossy, like the reference). As the protocol
requires, the answer is all or nothing: if any object fails, ``response.result`` has status
``Failure`` and a message naming each failed object (index, name, reason) and no objects are
returned; otherwise ``Success`` with ``convertedObjects`` in request order. Bodies that are not a
ConversionReview get HTTP 400 (:mod:`.review`). Neighbours: :mod:`.admission`, :mod:`.metrics`.
"""

from __future__ import annotations

import time
from typing import Any, Final

from nto.plugins import JSONDict
from nto_api.conversion import SUPPORTED_API_VERSIONS, convert
from nto_api.errors import ConversionError
from nto_performance.validation.fielderrors import summarize
from nto_performance.webhooks.review import (
    BadReview,
    NullObserver,
    RequestObserver,
    bad_request,
    decode_review,
)

__all__ = ["CONVERT_PATH", "ConversionWebhook", "convert_objects"]

CONVERT_PATH: Final = "/convert"
CONVERSION_API_VERSION: Final = "apiextensions.k8s.io/v1"
_FAILURES_SHOWN: Final = 3


def _response(uid: str, result: JSONDict, converted: list[JSONDict] | None = None) -> JSONDict:
    response: JSONDict = {"uid": uid, "result": result}
    if converted is not None:
        response["convertedObjects"] = converted
    return {"apiVersion": CONVERSION_API_VERSION, "kind": "ConversionReview", "response": response}


def _failure(uid: str, message: str) -> JSONDict:
    return _response(uid, {"status": "Failure", "message": message})


def convert_objects(objects: list[Any], desired: str) -> tuple[list[JSONDict], list[str]]:
    """Convert every object; returns the converted ones and one message per failure."""
    converted: list[JSONDict] = []
    failures: list[str] = []
    for index, obj in enumerate(objects):
        try:
            converted.append(convert(obj, desired))
        except ConversionError as exc:
            failures.append(f"objects[{index}]: {exc}")
        except RecursionError:
            failures.append(f"objects[{index}]: the object is nested too deeply to convert")
    return converted, failures


class ConversionWebhook:
    """The ``WebhookRoute`` handler: ``await webhook(body, content_type) -> (status, json)``."""

    def __init__(self, *, observer: RequestObserver | None = None) -> None:
        self.observer = observer or NullObserver()

    async def __call__(self, body: bytes, content_type: str) -> tuple[int, JSONDict]:
        del content_type  # the server accepts application/json only
        started = time.perf_counter()
        result, answer = self._answer(body)
        self.observer.observe(CONVERT_PATH, result, time.perf_counter() - started)
        return answer

    def _answer(self, body: bytes) -> tuple[str, tuple[int, JSONDict]]:
        try:
            _, request, uid = decode_review(
                body, api_version=CONVERSION_API_VERSION, kind="ConversionReview"
            )
        except BadReview as exc:
            return "bad_request", bad_request(str(exc))
        desired = request.get("desiredAPIVersion")
        objects = request.get("objects")
        if desired not in SUPPORTED_API_VERSIONS:
            message = (
                f"desiredAPIVersion {desired!r} is not served; "
                f"use one of {', '.join(SUPPORTED_API_VERSIONS)}"
            )
            return "failure", (200, _failure(uid, message))
        if not isinstance(objects, list):
            message = f"request.objects must be a list of PerformanceProfiles, got {objects!r:.60}"
            return "failure", (200, _failure(uid, message))
        converted, failures = convert_objects(objects, str(desired))
        if failures:
            message = (
                f"cannot convert {len(failures)} of {len(objects)} objects to {desired}: "
                f"{summarize(failures, _FAILURES_SHOWN)}"
            )
            return "failure", (200, _failure(uid, message))
        return "success", (200, _response(uid, {"status": "Success"}, converted))
