"""Which kopf watches keep failing, for the ClusterOperator's Degraded condition.

kopf retries a failing list or watch forever (:mod:`nto.operator.kopf_config`), so a brownout no
longer ends the process; this module makes it visible instead. The session kopf uses reports
every answer (:data:`nto.kube.session.RequestObserver`); a collection read (a list or a watch:
GET without an object name) answered 5xx, 403 or 429, or not answered at all, counts as a failure
of that resource, any success clears it. After ``failures_to_degrade`` failures in a row the
resource is listed by :meth:`WatchHealth.failing` and ``on_change`` runs (the Tuned controller
re-computes the ClusterOperator status); the first success runs it again.

kopf lists a resource again whenever its watch restarts (after a failure or a 410 Gone) and
reports only the objects it finds, never the ones deleted meanwhile (client-go's reflector
does). Each list after the first calls ``on_relist(resource)``, so a cache fed by kopf's events
can drop what is gone. Watches the runtime runs itself (HyperShift's management cluster) report
through :meth:`WatchHealth.failed` and :meth:`WatchHealth.succeeded`.
Neighbours: :mod:`nto.runtime.controllers` (owns one per operator), :mod:`nto.controller.status`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from yarl import URL

logger = logging.getLogger(__name__)

RETRIED_STATUSES = frozenset({403, 429})
"""Besides 5xx, what kopf retries (403 is seen during API server upgrades)."""


@dataclass
class _Failure:
    count: int
    since: float
    last: str


def collection_of(url: URL) -> str | None:
    """``plural.group`` (``plural`` for the core group) of a list/watch URL, else ``None``."""
    parts = [part for part in url.path.split("/") if part]
    if parts[:2] == ["api", "v1"]:
        rest, group = parts[2:], ""
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        rest, group = parts[3:], parts[1]
    else:
        return None
    if len(rest) == 3 and rest[0] == "namespaces":
        rest = rest[2:]
    if len(rest) != 1:
        return None  # an object, a subresource or the namespaces' own collection
    return f"{rest[0]}.{group}" if group else rest[0]


class WatchHealth:
    """Consecutive failures of list/watch requests per resource; see the module docstring."""

    def __init__(
        self,
        *,
        failures_to_degrade: int = 3,
        on_change: Callable[[], None] | None = None,
        on_relist: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures_to_degrade = failures_to_degrade
        self.on_change = on_change
        self.on_relist = on_relist
        self._listed: set[str] = set()
        self._clock = clock
        self._failures: dict[str, _Failure] = {}

    def observe(
        self, method: str, url: URL, status: int | None, error: BaseException | None
    ) -> None:
        """A :data:`~nto.kube.session.RequestObserver` for kopf's session."""
        if method != "GET" or isinstance(error, asyncio.CancelledError):
            return
        resource = collection_of(url)
        if resource is None:
            return
        if error is None and status is not None and status < 400:
            self.succeeded(resource)
            if url.query.get("watch") != "true":
                self._list_seen(resource)
        elif error is not None or status is None:
            self.failed(resource, f"{type(error).__name__}: {error}")
        elif status >= 500 or status in RETRIED_STATUSES:
            self.failed(resource, f"HTTP {status}")

    def failed(self, resource: str, what: str) -> None:
        """One more failure of ``resource``'s list or watch (also for watches kopf does not run,
        such as the management cluster's, :mod:`nto.runtime.management`)."""
        failure = self._failures.get(resource)
        if failure is None:
            failure = self._failures[resource] = _Failure(0, self._clock(), what)
        failure.count += 1
        failure.last = what
        if failure.count == self.failures_to_degrade:
            logger.warning("Watching %s keeps failing (%s); retrying", resource, what)
            self._changed()

    def succeeded(self, resource: str) -> None:
        """``resource``'s list or watch worked: its failures are forgotten."""
        failure = self._failures.pop(resource, None)
        if failure is not None and failure.count >= self.failures_to_degrade:
            seconds = self._clock() - failure.since
            logger.info("Watching %s works again after %.0f s of failures", resource, seconds)
            self._changed()

    def _list_seen(self, resource: str) -> None:
        if resource not in self._listed:
            self._listed.add(resource)
        elif self.on_relist is not None:
            self.on_relist(resource)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def failing(self) -> list[str]:
        """One entry per resource failing past the threshold, for a condition message.

        Counts and durations stay out, so the message does not change on every retry.
        """
        return [
            f"{resource} ({failure.last})"
            for resource, failure in sorted(self._failures.items())
            if failure.count >= self.failures_to_degrade
        ]
