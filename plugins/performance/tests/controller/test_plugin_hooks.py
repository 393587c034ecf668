"""The plugin's controller hooks: RBAC for what the controller touches, metrics in the given
registry, status messages per operator context."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from nto.plugins.types import OperatorContext
from nto_performance import plugin
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


def test_metrics_collectors_installs_controller_metrics():
    registry = CollectorRegistry()
    plugin.nto_metrics_collectors(registry=registry)
    text = generate_latest(registry).decode()
    assert "nto_performance_reconcile_duration_seconds" in text
    assert "nto_performance_webhook_requests" in text


def test_status_messages_follow_the_stand_down_state():
    import kopf

    context = OperatorContext(namespace="ns", release_version="4.99")
    assert plugin.nto_status_messages(context=context) == []
    plugin.nto_register_handlers(registry=kopf.OperatorRegistry(), context=context)
    controller = plugin._CONTROLLERS[id(context)]
    assert plugin.nto_status_messages(context=context) == []
    controller.stand_down = StandDown(present=("pao/pao.v4.11",))
    (message,) = plugin.nto_status_messages(context=context)
    assert "pao/pao.v4.11" in message
    del plugin._CONTROLLERS[id(context)]
