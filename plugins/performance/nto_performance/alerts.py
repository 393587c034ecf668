"""The performance plugin's alerts, shipped as its own PrometheusRule in the CVO bundle.

They fire on the metrics the reference lacks (``nto_performance_*``): a profile Degraded for a
while, renders that keep failing, and webhooks denying or erroring in bulk. The core's rule never
names a plugin's metric; this one goes into ``30-monitoring.yaml`` through hook
``nto_bundle_manifests``. Neighbours: :mod:`nto_performance.controller.metrics`,
:mod:`nto_performance.webhooks.metrics`.
"""

from __future__ import annotations

from typing import Any, Final

from nto_api.names import OPERATOR_NAMESPACE

FILE: Final = "0000_50_cluster-node-tuning-operator_30-monitoring.yaml"
RULE_NAME: Final = "node-tuning-operator-performance"

_ALERTS: Final = (
    (
        "NTOPerformanceProfileDegraded",
        'max by (name) (nto_performance_profile_condition{type="Degraded"}) == 1',
        "30m",
        "PerformanceProfile {{ $labels.name }} is degraded.",
        "PerformanceProfile {{ $labels.name }} has had Degraded=True for 30 minutes; its nodes "
        "may not be tuned for low latency. 'oc describe performanceprofile {{ $labels.name }}' "
        "shows the reason.",
    ),
    (
        "NTOPerformanceRenderErrors",
        "increase(nto_performance_render_errors_total[1h]) > 0",
        "1h",
        "PerformanceProfiles fail to render.",
        "Some PerformanceProfile could not be turned into its MachineConfig, KubeletConfig, Tuned "
        "and RuntimeClass for an hour; check the profiles' Degraded conditions and events.",
    ),
    (
        "NTOPerformanceConversionFailures",
        'sum(rate(nto_performance_webhook_requests_total{path="/convert",'
        'result=~"failure|bad_request"}[15m])) > 0',
        "15m",
        "PerformanceProfile conversions fail.",
        "The conversion webhook has refused requests for 15 minutes; clients reading or writing "
        "PerformanceProfiles in v1 or v1alpha1 get errors. Check the operator's log.",
    ),
)


def prometheus_rule() -> dict[str, Any]:
    """PrometheusRule ``node-tuning-operator-performance`` (label ``role: alert-rules``)."""
    rules = [
        {
            "alert": name,
            "expr": expr,
            "for": duration,
            "labels": {"severity": "warning"},
            "annotations": {"summary": summary, "description": description},
        }
        for name, expr, duration, summary, description in _ALERTS
    ]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": RULE_NAME,
            "namespace": OPERATOR_NAMESPACE,
            "labels": {"role": "alert-rules"},
        },
        "spec": {"groups": [{"name": "node-tuning-operator-performance.rules", "rules": rules}]},
    }
