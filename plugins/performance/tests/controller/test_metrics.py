"""Controller metrics: created against the given registry, series removed with the profile."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from nto_performance.controller.metrics import ControllerMetrics


def test_metrics_report_and_forget():
    registry = CollectorRegistry()
    metrics = ControllerMetrics(registry)
    metrics.conditions("manual", [("Available", "True"), ("Degraded", "False")])
    metrics.reconciled(0.2)
    metrics.render_error()
    text = generate_latest(registry).decode()
    assert 'nto_performance_profile_condition{name="manual",type="Available"} 1.0' in text
    assert 'nto_performance_profile_condition{name="manual",type="Degraded"} 0.0' in text
    assert "nto_performance_reconcile_duration_seconds_count 1.0" in text
    assert "nto_performance_render_errors_total 1.0" in text
    metrics.forget("manual")
    metrics.forget("never-seen")
    assert 'name="manual"' not in generate_latest(registry).decode()
