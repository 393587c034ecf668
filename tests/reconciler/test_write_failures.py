"""How the Tuned controller classifies a failed Profile write (`nto.reconciler.failures`)."""

from __future__ import annotations

import pytest

from nto.kube.client import ApiError, ConflictError
from nto.reconciler.failures import classify


@pytest.mark.parametrize(
    ("exc", "code", "transient", "fragment"),
    [
        (
            ApiError(413, "RequestEntityTooLarge", "etcdserver: request is too large"),
            "413",
            False,
            "too large",
        ),
        (
            ApiError(500, "InternalError", "etcdserver: request is too large"),
            "500",
            False,
            "too large",
        ),
        (
            ApiError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728"),
            "413",
            False,
            "3145728",
        ),
        (ConflictError(409, "Conflict", "stale"), "409", True, "409 Conflict: stale"),
        (ApiError(429, "TooManyRequests", "slow down"), "429", True, "429"),
        (ApiError(503, "ServiceUnavailable", "brownout"), "503", True, "brownout"),
        (ApiError(422, "Invalid", "x" * 10_000), "422", False, "422 Invalid"),
        (TimeoutError("read timed out"), "network", True, "TimeoutError"),
        (ConnectionResetError("reset"), "network", True, "ConnectionResetError"),
    ],
    ids=["413-etcd", "500-etcd", "413-body", "409", "429", "503", "422-long", "timeout", "reset"],
)
def test_classify(exc, code, transient, fragment):
    failure = classify(exc)
    assert (failure.code, failure.transient) == (code, transient)
    assert fragment in failure.text
    assert len(failure.text) < 300
