"""The plugin's controller hooks: RBAC for what the controller touches, metrics in the
operator's registry, one controller object per operator (status messages included)."""

from __future__ import annotations

import kopf
from prometheus_client import generate_latest

from nto.plugins import OperatorContext
from nto_performance import plugin
from nto_performance.controller.handlers import PerformanceController
from nto_performance.upgrade import StandDown


def test_rbac_covers_the_controller():
    granted = {
        (group, resource, verb)
        for rule in plugin.nto_rbac_rules()
        for group in rule.api_groups
        for resource in rule.resources
        for verb in rule.verbs
    }
    for needed in [
        ("machineconfiguration.openshift.io", "machineconfigs", "create"),
        ("machineconfiguration.openshift.io", "kubeletconfigs", "update"),
        ("machineconfiguration.openshift.io", "machineconfigpools", "watch"),
        ("node.k8s.io", "runtimeclasses", "delete"),
        ("tuned.openshift.io", "tuneds", "delete"),
        ("", "events", "create"),
        ("config.openshift.io", "infrastructures", "get"),
        ("operators.coreos.com", "subscriptions", "delete"),
        ("operators.coreos.com", "clusterserviceversions", "list"),
        ("performance.openshift.io", "performanceprofiles/status", "patch"),
    ]:
        assert needed in granted, needed
    assert not any("*" in item for item in granted)


def register(context: OperatorContext) -> PerformanceController:
    controller = plugin.nto_register_handlers(registry=kopf.OperatorRegistry(), context=context)
    assert isinstance(controller, PerformanceController)
    return controller


def test_controller_metrics_live_in_the_operators_registry():
    context = OperatorContext.standalone()
    register(context)
    text = generate_latest(context.metrics_registry).decode()
    assert "nto_performance_reconcile_duration_seconds" in text


def test_status_messages_follow_the_stand_down_state():
    controller = register(OperatorContext.standalone(namespace="ns", release_version="4.99"))
    assert controller.status_messages() == []
    controller.stand_down = StandDown(present=("pao/pao.v4.11",))
    (message,) = controller.status_messages()
    assert "pao/pao.v4.11" in message


def test_two_operators_in_one_process_share_no_controller_state():
    """Each operator gets its own controller, metrics and stand-down state (no module
    globals keyed by context): the second operator's stand-down says nothing of the first."""
    first_context, second_context = OperatorContext.standalone(), OperatorContext.standalone()
    first, second = register(first_context), register(second_context)
    assert first is not second
    assert first.metrics is not second.metrics
    assert first.queue is not second.queue
    first.stand_down = StandDown(present=("pao/pao.v4.11",))
    assert first.status_messages()
    assert second.status_messages() == []
    first.metrics.conditions("manual", [("Available", "True")])
    sample = "nto_performance_profile_condition"
    labels = {"name": "manual", "type": "Available"}
    assert first_context.metrics_registry.get_sample_value(sample, labels) == 1
    assert second_context.metrics_registry.get_sample_value(sample, labels) is None


def test_two_operators_in_one_process_count_webhook_requests_apart():
    """Each operator's webhook routes report to that operator's registry (a module-global
    observer reported every operator's requests to the last registry installed)."""
    import asyncio

    from nto.operator.runtime import build_operator
    from nto.operator.settings import OperatorSettings
    from nto.plugins import build_plugin_host

    operators = [
        build_operator(
            OperatorSettings(),
            build_plugin_host(load_entry_points=False, plugins=[("performance", plugin)]),
        )
        for _ in range(2)
    ]
    routes = [
        {
            route.path: route
            for _, route in op.host.collect("nto_webhook_routes", context=op.context)
        }
        for op in operators
    ]
    asyncio.run(routes[0]["/convert"].handler(b"{}", "application/json"))

    def requests(index: int) -> float:
        value = operators[index].prometheus_registry.get_sample_value(
            "nto_performance_webhook_requests_total", {"path": "/convert", "result": "bad_request"}
        )
        return value or 0.0

    assert (requests(0), requests(1)) == (1.0, 0.0)
