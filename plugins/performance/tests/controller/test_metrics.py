"""Controller metrics: created against the given registry, series removed with the profile."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from nto_performance.controller import metrics


def test_metrics_report_and_forget():
    registry = CollectorRegistry()
    metrics.install(registry)
    forwarder = metrics.CONTROLLER
    forwarder.conditions("manual", [("Available", "True"), ("Degraded", "False")])
    forwarder.reconciled(0.2)
    forwarder.render_error()
    text = generate_latest(registry).decode()
    assert 'nto_performance_profile_condition{name="manual",type="Available"} 1.0' in text
    assert 'nto_performance_profile_condition{name="manual",type="Degraded"} 0.0' in text
    assert "nto_performance_reconcile_duration_seconds_count 1.0" in text
    assert "nto_performance_render_errors_total 1.0" in text
    forwarder.forget("manual")
    forwarder.forget("never-seen")
    assert 'name="manual"' not in generate_latest(registry).decode()


def test_forwarder_without_metrics_drops_observations():
    forwarder = metrics._Forwarder()
    forwarder.conditions("x", [("Available", "True")])
    forwarder.reconciled(1.0)
    forwarder.render_error()
    forwarder.forget("x")
