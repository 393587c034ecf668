"""How a failed write is classified: too large, transient (retry soon) or permanent.

The controller writes each Profile on its own; a failure fails that Profile alone. Transient
failures (a conflict, 429, a 5xx, no answer) are retried after a backoff; "too large" (413, or
etcd's "request is too large" that some servers send with a 500) and other refusals wait for the
next change, since writing the same object again gives the same answer. Neighbours:
:mod:`.controller` (records failures, reports them in the ClusterOperator status and metrics).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from nto.kube.client import ApiError, ConflictError
from nto.runtime.errors import TemporaryError

__all__ = ["RetryLater", "WriteFailure", "classify"]

_TOO_LARGE_WORDS: Final = ("request is too large", "entity too large")
_QUOTED: Final = 200


class RetryLater(TemporaryError):
    """Some writes failed transiently; the rest of the reconcile went through (the runtime's
    queue retries the batch after its backoff)."""


@dataclass(frozen=True)
class WriteFailure:
    """A failed write: the metric label, a bounded message and whether to retry soon."""

    code: str
    text: str
    transient: bool


def classify(exc: ApiError | OSError | TimeoutError) -> WriteFailure:
    """The `WriteFailure` for `exc` (the server's message is quoted up to 200 characters)."""
    if not isinstance(exc, ApiError):
        return WriteFailure("network", f"{type(exc).__name__}: {exc}"[:_QUOTED], True)
    message = exc.message[:_QUOTED]
    text = f"{exc.reason} {exc.message}".lower()
    if exc.status == 413 or any(words in text for words in _TOO_LARGE_WORDS):
        return WriteFailure(str(exc.status), f"too large to store ({exc.status}: {message})", False)
    transient = isinstance(exc, ConflictError) or exc.status == 429 or exc.status >= 500
    return WriteFailure(str(exc.status), f"{exc.status} {exc.reason}: {message}", transient)
