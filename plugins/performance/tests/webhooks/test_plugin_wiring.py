"""The plugin's webhook hooks: routes, bundle manifests (Service and
ValidatingWebhookConfiguration as the reference ships them) and metrics in a fresh registry."""

from __future__ import annotations

import pytest

from nto.plugins import OperatorContext
from nto_performance import plugin
from nto_performance.webhooks import manifests, metrics

VALIDATE = "/validate-performance-openshift-io-v2-performanceprofile"


def test_routes_hook_gives_every_path_with_its_limit():
    """Validation takes one object (3 MiB); a conversion may carry a whole LIST (64 MiB)."""
    routes = plugin.nto_webhook_routes(OperatorContext.standalone(namespace="ns"))
    assert [(r.path, r.max_body_bytes) for r in routes] == [
        (VALIDATE, 3 * 1024 * 1024),
        ("/validate-tuned-openshift-io-v1-tuned", 3 * 1024 * 1024),
        ("/convert", 64 * 1024 * 1024),
    ]


def test_bundle_hook_gives_service_and_webhook_configuration_in_file_45():
    entries = [
        (name, m)
        for name, m in plugin.nto_bundle_manifests()
        if "_45-webhook-configuration" in name
    ]
    assert [(name, m["kind"]) for name, m in entries] == [
        ("0000_50_cluster-node-tuning-operator_45-webhook-configuration.yaml", "Service"),
        (
            "0000_50_cluster-node-tuning-operator_45-webhook-configuration.yaml",
            "ValidatingWebhookConfiguration",
        ),
    ]


def test_service_maps_443_to_4343_with_a_serving_cert():
    service = manifests.service()
    assert service["metadata"]["name"] == "performance-addon-operator-service"
    assert service["metadata"]["namespace"] == "openshift-cluster-node-tuning-operator"
    assert service["metadata"]["annotations"] == {
        "service.beta.openshift.io/serving-cert-secret-name": (
            "performance-addon-operator-webhook-cert"
        )
    }
    assert service["spec"]["selector"] == {"name": "cluster-node-tuning-operator"}
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(443, 4343)]


@pytest.mark.parametrize("ca_bundle", [None, "Q0E="])
def test_webhook_configuration_matches_the_reference(ca_bundle):
    config = manifests.validating_webhook_configuration(ca_bundle)
    assert config["metadata"] == {
        "name": "performance-addon-operator",
        "annotations": {"service.beta.openshift.io/inject-cabundle": "true"},
    }
    (hook,) = config["webhooks"]
    assert hook["name"] == "vwb.performance.openshift.io"
    assert (hook["failurePolicy"], hook["matchPolicy"]) == ("Ignore", "Equivalent")
    assert (hook["sideEffects"], hook["timeoutSeconds"]) == ("None", 10)
    assert hook["admissionReviewVersions"] == ["v1"]
    assert hook["rules"] == [
        {
            "apiGroups": ["performance.openshift.io"],
            "apiVersions": ["v2"],
            "operations": ["CREATE", "UPDATE"],
            "resources": ["performanceprofiles"],
        }
    ]
    assert hook["clientConfig"]["service"] == {
        "name": "performance-addon-operator-service",
        "namespace": "openshift-cluster-node-tuning-operator",
        "path": VALIDATE,
        "port": 443,
    }
    assert hook["clientConfig"].get("caBundle") == ca_bundle


def sample(registry, name, **labels):
    return registry.get_sample_value(name, labels) or 0


async def test_metrics_hook_counts_requests_by_path_and_result(profile, admission_body):
    context = OperatorContext.standalone(namespace="ns")
    registry = context.metrics_registry
    routes = {r.path: r for r in plugin.nto_webhook_routes(context)}
    await routes["/convert"].handler(b"{}", "application/json")
    await routes["/convert"].handler(b"{}", "application/json")
    obj = profile(cpu={"isolated": "0-3"})
    body = admission_body(obj, operation="DELETE")
    await routes[VALIDATE].handler(body, "application/json")
    total = "nto_performance_webhook_requests_total"
    assert sample(registry, total, path="/convert", result="bad_request") == 2
    assert sample(registry, total, path=VALIDATE, result="allowed") == 1
    count = "nto_performance_webhook_duration_seconds_count"
    assert sample(registry, count, path="/convert") == 2
    assert sample(registry, count, path=VALIDATE) == 1


def test_each_operator_counts_its_own_requests():
    """No module-global observer: two operators in one process keep separate counts."""
    first, second = OperatorContext.standalone(), OperatorContext.standalone()
    plugin.nto_webhook_routes(first)  # built once per operator: creating again must not clash
    routes = {r.path: r for r in plugin.nto_webhook_routes(first)}
    plugin.nto_webhook_routes(second)
    first_metrics = first.metrics(metrics.WebhookMetrics)
    second_metrics = second.metrics(metrics.WebhookMetrics)
    assert first_metrics is not second_metrics
    first_metrics.observe("/convert", "success", 0.1)
    total = "nto_performance_webhook_requests_total"
    assert sample(first.metrics_registry, total, path="/convert", result="success") == 1
    assert sample(second.metrics_registry, total, path="/convert", result="success") == 0
    assert routes["/convert"].max_body_bytes == 64 * 1024 * 1024
