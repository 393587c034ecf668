"""Watch bookkeeping: events, per-connection watchers and the bounded event history.

The store (:mod:`nto.testing._store`) records every committed change as an :class:`Event` in the
:class:`History` (a bounded window, so old resourceVersions expire with 410) and offers it to each
:class:`Watcher` of that resource. A watcher owns an unbounded asyncio queue read by the HTTP
watch stream in :mod:`nto.testing._handler`; selectors are applied here, including the
ADDED/DELETED transitions when an object's labels move it into or out of a selector.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
from collections.abc import Mapping
from typing import Any

from nto.testing._selectors import Predicate
from nto_api.objects import metadata_of

ResourceKey = tuple[str, str]
INITIAL_EVENTS_END = "k8s.io/initial-events-end"


@dataclasses.dataclass(frozen=True)
class Event:
    """One committed change; ``obj`` is the stored (storage-version) object after it."""

    rv: int
    key: ResourceKey
    type: str  # ADDED, MODIFIED, DELETED
    obj: Mapping[str, Any]
    old: Mapping[str, Any] | None = None


@dataclasses.dataclass(frozen=True)
class Bookmark:
    """A BOOKMARK to send; ``initial_end`` marks the end of a streaming list."""

    rv: int
    initial_end: bool = False


CLOSE = object()  # queue sentinel: end the stream (watch broken on demand or server stopping)


@dataclasses.dataclass(eq=False)
class Watcher:
    """One open watch connection and its filters."""

    key: ResourceKey
    namespace: str | None
    label: Predicate | None
    field: Predicate | None
    queue: asyncio.Queue[Any] = dataclasses.field(default_factory=asyncio.Queue)

    def matches(self, obj: Mapping[str, Any] | None) -> bool:
        if obj is None:
            return False
        if self.namespace is not None and metadata_of(obj).get("namespace") != self.namespace:
            return False
        if self.label is not None and not self.label(obj):
            return False
        return self.field is None or self.field(obj)

    def offer(self, event: Event) -> None:
        """Queue ``event`` as this watcher sees it through its selectors, or not at all."""
        now = self.matches(event.obj)
        if event.type != "MODIFIED":
            if now:
                self.queue.put_nowait(event)
            return
        before = self.matches(event.old)
        if now and before:
            self.queue.put_nowait(event)
        elif now:
            self.queue.put_nowait(dataclasses.replace(event, type="ADDED"))
        elif before:
            self.queue.put_nowait(dataclasses.replace(event, type="DELETED"))


class History:
    """The last ``size`` events; a resourceVersion older than the window has expired."""

    def __init__(self, size: int) -> None:
        self._events: collections.deque[Event] = collections.deque(maxlen=max(size, 1))
        self.compacted = 0  # every event with rv <= compacted is gone

    def append(self, event: Event) -> None:
        if len(self._events) == self._events.maxlen:
            self.compacted = self._events[0].rv
        self._events.append(event)

    def compact(self) -> None:
        """Forget every event (tests use it to force 410 Gone)."""
        if self._events:
            self.compacted = self._events[-1].rv
        self._events.clear()

    def since(self, rv: int, key: ResourceKey) -> list[Event]:
        return [event for event in self._events if event.rv > rv and event.key == key]
