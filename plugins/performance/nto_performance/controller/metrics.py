"""Prometheus metrics of the PerformanceProfile controller (the reference has none).

- ``nto_performance_profile_condition{name,type}``: 1 when the profile's condition of that
  type is True, else 0; series of a deleted profile are removed;
- ``nto_performance_reconcile_duration_seconds``: time of one reconcile (histogram);
- ``nto_performance_render_errors_total``: profiles that could not be rendered.

:func:`install` creates them against the registry the core passes to hook
``nto_metrics_collectors`` and makes :data:`CONTROLLER` report to them; the controller built
later by hook ``nto_register_handlers`` reports through :data:`CONTROLLER` (observations are
dropped while nothing is installed). Neighbours: :mod:`nto_performance.plugin`,
:mod:`nto_performance.webhooks.metrics` (the webhooks' metrics, the same pattern).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["CONTROLLER", "ControllerMetrics", "install"]

_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ControllerMetrics:
    """The condition gauge, the reconcile histogram and the render error counter."""

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


class _Forwarder:
    """Forwards to the most recently installed :class:`ControllerMetrics`."""

    def __init__(self) -> None:
        self.metrics: ControllerMetrics | None = None
        self._known: dict[str, tuple[str, ...]] = {}

    def conditions(self, name: str, statuses: Iterable[tuple[str, str]]) -> None:
        """Set the gauge of each ``(type, status)`` of profile `name`."""
        if self.metrics is None:
            return
        types = []
        for type_, status in statuses:
            self.metrics.condition.labels(name=name, type=type_).set(1 if status == "True" else 0)
            types.append(type_)
        self._known[name] = tuple(types)

    def forget(self, name: str) -> None:
        """Remove the series of a deleted profile."""
        types = self._known.pop(name, ())
        if self.metrics is None:
            return
        for type_ in types:
            with contextlib.suppress(KeyError):
                self.metrics.condition.remove(name, type_)

    def reconciled(self, seconds: float) -> None:
        if self.metrics is not None:
            self.metrics.reconcile.observe(seconds)

    def render_error(self) -> None:
        if self.metrics is not None:
            self.metrics.render_errors.inc()


CONTROLLER: Final = _Forwarder()
"""What the controller reports to."""


def install(registry: CollectorRegistry) -> ControllerMetrics:
    """Create the metrics in `registry` and make :data:`CONTROLLER` report to them."""
    metrics = ControllerMetrics(registry)
    CONTROLLER.metrics = metrics
    return metrics
