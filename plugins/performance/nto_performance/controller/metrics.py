"""Prometheus metrics of the PerformanceProfile controller (the reference has none).

- ``nto_performance_profile_condition{name,type}``: 1 when the profile's condition of that
  type is True, else 0; series of a deleted profile are removed;
- ``nto_performance_reconcile_duration_seconds``: time of one reconcile (histogram);
- ``nto_performance_render_errors_total``: profiles that could not be rendered;
- ``nto_performance_profile_nodes_pending{name,pool}``: nodes of the profile's pool not yet
  updated while the pool rolls out (:func:`~.rollout.pending_nodes`), else 0; series of a
  deleted profile, or of a pool that no longer selects it, are removed.

Each operator creates them once in its own registry (``context.metrics(ControllerMetrics)``
in :class:`~.handlers.PerformanceController`); nothing is global, so two operators in one
process count apart. Neighbours: :mod:`.reconciler` (reports),
:mod:`nto_performance.webhooks.metrics` (the webhooks' metrics, the same pattern).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["ControllerMetrics"]

_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ControllerMetrics:
    """The condition gauge, the reconcile histogram and the render error counter of one
    operator (create it with ``context.metrics(ControllerMetrics)``)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.condition = Gauge(
            "nto_performance_profile_condition",
            "Status conditions of each PerformanceProfile (1 = True).",
            ["name", "type"],
            registry=registry,
        )
        self.reconcile = Histogram(
            "nto_performance_reconcile_duration_seconds",
            "Time spent reconciling one PerformanceProfile.",
            buckets=_BUCKETS,
            registry=registry,
        )
        self.render_errors = Counter(
            "nto_performance_render_errors",
            "PerformanceProfiles whose objects could not be rendered.",
            registry=registry,
        )
        self.nodes_pending = Gauge(
            "nto_performance_profile_nodes_pending",
            "Nodes of the PerformanceProfile's MachineConfigPool not yet updated while the "
            "pool rolls out (machineCount - updatedMachineCount while Updating), else 0.",
            ["name", "pool"],
            registry=registry,
        )
        self._known: dict[str, tuple[str, ...]] = {}
        self._pools: dict[str, set[str]] = {}

    def conditions(self, name: str, statuses: Iterable[tuple[str, str]]) -> None:
        """Set the gauge of each ``(type, status)`` of profile `name`."""
        types = []
        for type_, status in statuses:
            self.condition.labels(name=name, type=type_).set(1 if status == "True" else 0)
            types.append(type_)
        self._known[name] = tuple(types)

    def forget(self, name: str) -> None:
        """Remove the series of a deleted profile."""
        for type_ in self._known.pop(name, ()):
            with contextlib.suppress(KeyError):
                self.condition.remove(name, type_)
        for pool in self._pools.pop(name, set()):
            with contextlib.suppress(KeyError):
                self.nodes_pending.remove(name, pool)

    def pending(self, name: str, pool: str, nodes: int, *, only: bool = False) -> None:
        """Set the nodes of `pool` that profile `name` still waits for; with `only`, remove the
        profile's series of other pools (the reconcile knows the one pool of the profile)."""
        self.nodes_pending.labels(name=name, pool=pool).set(nodes)
        pools = self._pools.setdefault(name, set())
        if only:
            for other in pools - {pool}:
                self.not_pending(name, other)
        pools.add(pool)

    def no_pool(self, name: str) -> None:
        """Remove every nodes-pending series of profile `name` (no usable pool selects it)."""
        for pool in list(self._pools.get(name, ())):
            self.not_pending(name, pool)

    def not_pending(self, name: str, pool: str) -> None:
        """Remove the series of profile `name` and `pool` (the pool no longer selects it)."""
        self._pools.get(name, set()).discard(pool)
        with contextlib.suppress(KeyError):
            self.nodes_pending.remove(name, pool)

    def reconciled(self, seconds: float) -> None:
        self.reconcile.observe(seconds)

    def render_error(self) -> None:
        self.render_errors.inc()
