"""The runtime's work queue: de-duplicated keys due at a time, retries with backoff.

Like controller-runtime's rate-limited queue, in asyncio. :meth:`WorkQueue.add` schedules a key
(now or after a delay; the earliest wins). Two ways to drain it:

- :meth:`WorkQueue.run`: one worker call per key, at most ``workers`` at once, never two for the
  same key; a key re-added while its worker runs is processed again afterwards. Failures back
  off per key.
- :meth:`WorkQueue.run_batches`: one worker call at a time with every due key (after a short
  debounce), for a controller whose reconcile is global; a failure backs the whole queue off.

A worker returns the delay of its own requeue (or None). :class:`~.errors.PermanentError` drops
the work until the key is added again; :class:`~.errors.TemporaryError` retries after its delay
(or the backoff); any other exception is logged with its traceback and retried with backoff,
doubling from ``first_backoff`` up to ``max_backoff`` and reset by a success.
Neighbours: :mod:`.controllers` (builds one per controller), :mod:`.errors`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
from collections.abc import Awaitable, Callable, Iterable

from nto.runtime.errors import PermanentError, TemporaryError

__all__ = ["BatchWorker", "ResultObserver", "WorkQueue", "Worker"]

logger = logging.getLogger(__name__)

Worker = Callable[[str], Awaitable[float | None]]
"""Reconciles one key; returns the delay of a requeue, or None."""

BatchWorker = Callable[[frozenset[str]], Awaitable[float | None]]
"""Reconciles every due key at once; returns the delay of a requeue of them all, or None."""

ResultObserver = Callable[[str, float], None]
"""Told ``("ok" | "error", seconds)`` after each worker call (metrics)."""

_BATCH = "\0batch"
"""The failure counter of a batch queue (no key can hold a NUL)."""


class WorkQueue:
    """Keys due at a time; see the module docstring."""

    def __init__(
        self,
        name: str,
        *,
        first_backoff: float = 0.5,
        max_backoff: float = 60.0,
        observe: ResultObserver | None = None,
    ) -> None:
        self.name = name
        self.completed = 0
        """Worker calls that succeeded (a progress counter for tests and logs)."""
        self._due: dict[str, float] = {}
        self._active: set[str] = set()
        self._again: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._paused_until = 0.0
        self._wake = asyncio.Event()
        self._first_backoff = first_backoff
        self._max_backoff = max_backoff
        self._observe = observe
        self._tasks: set[asyncio.Task[None]] = set()

    @staticmethod
    def _now() -> float:
        try:
            return asyncio.get_running_loop().time()
        except RuntimeError:
            return 0.0  # added before the event loop runs: due as soon as it drains

    def __len__(self) -> int:
        return len(self._due) + len(self._active)

    def __contains__(self, key: object) -> bool:
        return key in self._due or key in self._active

    def add(self, key: str, delay: float = 0.0) -> None:
        """Process ``key`` after ``delay`` seconds (sooner if already scheduled sooner)."""
        self._add_at(key, self._now() + max(delay, 0.0))

    def add_all(self, keys: Iterable[str], delay: float = 0.0) -> None:
        for key in keys:
            self.add(key, delay)

    def _add_at(self, key: str, due: float) -> None:
        if key in self._active:
            self._again[key] = min(self._again.get(key, math.inf), due)
            return
        if due < self._due.get(key, math.inf):
            self._due[key] = due
            self._wake.set()

    def forget(self, key: str) -> None:
        """Drop pending work and the failure count of ``key``."""
        self._due.pop(key, None)
        self._again.pop(key, None)
        self._failures.pop(key, None)

    def backoff(self, key: str) -> float:
        """The delay of the next retry of ``key`` after one more failure (counts it)."""
        count = self._failures[key] = self._failures.get(key, 0) + 1
        return float(min(self._first_backoff * 2 ** (count - 1), self._max_backoff))

    # --- waiting --------------------------------------------------------------------------------

    async def _sleep_until(self, when: float) -> None:
        while (wait := when - self._now()) > 0:
            await asyncio.sleep(wait)

    async def _wait_due(self) -> None:
        """Return once some key is due (and any batch backoff is over)."""
        while True:
            await self._sleep_until(self._paused_until)
            self._wake.clear()
            wait: float | None = None
            if self._due:
                wait = min(self._due.values()) - self._now()
                if wait <= 0:
                    return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    def _take_due(self, limit: int | None) -> list[str]:
        now = self._now()
        due = sorted((when, key) for key, when in self._due.items() if when <= now)
        keys = [key for _, key in due[:limit]]
        for key in keys:
            del self._due[key]
            self._active.add(key)
        return keys

    # --- draining -------------------------------------------------------------------------------

    async def run(self, worker: Worker, *, workers: int = 8) -> None:
        """Process keys forever, one worker call per key, at most ``workers`` at once."""
        slots = asyncio.Semaphore(workers)
        try:
            while True:
                await slots.acquire()
                try:
                    await self._wait_due()
                    (key,) = self._take_due(1)
                except BaseException:
                    slots.release()
                    raise
                task = asyncio.create_task(self._one(key, worker, slots))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            for task in list(self._tasks):
                task.cancel()

    async def _one(self, key: str, worker: Worker, slots: asyncio.Semaphore) -> None:
        try:
            requeue, _ = await self._call(key, lambda: worker(key))
        finally:
            slots.release()
        self._finish([key], requeue)

    async def run_batches(self, worker: BatchWorker, *, debounce: float = 0.05) -> None:
        """Process every due key in one worker call, one call at a time, forever."""
        while True:
            await self._wait_due()
            await asyncio.sleep(debounce)
            keys = self._take_due(None)
            if not keys:
                continue
            requeue, failed = await self._call(_BATCH, functools.partial(worker, frozenset(keys)))
            if failed and requeue is not None:
                self._paused_until = self._now() + requeue  # the whole controller backs off
                requeue = 0.0
            self._finish(keys, requeue)

    async def _call(
        self, key: str, work: Callable[[], Awaitable[float | None]]
    ) -> tuple[float | None, bool]:
        """Run one worker call; return the requeue delay (its own, or a retry's), and whether
        it failed."""
        started = self._now()
        result = "ok"
        try:
            requeue = await work()
        except asyncio.CancelledError:
            raise
        except PermanentError as exc:
            result = "error"
            self._failures.pop(key, None)
            logger.error("%s: %s (%s); not retried until it changes", self.name, exc, _what(key))
            requeue = None
        except TemporaryError as exc:
            result = "error"
            requeue = self.backoff(key) if exc.delay is None else exc.delay
            logger.warning("%s: %s (%s); retrying in %.1f s", self.name, exc, _what(key), requeue)
        except Exception:
            result = "error"
            requeue = self.backoff(key)
            logger.exception(
                "%s: reconciling %s failed; retrying in %.1f s", self.name, _what(key), requeue
            )
        else:
            self._failures.pop(key, None)
            self.completed += 1
        if self._observe is not None:
            self._observe(result, self._now() - started)
        return requeue, result == "error"

    def _finish(self, keys: list[str], requeue: float | None) -> None:
        for key in keys:
            self._active.discard(key)
            again = self._again.pop(key, None)
            if again is not None:
                self._add_at(key, again)
            if requeue is not None:
                self.add(key, requeue)


def _what(key: str) -> str:
    return "the batch" if key == _BATCH else repr(key)
