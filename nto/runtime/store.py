"""The runtime's typed cache: the objects of one watched resource, by name.

A :class:`Store` is filled by the runtime from kopf's watch events (and from the start-up and
re-lists, :mod:`.controllers`); subscribers hear each change as a :class:`WatchEvent` carrying
the previous version, so they can decide which work a change concerns. A controller's own writes
go in with ``store[name] = answer`` (no event): a reconcile that runs before the watch event
arrives then does not write the same change twice. Objects are plain dicts, as the API sent them.
Neighbours: :mod:`.controllers` (feeds stores), :mod:`.queue` (what subscribers usually feed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nto_api.objects import JSONDict  # no runtime import: the CLI's start-up stays light

__all__ = ["Listener", "Resource", "Store", "WatchEvent"]

logger = logging.getLogger(__name__)


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = obj.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


@dataclass(frozen=True)
class Resource:
    """A watched API resource: ``Resource("", "v1", "nodes")``."""

    group: str
    version: str
    plural: str

    @property
    def api_version(self) -> str:
        """``v1`` or ``group/version``, as clients and manifests spell it."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def key(self) -> str:
        """``plural.group`` (``plural`` for the core group), as kopf and watch health name it."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


@dataclass(frozen=True)
class WatchEvent:
    """One change a store recorded: ``type`` is kopf's (``None`` for a listed object)."""

    type: str | None
    object: JSONDict
    previous: JSONDict | None

    @property
    def deleted(self) -> bool:
        return self.type == "DELETED"

    @property
    def name(self) -> str:
        return str(_metadata(self.object).get("name") or "")


Listener = Callable[[WatchEvent], None]
"""Hears a store's changes; must be cheap and must not block (it runs in the watch)."""


class Store(MutableMapping[str, dict[str, Any]]):
    """Objects of ``resource`` that pass the filters, by name; see the module docstring.

    ``namespace`` keeps only objects of that namespace; ``where`` is any further filter. An
    object that stops passing the filters (its annotation removed, say) leaves the store as if
    deleted.
    """

    def __init__(
        self,
        resource: Resource,
        *,
        namespace: str | None = None,
        where: Callable[[Mapping[str, Any]], bool] | None = None,
    ) -> None:
        self.resource = resource
        self.namespace = namespace
        self._where = where
        self._objects: dict[str, JSONDict] = {}
        self._listeners: list[Listener] = []
        self.synced = False
        """True once the start-up list filled the store: a partial view must not be judged."""

    # --- the mapping ----------------------------------------------------------------------------

    def __getitem__(self, name: str) -> JSONDict:
        return self._objects[name]

    def __setitem__(self, name: str, obj: JSONDict) -> None:
        self._objects[name] = obj

    def __delitem__(self, name: str) -> None:
        del self._objects[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._objects)

    def __len__(self) -> int:
        return len(self._objects)

    def __repr__(self) -> str:
        return f"Store({self.resource.key!r}, {len(self)} objects)"

    # --- feeding ----------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` on every change the watch brings (not on the controller's writes)."""
        self._listeners.append(listener)

    def accepts(self, obj: Mapping[str, Any]) -> bool:
        """Whether ``obj`` belongs in this store (namespace and ``where`` filters)."""
        if self.namespace is not None and _metadata(obj).get("namespace") != self.namespace:
            return False
        return self._where is None or self._where(obj)

    def put(self, obj: JSONDict) -> None:
        """Record ``obj`` (a controller's write answered by the server); nobody is told."""
        if self.accepts(obj):
            self._objects[str(_metadata(obj).get("name") or "")] = obj

    def apply(self, event_type: str | None, obj: JSONDict) -> WatchEvent | None:
        """Record one watch event and tell the subscribers; None when the store ignores it."""
        name = str(_metadata(obj).get("name") or "")
        if not name:
            return None
        if self.namespace is not None and _metadata(obj).get("namespace") != self.namespace:
            return None
        if event_type != "DELETED" and self._where is not None and not self._where(obj):
            if name not in self._objects:
                return None
            event_type = "DELETED"  # it stopped passing the filter: gone for this store
        previous = self._objects.pop(name, None)
        if event_type != "DELETED":
            self._objects[name] = obj
        elif previous is None:
            return None
        event = WatchEvent(event_type, obj, previous)
        self._notify(event)
        return event

    def fill(self, items: list[JSONDict]) -> None:
        """Record a full list (the start-up list) without events; the store is then synced."""
        for item in items:
            self.put(item)
        self.synced = True

    def prune(self, present: set[str]) -> list[str]:
        """Drop objects a re-list no longer reports, telling subscribers; return their names."""
        gone = sorted(set(self._objects) - present)
        for name in gone:
            previous = self._objects.pop(name)
            self._notify(WatchEvent("DELETED", previous, previous))
        return gone

    def _notify(self, event: WatchEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                logger.exception("A listener of %s failed on %s", self.resource.key, event.name)
