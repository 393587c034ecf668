"""The work queue: de-duplication, delays, one worker per name, requeue and backoff."""

from __future__ import annotations

import asyncio
import contextlib

from nto_performance.controller.workqueue import WorkQueue


async def run_until(queue: WorkQueue, worker, done, timeout: float = 10.0) -> None:
    """Run the queue until `done()` holds (checked as work finishes), not for a fixed time."""
    task = asyncio.create_task(queue.run(worker, workers=4))
    try:
        async with asyncio.timeout(timeout):
            while not done():
                await asyncio.sleep(0.005)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_deduplicates_and_orders_by_due_time():
    queue = WorkQueue()
    seen: list[str] = []

    async def worker(name: str) -> None:
        seen.append(name)

    queue.add("late", 0.05)
    queue.add("a")
    queue.add("a")
    queue.add("b")
    await run_until(queue, worker, lambda: len(seen) == 3 and len(queue) == 0)
    assert seen == ["a", "b", "late"]


async def test_one_worker_per_name_and_re_add_while_running():
    queue = WorkQueue()
    running: set[str] = set()
    overlaps: list[str] = []
    runs: list[str] = []

    async def worker(name: str) -> None:
        if name in running:
            overlaps.append(name)
        running.add(name)
        runs.append(name)
        if len(runs) == 1:
            queue.add(name)  # re-added while running: processed again afterwards
        await asyncio.sleep(0.02)
        running.discard(name)

    queue.add("x")
    await run_until(queue, worker, lambda: len(runs) == 2 and len(queue) == 0)
    assert runs == ["x", "x"]
    assert overlaps == []


async def test_requeue_delay_and_error_backoff():
    queue = WorkQueue(max_backoff=0.05)
    runs: list[str] = []

    async def worker(name: str) -> float | None:
        runs.append(name)
        if name == "boom":
            raise RuntimeError("boom")
        return 0.03 if runs.count(name) < 3 else None

    queue.add("ok")
    queue.add("boom")

    def settled() -> bool:
        ok_idle = "ok" not in queue._due and "ok" not in queue._active
        return runs.count("ok") == 3 and ok_idle and runs.count("boom") >= 2

    await run_until(queue, worker, settled)
    assert runs.count("ok") == 3  # requeued twice after 0.03 s, then done
    queue.forget("boom")


async def test_forget_drops_pending_work():
    queue = WorkQueue()
    runs: list[str] = []

    async def worker(name: str) -> None:
        runs.append(name)

    queue.add("gone", 0.02)
    queue.forget("gone")
    assert len(queue) == 0
    queue.add("after", 0.05)  # due after "gone" was: had it stayed, it would have run first
    await run_until(queue, worker, lambda: runs)
    assert runs == ["after"]
