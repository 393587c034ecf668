"""kopf configured for a cluster operator that leaves user objects alone.

kopf normally records handler progress and the last-handled state in annotations on the objects
it serves. Our controllers are level-triggered (every reconcile recomputes from current state),
so both records live in memory only: a restart just reconciles again. Peering is off; leader
election is the core's job.

API errors (5xx, 403, 429, timeouts, refused connections) are retried forever with a capped,
jittered exponential :class:`Backoff`, as client-go's reflectors do: kopf's default gives up on a
watcher after 8 retries (about 54 s of 500s) and the whole operator exits, so an etcd leader
change or an API server rollout would restart the pod. Every kopf watcher, the core's and every
plugin's, runs in the one kopf operator with these settings.
Neighbours: :mod:`nto.operator.runtime`, :mod:`nto.operator.watch_health`.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import kopf

from nto_api.objects import uid_of


class MemoryProgressStorage(kopf.ProgressStorage):
    """Handler progress kept in the process, keyed by object uid and handler id."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], Any] = {}

    def fetch(self, *, key: Any, body: Any) -> Any:
        return self._records.get((uid_of(body), str(key)))

    def store(self, *, key: Any, record: Any, body: Any, patch: Any) -> None:
        del patch
        self._records[(uid_of(body), str(key))] = copy.deepcopy(dict(record))

    def purge(self, *, key: Any, body: Any, patch: Any) -> None:
        del patch
        self._records.pop((uid_of(body), str(key)), None)

    def touch(self, *, body: Any, patch: Any, value: str | None) -> None:
        del body, patch, value

    def clear(self, *, essence: Any) -> Any:
        return copy.deepcopy(essence)


class MemoryDiffBaseStorage(kopf.DiffBaseStorage):
    """The last-handled essence of each object, kept in the process."""

    def __init__(self) -> None:
        super().__init__()
        self._essences: dict[str, Any] = {}

    def fetch(self, *, body: Any) -> Any:
        return self._essences.get(uid_of(body))

    def store(self, *, body: Any, patch: Any, essence: Any) -> None:
        del patch
        self._essences[uid_of(body)] = copy.deepcopy(essence)


@dataclass(frozen=True)
class Backoff:
    """Endless delays: ``first``, doubling up to ``cap``, each stretched by up to ``jitter``.

    Iterating starts a fresh sequence, so every kopf request retries from ``first``. The
    sequence has no length, which is how kopf learns to retry without giving up.
    client-go's reflectors back off from 800 ms to 30 s.
    """

    first: float = 0.8
    cap: float = 30.0
    jitter: float = 0.2
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __iter__(self) -> Iterator[float]:
        delay = self.first
        while True:
            yield delay * (1 + self.jitter * self.random())
            delay = min(delay * 2, self.cap)


def operator_settings(*, backoff: Backoff | None = None) -> kopf.OperatorSettings:
    """Fresh kopf settings with our choices applied (see :func:`configure`)."""
    settings = kopf.OperatorSettings()
    configure(settings, backoff=backoff or Backoff())
    return settings


def configure(
    settings: kopf.OperatorSettings,
    *,
    finalizer: str = "foreground-deletion",
    backoff: Backoff | None = None,
) -> None:
    """Apply our persistence, peering, posting and retry choices to kopf's settings."""
    settings.persistence.progress_storage = MemoryProgressStorage()
    settings.persistence.diffbase_storage = MemoryDiffBaseStorage()
    settings.persistence.finalizer = finalizer
    settings.peering.standalone = True
    settings.peering.mandatory = False
    settings.posting.level = 30  # WARNING and above become Kubernetes events
    settings.watching.server_timeout = 300
    settings.watching.client_timeout = 330
    settings.networking.request_timeout = 60
    settings.networking.error_backoffs = backoff or Backoff()
