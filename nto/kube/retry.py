"""Retrying an API operation with capped exponential backoff, for start-up reads that must
succeed before a controller may run (a partial view would make it delete or rewrite objects)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nto.kube.client import ApiError

logger = logging.getLogger(__name__)

T = TypeVar("T")


async def until_it_works(
    operation: Callable[[], Awaitable[T]],
    *,
    what: str,
    first_delay: float = 0.2,
    max_delay: float = 10.0,
) -> T:
    """Await ``operation()`` until it stops raising API or network errors; return its result."""
    delay = first_delay
    while True:
        try:
            return await operation()
        except (ApiError, OSError, TimeoutError) as exc:
            logger.warning("%s failed (%s); retrying in %.1f s", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
