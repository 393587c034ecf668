"""PrometheusRule ``node-tuning-operator``: the reference's alerts and recording rule, and ours.

Group ``node-tuning-operator.rules`` holds the reference's four alerts and its recording rule,
unchanged (``../shared/spec/nto-core.md`` section 6-7). Group ``node-tuning-operator-core.rules``
alerts on metrics this implementation adds in :mod:`nto.metrics`. Plugins ship alerts for their
own metrics as their own PrometheusRule through ``nto_bundle_manifests`` (file
``30-monitoring.yaml``), so the core never names a plugin's metric. Neighbours:
:mod:`nto.bundle.monitoring` (the other monitoring objects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from nto.bundle.names import METRICS_SERVICE, NAMESPACE
from nto_api.objects import JSONDict

REFERENCE_GROUP: Final = "node-tuning-operator.rules"
CORE_GROUP: Final = "node-tuning-operator-core.rules"


@dataclass(frozen=True)
class Alert:
    """One alerting rule; every alert of the bundle has severity ``warning``."""

    name: str
    expr: str
    for_: str
    summary: str
    description: str

    def to_manifest(self) -> JSONDict:
        return {
            "alert": self.name,
            "expr": self.expr,
            "for": self.for_,
            "labels": {"severity": "warning"},
            "annotations": {"summary": self.summary, "description": self.description},
        }


REFERENCE_ALERTS: Final = (
    Alert(
        "NTOPodsNotReady",
        f"kube_pod_status_ready{{namespace='{NAMESPACE}', condition='true'}} == 0",
        "30m",
        "Pod not ready.",
        "Pod {{ $labels.pod }} of the Node Tuning Operator is not ready; check its events and "
        "logs.",
    ),
    Alert(
        "NTOPodLabelsUsed",
        "nto_pod_labels_used_info == 1",
        "30m",
        "Pod labels are used in Tuned recommend rules.",
        "A Tuned custom resource matches on pod labels, which is deprecated and costly on large "
        "clusters; match on node labels or machineConfigLabels instead.",
    ),
    Alert(
        "NTOInvalidTunedExist",
        "nto_invalid_tuned_exist_info == 1",
        "30m",
        "Invalid Tuned custom resource exists.",
        "At least one Tuned custom resource has condition Valid=False; see its status message "
        "for the field to fix.",
    ),
    Alert(
        "NTODegraded",
        "nto_degraded_info == 1",
        "2h",
        "The Node Tuning Operator is degraded.",
        "ClusterOperator node-tuning has been Degraded=True for 2 hours; its message names the "
        "cause.",
    ),
)
"""The reference's alerts, expressions and durations exactly as it ships them."""

CUSTOM_PROFILES_RECORD: Final = {
    "record": "nto_custom_profiles:count",
    "expr": 'count by (_id) (nto_profile_calculated_total{profile!~"openshift-node",'
    'profile!~"openshift-control-plane",profile!~"openshift"})',
}

CORE_ALERTS: Final = (
    Alert(
        "NTOPluginFailed",
        "max by (plugin) (nto_plugin_load_errors_total) > 0",
        "10m",
        "A Node Tuning Operator plugin failed.",
        "Plugin {{ $labels.plugin }} failed to load or raised in a hook; the operator runs "
        "without it. Run 'nto plugins' in the operator pod to see the error.",
    ),
    Alert(
        "NTOReconcileErrors",
        'sum by (controller) (rate(nto_reconcile_total{result="error"}[15m])) > 0',
        "1h",
        "Reconciles keep failing.",
        "Controller {{ $labels.controller }} has failed reconciles for an hour; the operator "
        "log names the object and the error.",
    ),
)
"""Alerts on metrics added by this implementation (:mod:`nto.metrics`)."""


def prometheus_rule() -> JSONDict:
    """PrometheusRule ``node-tuning-operator`` (label ``role: alert-rules``)."""
    reference = [alert.to_manifest() for alert in REFERENCE_ALERTS]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": METRICS_SERVICE,
            "namespace": NAMESPACE,
            "labels": {"role": "alert-rules"},
        },
        "spec": {
            "groups": [
                {"name": REFERENCE_GROUP, "rules": [*reference, dict(CUSTOM_PROFILES_RECORD)]},
                {"name": CORE_GROUP, "rules": [alert.to_manifest() for alert in CORE_ALERTS]},
            ]
        },
    }
