"""A per-profile work queue: delayed re-adds, de-duplication, one worker per name at a time.

Like controller-runtime's rate-limited queue, in asyncio: :meth:`WorkQueue.add` schedules a
name (now or after a delay; the earliest wins), :meth:`WorkQueue.run` hands due names to a
bounded number of concurrent workers. A name re-added while its worker runs is processed again
afterwards. A worker returns the delay of its own requeue (or None); an exception retries with
exponential backoff. Neighbours: :mod:`.handlers` (feeds it), :mod:`.reconciler` (the worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable

__all__ = ["WorkQueue", "Worker"]

logger = logging.getLogger(__name__)

Worker = Callable[[str], Awaitable[float | None]]


class WorkQueue:
    """Names due at a time; see the module docstring."""

    def __init__(self, *, max_backoff: float = 60.0) -> None:
        self._due: dict[str, float] = {}
        self._active: set[str] = set()
        self._again: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._wake = asyncio.Event()
        self._max_backoff = max_backoff
        self._tasks: set[asyncio.Task[None]] = set()

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def __len__(self) -> int:
        return len(self._due) + len(self._active)

    def add(self, name: str, delay: float = 0.0) -> None:
        """Process `name` after `delay` seconds (sooner if already scheduled sooner)."""
        self._add_at(name, self._now() + max(delay, 0.0))

    def _add_at(self, name: str, due: float) -> None:
        if name in self._active:
            self._again[name] = min(self._again.get(name, math.inf), due)
            return
        if due < self._due.get(name, math.inf):
            self._due[name] = due
            self._wake.set()

    def forget(self, name: str) -> None:
        """Drop pending work and the failure count of `name`."""
        self._due.pop(name, None)
        self._again.pop(name, None)
        self._failures.pop(name, None)

    async def _next(self) -> str:
        while True:
            self._wake.clear()
            if self._due:
                name, due = min(self._due.items(), key=lambda item: item[1])
                wait = due - self._now()
                if wait <= 0:
                    del self._due[name]
                    return name
            else:
                wait = None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def run(self, worker: Worker, *, workers: int = 8) -> None:
        """Process names forever with at most `workers` running at once."""
        slots = asyncio.Semaphore(workers)
        try:
            while True:
                await slots.acquire()
                try:
                    name = await self._next()
                except BaseException:
                    slots.release()
                    raise
                self._active.add(name)
                task = asyncio.create_task(self._one(name, worker, slots))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        finally:
            for task in list(self._tasks):
                task.cancel()

    async def _one(self, name: str, worker: Worker, slots: asyncio.Semaphore) -> None:
        requeue: float | None = None
        try:
            requeue = await worker(name)
            self._failures.pop(name, None)
        except asyncio.CancelledError:
            raise
        except Exception:
            count = self._failures.get(name, 0) + 1
            self._failures[name] = count
            requeue = min(0.25 * 2**count, self._max_backoff)
            logger.exception(
                "Reconciling PerformanceProfile %r failed; retrying in %.1f s", name, requeue
            )
        finally:
            slots.release()
            self._active.discard(name)
            again = self._again.pop(name, None)
            if again is not None:
                self._add_at(name, again)
        if requeue is not None:
            self.add(name, requeue)
