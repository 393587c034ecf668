"""Fault injection: make the next N matching requests fail, stall, or both; token checks.

``EmulatedCluster.inject_fault`` adds a :class:`Fault`; the router (:mod:`nto.testing._handler`)
asks :class:`Faults` for the first live fault matching each request before serving it. A fault
with a ``delay`` sleeps first (longer than the client's timeout, it is a timeout); with a
``status`` it then answers with that error instead of serving the request.
"""

from __future__ import annotations

import dataclasses
import threading


@dataclasses.dataclass
class Fault:
    """One injected fault; ``hits`` counts the requests it has affected so far."""

    status: int | None
    count: int
    method: str | None = None
    path_contains: str | None = None
    resource: str | None = None
    delay: float = 0.0
    message: str = ""
    watch_event: bool = False
    """On a watch, answer 200 and send the error as an ``ERROR`` event (as a server does once a
    stream started, e.g. on an etcd leader change) instead of an error status."""
    hits: int = 0

    def matches(self, method: str, path: str, resource_names: frozenset[str]) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path_contains is not None and self.path_contains not in path:
            return False
        return self.resource is None or self.resource in resource_names

    @property
    def exhausted(self) -> bool:
        return self.hits >= self.count


class Faults:
    """The live faults; safe to add from the test thread while the server runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.count < 1:
            raise ValueError(f"fault count must be at least 1, got {fault.count!r}")
        if fault.status is None and fault.delay <= 0:
            raise ValueError("a fault needs a status, a positive delay, or both")
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str, resource_names: frozenset[str]) -> Fault | None:
        """The first live fault matching this request, counted as hit; None when none does."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, resource_names):
                    fault.hits += 1
                    if fault.exhausted:
                        self._faults.remove(fault)
                    return fault
        return None


class Access:
    """Who may call (bearer tokens) and what was asked (raw request paths), for tests.

    With no accepted tokens set, every caller is served (the default). ``requests`` records
    ``(method, raw path)`` of each request while ``recording`` is on, as the server received it
    (still percent-encoded), to prove what a client did or did not send.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.tokens: frozenset[str] = frozenset()
        self.recording = False
        self.requests: list[tuple[str, str]] = []

    def allows(self, authorization: str) -> bool:
        tokens = self.tokens
        return not tokens or authorization.removeprefix("Bearer ") in tokens

    def record(self, method: str, raw_path: str) -> None:
        if self.recording:
            with self._lock:
                self.requests.append((method, raw_path))
