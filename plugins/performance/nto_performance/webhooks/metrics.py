"""Prometheus metrics of the performance plugin's webhooks (the reference has none).

- ``nto_performance_webhook_requests_total{path,result}``: requests by path and result
  (``allowed``, ``denied``, ``bad_request`` for the admission webhook; ``success``, ``failure``,
  ``bad_request`` for conversion);
- ``nto_performance_webhook_duration_seconds{path}``: time to validate or convert one request.

Hook ``nto_webhook_routes`` creates them once per operator in its registry
(``context.metrics(WebhookMetrics)``) and hands them to the routes as their observer.
Neighbours: :mod:`.review` (the observer protocol), :mod:`nto_performance.plugin`.
"""

from __future__ import annotations

from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["WebhookMetrics"]

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
