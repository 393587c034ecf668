"""Prometheus metrics of the performance plugin's webhooks (the reference has none).

- ``nto_performance_webhook_requests_total{path,result}``: requests by path and result
  (``allowed``, ``denied``, ``bad_request`` for the admission webhook; ``success``, ``failure``,
  ``bad_request`` for conversion);
- ``nto_performance_webhook_duration_seconds{path}``: time to validate or convert one request.

:func:`install` creates them against the registry the core passes to hook
``nto_metrics_collectors``; the handlers built later by hook ``nto_webhook_routes`` report
through :data:`OBSERVER`, which forwards to the installed metrics (and drops observations while
none are installed). Neighbours: :mod:`.review` (the observer protocol),
:mod:`nto_performance.plugin`.
"""

from __future__ import annotations

from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["OBSERVER", "WebhookMetrics", "install"]

_BUCKETS: Final = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)


class WebhookMetrics:
    """The webhook request counter and duration histogram, in one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "nto_performance_webhook_requests",
            "Requests to the performance webhooks, by path and result.",
            ["path", "result"],
            registry=registry,
        )
        self.duration = Histogram(
            "nto_performance_webhook_duration_seconds",
            "Time spent validating or converting one webhook request, by path.",
            ["path"],
            buckets=_BUCKETS,
            registry=registry,
        )

    def observe(self, path: str, result: str, seconds: float) -> None:
        self.requests.labels(path=path, result=result).inc()
        self.duration.labels(path=path).observe(seconds)


class _Forwarder:
    """Forwards observations to the most recently installed :class:`WebhookMetrics`."""

    def __init__(self) -> None:
        self.metrics: WebhookMetrics | None = None

    def observe(self, path: str, result: str, seconds: float) -> None:
        if self.metrics is not None:
            self.metrics.observe(path, result, seconds)


OBSERVER: Final = _Forwarder()
"""The observer the plugin's routes report to."""


def install(registry: CollectorRegistry) -> WebhookMetrics:
    """Create the metrics in ``registry`` and make :data:`OBSERVER` report to them."""
    metrics = WebhookMetrics(registry)
    OBSERVER.metrics = metrics
    return metrics
