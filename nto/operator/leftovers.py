"""What kopf leaves behind at shutdown: watch streams closed by the garbage collector.

When the operator stops, kopf cancels its watcher tasks. A watcher cancelled between two events
leaves kopf's watch-stream async generator suspended at its ``yield``; asyncio closes it later
(its async-generator finaliser, or ``shutdown_asyncgens`` when the loop ends), and kopf's clean-up
inside it can raise while the session under it is already gone. asyncio's default handler then
logs an ERROR with a chained traceback although nothing was lost: the process is stopping.
:func:`quiet_abandoned_streams` reports those as one debug line once the stop was requested and
leaves every other loop error to asyncio's default handler. Neighbour: :mod:`.runtime` (installs
it when the operator starts).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

__all__ = ["quiet_abandoned_streams"]

logger = logging.getLogger(__name__)


def quiet_abandoned_streams(stop: asyncio.Event) -> None:
    """Install the running loop's exception handler described in the module docstring."""

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if stop.is_set() and "asyncgen" in context:
            logger.debug(
                "Closing %r after the stop failed: %r (nothing lost: the operator is stopping)",
                context["asyncgen"],
                context.get("exception"),
            )
            return
        loop.default_exception_handler(context)

    asyncio.get_running_loop().set_exception_handler(handle)
