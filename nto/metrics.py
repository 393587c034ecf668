"""The operator's metrics, all in one registry that plugins add collectors to.

The reference's metric names stay exactly as they are (``nto_*_info``,
``nto_profile_calculated_total``); our additions follow ``nto_<subsystem>_<what>_<unit>``.
Everything is created against an injected ``CollectorRegistry`` (never the global one), so
tests use a fresh registry. Neighbours:
:mod:`nto.operator.metrics_server` (serves it), :mod:`nto.plugins.host` (failures exported here).
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from nto._version import __version__
from nto.plugins.host import PluginHost


class CoreMetrics:
    """The core's metrics, created against ``registry``."""

    def __init__(self, registry: CollectorRegistry, *, version: str = __version__) -> None:
        self.pod_labels_used = Gauge(
            "nto_pod_labels_used_info",
            "Is the Pod label functionality turned on (1) or off (0)?",
            registry=registry,
        )
        self.profile_calculated = Counter(
            "nto_profile_calculated",
            "The number of times a Tuned profile was calculated for a node.",
            ["node", "profile"],
            registry=registry,
        )
        self.build_info = Gauge(
            "nto_build_info",
            "Version information of the Node Tuning Operator.",
            ["version"],
            registry=registry,
        )
        self.build_info.labels(version=version).set(1)
        self.degraded = Gauge(
            "nto_degraded_info",
            "Is the Node Tuning Operator degraded (1) or not (0)?",
            registry=registry,
        )
        self.invalid_tuned_exist = Gauge(
            "nto_invalid_tuned_exist_info",
            "Does any Tuned custom resource have Valid=False (1) or not (0)?",
            registry=registry,
        )
        self.tuned_oversized = Gauge(
            "nto_tuned_oversized_info",
            "Is this Tuned left out of every Profile because its TuneD profiles do not fit (1)?",
            ["tuned"],
            registry=registry,
        )
        self.profile_write_errors = Counter(
            "nto_profile_write_errors",
            "Profile writes that failed, by HTTP status code ('network' without an answer).",
            ["code"],
            registry=registry,
        )
        self.reconcile_total = Counter(
            "nto_reconcile",
            "Reconciles by controller and result.",
            ["controller", "result"],
            registry=registry,
        )
        self.reconcile_seconds = Histogram(
            "nto_reconcile_duration_seconds",
            "Time spent in one reconcile, by controller.",
            ["controller"],
            registry=registry,
        )


class PluginFailureCollector(Collector):
    """Exports the plugin host's failures as ``nto_plugin_load_errors_total{plugin}``."""

    def __init__(self, host: PluginHost) -> None:
        self._host = host

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "nto_plugin_load_errors",
            "Plugin failures (import, registration or a raising hook), by plugin.",
            labels=["plugin"],
        )
        for plugin, count in sorted(Tally(f.plugin for f in self._host.failures).items()):
            family.add_metric([plugin], count)
        yield family


def build_registry(host: PluginHost) -> tuple[CollectorRegistry, CoreMetrics]:
    """A fresh registry with the core's metrics, plugin failures and every plugin's collectors."""
    disable_created_metrics()  # type: ignore[no-untyped-call]  # client_golang has no *_created
    registry = CollectorRegistry(auto_describe=True)
    metrics = CoreMetrics(registry)
    registry.register(PluginFailureCollector(host))
    host.call("nto_metrics_collectors", registry=registry)
    return registry, metrics
