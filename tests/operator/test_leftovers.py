"""An abandoned watch stream whose clean-up fails at shutdown is one debug line, not an ERROR."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from nto.operator.leftovers import quiet_abandoned_streams


async def stream() -> AsyncIterator[int]:
    """Like kopf's watch stream: clean-up that needs a session already closed."""
    try:
        yield 1
        yield 2
    finally:
        raise RuntimeError("Session is closed")


async def abandon_a_stream(stopping: bool, kept: list[AsyncIterator[int]]) -> None:
    stop = asyncio.Event()
    quiet_abandoned_streams(stop)
    if stopping:
        stop.set()
    events = stream()
    assert await anext(events) == 1  # suspended at its yield, as a cancelled watcher leaves it
    kept.append(events)  # still referenced when asyncio.run closes leftover generators


@pytest.mark.parametrize("stopping", [True, False])
def test_a_stream_closed_after_the_stop_is_logged_quietly(
    caplog: pytest.LogCaptureFixture, stopping: bool
) -> None:
    with caplog.at_level(logging.DEBUG):
        kept: list[AsyncIterator[int]] = []
        asyncio.run(abandon_a_stream(stopping, kept))  # its shutdown_asyncgens() closes `kept`
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    quiet = [r for r in caplog.records if r.name == "nto.operator.leftovers"]
    if stopping:
        assert not errors, [r.getMessage() for r in errors]
        assert len(quiet) == 1
        assert "Session is closed" in quiet[0].getMessage()
    else:  # before the stop, a failing clean-up is a real error: asyncio's handler reports it
        assert not quiet
        assert any("asynchronous generator" in r.getMessage() for r in errors)
