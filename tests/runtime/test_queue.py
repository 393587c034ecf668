"""The runtime's work queue: de-duplication, delays, one worker per key, batches, and how
permanent, temporary and unexpected errors steer retries and backoff."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import pytest

from nto.runtime.errors import PermanentError, TemporaryError
from nto.runtime.queue import WorkQueue


async def drain_until(queue: WorkQueue, run: Any, done: Callable[[], bool], timeout: float = 10.0):
    """Run the queue until ``done()`` holds (checked as work finishes), not for a fixed time."""
    task = asyncio.create_task(run)
    try:
        async with asyncio.timeout(timeout):
            while not done():
                await asyncio.sleep(0.005)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_deduplicates_and_orders_by_due_time():
    queue = WorkQueue("test")
    seen: list[str] = []

    async def worker(key: str) -> None:
        seen.append(key)

    queue.add("late", 0.05)
    queue.add("a")
    queue.add("a")
    queue.add("b")
    await drain_until(queue, queue.run(worker), lambda: len(seen) == 3 and len(queue) == 0)
    assert seen == ["a", "b", "late"]


async def test_one_worker_per_key_and_re_add_while_running():
    queue = WorkQueue("test")
    running: set[str] = set()
    overlaps: list[str] = []
    runs: list[str] = []

    async def worker(key: str) -> None:
        if key in running:
            overlaps.append(key)
        running.add(key)
        runs.append(key)
        if len(runs) == 1:
            queue.add(key)  # re-added while running: processed again afterwards
        await asyncio.sleep(0.02)
        running.discard(key)

    queue.add("x")
    await drain_until(queue, queue.run(worker, workers=4), lambda: len(runs) == 2 and not queue)
    assert runs == ["x", "x"]
    assert overlaps == []


async def test_requeue_delay_returned_by_the_worker():
    queue = WorkQueue("test")
    runs: list[str] = []

    async def worker(key: str) -> float | None:
        runs.append(key)
        return 0.03 if runs.count(key) < 3 else None

    queue.add("ok")
    await drain_until(queue, queue.run(worker), lambda: runs.count("ok") == 3 and not queue)
    assert queue.completed == 3


async def test_forget_drops_pending_work():
    queue = WorkQueue("test")
    runs: list[str] = []

    async def worker(key: str) -> None:
        runs.append(key)

    queue.add("gone", 0.02)
    queue.forget("gone")
    assert len(queue) == 0
    queue.add("after", 0.05)  # due after "gone" was: had it stayed, it would have run first
    await drain_until(queue, queue.run(worker), lambda: bool(runs))
    assert runs == ["after"]


async def test_permanent_error_is_not_retried(caplog):
    queue = WorkQueue("test", first_backoff=0.001)
    runs: list[str] = []
    results: list[str] = []
    queue._observe = lambda result, seconds: results.append(result)

    async def worker(key: str) -> None:
        runs.append(key)
        if key == "bad":
            raise PermanentError("spec.cpu is invalid; fix it")

    queue.add("bad")
    queue.add("good")
    await drain_until(queue, queue.run(worker), lambda: len(results) == 2)
    queue.add("marker", 0.02)  # a retry of "bad" would have been due long before this
    await drain_until(queue, queue.run(worker), lambda: "marker" in runs)
    assert runs.count("bad") == 1
    assert sorted(results[:2]) == ["error", "ok"]
    assert "not retried until it changes" in caplog.text


async def test_temporary_error_retries_after_its_own_delay():
    queue = WorkQueue("test", first_backoff=30.0)  # the backoff would never come in time
    runs: list[str] = []

    async def worker(key: str) -> None:
        runs.append(key)
        if len(runs) == 1:
            raise TemporaryError("the pool has not applied the Tuned yet", delay=0.01)

    queue.add("profile")
    await drain_until(queue, queue.run(worker), lambda: len(runs) == 2 and not queue)
    assert runs == ["profile", "profile"]
    assert queue.completed == 1


async def test_unexpected_errors_back_off_exponentially_and_success_resets(caplog):
    queue = WorkQueue("test", first_backoff=0.001, max_backoff=0.004)
    failures: list[int] = []
    runs: list[str] = []

    async def worker(key: str) -> None:
        runs.append(key)
        if len(runs) <= 4:
            failures.append(queue._failures.get(key, 0))
            raise RuntimeError("boom")

    queue.add("k")
    await drain_until(queue, queue.run(worker), lambda: len(runs) == 5 and not queue)
    assert failures == [0, 1, 2, 3]  # the failure count grows while failing...
    assert "k" not in queue._failures  # ...and a success resets it
    assert "reconciling 'k' failed" in caplog.text


def test_backoff_doubles_up_to_the_cap():
    queue = WorkQueue("test", first_backoff=0.5, max_backoff=3.0)
    assert [queue.backoff("k") for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    queue.forget("k")
    assert queue.backoff("k") == 0.5


async def test_batches_take_every_due_key_at_once():
    queue = WorkQueue("test")
    batches: list[frozenset[str]] = []

    async def worker(batch: frozenset[str]) -> None:
        batches.append(batch)

    queue.add_all(["*", "node/a", "node/b", "node/a"])
    await drain_until(queue, queue.run_batches(worker, debounce=0.01), lambda: bool(batches))
    assert batches == [frozenset({"*", "node/a", "node/b"})]


async def test_a_failed_batch_backs_the_whole_queue_off():
    """After a failure nothing runs before the backoff, not even newly added keys; then the
    failed keys and the new ones run together."""
    queue = WorkQueue("test", first_backoff=0.05, max_backoff=0.05)
    batches: list[frozenset[str]] = []

    async def worker(batch: frozenset[str]) -> None:
        batches.append(batch)
        if len(batches) == 1:
            queue.add("node/new")  # arrives while the failing batch runs
            raise TemporaryError("Profile writes of 1 node(s) failed; retrying them")

    queue.add("*")
    await drain_until(queue, queue.run_batches(worker, debounce=0.0), lambda: len(batches) == 2)
    assert batches == [frozenset({"*"}), frozenset({"*", "node/new"})]


def test_adding_before_the_loop_runs_is_due_at_once():
    queue = WorkQueue("test")
    queue.add("*")  # e.g. a status sync asked for while the operator is being built
    assert "*" in queue


@pytest.mark.parametrize("delay", [None, 2.5])
def test_errors_map_to_kopf(delay):
    import kopf

    from nto.runtime.errors import to_kopf

    permanent = to_kopf(PermanentError("no"), default_delay=10)
    assert isinstance(permanent, kopf.PermanentError)
    temporary = to_kopf(TemporaryError("later", delay=delay), default_delay=10)
    assert isinstance(temporary, kopf.TemporaryError)
    assert temporary.delay == (10 if delay is None else delay)
    other = to_kopf(OSError("connection refused"), default_delay=7)
    assert isinstance(other, kopf.TemporaryError)
    assert other.delay == 7
