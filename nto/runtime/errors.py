"""Errors that steer a controller's retries, and their mapping to kopf's.

::

    Exception
    ├── PermanentError     retrying gives the same answer: log it, wait for the next change
    └── TemporaryError     retry: after ``delay`` seconds, or after the queue's backoff
                           when ``delay`` is None

Any other exception a reconcile raises is temporary too (logged with its traceback, retried
with backoff), as kopf treats arbitrary errors. :func:`to_kopf` turns ours (and API or network
errors) into ``kopf.PermanentError`` / ``kopf.TemporaryError`` for handlers kopf runs itself
(:meth:`nto.runtime.controllers.ControllerRuntime.finalizer`). No kopf import here: the plugin
surface re-exports these names cheaply. Neighbours: :mod:`.queue`, :mod:`.controllers`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PermanentError", "TemporaryError", "to_kopf"]


class PermanentError(Exception):
    """Do not retry this work until something it depends on changes."""


class TemporaryError(Exception):
    """Retry this work: after ``delay`` seconds, or after the queue's backoff when None."""

    def __init__(self, message: str = "", *, delay: float | None = None) -> None:
        super().__init__(message)
        self.delay = delay


def to_kopf(exc: BaseException, *, default_delay: float) -> Exception:
    """kopf's error for ``exc``: permanent stays permanent, everything else is temporary."""
    import kopf

    if isinstance(exc, PermanentError):
        return kopf.PermanentError(str(exc))
    delay: Any = exc.delay if isinstance(exc, TemporaryError) and exc.delay is not None else None
    return kopf.TemporaryError(str(exc), delay=delay if delay is not None else default_delay)
