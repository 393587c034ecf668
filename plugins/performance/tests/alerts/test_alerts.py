"""The plugin's PrometheusRule names only metrics the plugin exports, with the bundle's shape."""

from __future__ import annotations

import re

import kopf

from nto.plugins import OperatorContext
from nto_performance import alerts, plugin


def exported_metric_names() -> set[str]:
    """What an operator's registry holds once the plugin's controller and routes exist."""
    context = OperatorContext.standalone()
    plugin.nto_register_handlers(registry=kopf.OperatorRegistry(), context=context)
    plugin.nto_webhook_routes(context=context)
    registry = context.metrics_registry
    names = set()
    for family in registry.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
    return names | {
        f"{family.name}_total" for family in registry.collect() if family.type == "counter"
    }


def test_rule_shape():
    rule = alerts.prometheus_rule()
    assert rule["kind"] == "PrometheusRule"
    assert rule["metadata"]["labels"] == {"role": "alert-rules"}
    (group,) = rule["spec"]["groups"]
    assert [r["alert"] for r in group["rules"]] == [
        "NTOPerformanceProfileDegraded",
        "NTOPerformanceRenderErrors",
        "NTOPerformanceConversionFailures",
    ]
    assert all(r["labels"] == {"severity": "warning"} for r in group["rules"])


def test_alerts_use_exported_metrics_only():
    exported = exported_metric_names()
    for rule in alerts.prometheus_rule()["spec"]["groups"][0]["rules"]:
        for name in re.findall(r"nto_[a-z_]+", rule["expr"]):
            assert name in exported, (rule["alert"], name, sorted(exported))


def test_shipped_in_the_monitoring_file():
    files = dict(plugin.nto_bundle_manifests())
    assert files[alerts.FILE]["metadata"]["name"] == "node-tuning-operator-performance"
