"""The plugin in HyperShift mode: which controller it registers, what it hides, and which
changes re-queue which profile ConfigMap."""

from __future__ import annotations

import copy
from typing import Any

import kopf
import pytest

from nto.plugins import OperatorContext, Topology
from nto_performance import plugin
from nto_performance.controller.handlers import PerformanceController
from nto_performance.hypershift.controller import HyperShiftPerformanceController

from .conftest import HCP_NAMESPACE, profile_configmap


def _no_management() -> Any:
    raise AssertionError("these tests never connect")


def hypershift_context() -> OperatorContext:
    return OperatorContext.standalone(
        topology=Topology.hypershift_in(HCP_NAMESPACE), connect_management=_no_management
    )


def register(context: OperatorContext) -> Any:
    return plugin.nto_register_handlers(registry=kopf.OperatorRegistry(), context=context)


def test_hypershift_context_gets_the_hypershift_controller() -> None:
    assert isinstance(register(hypershift_context()), HyperShiftPerformanceController)
    assert isinstance(register(OperatorContext.standalone()), PerformanceController)


@pytest.mark.parametrize(("value", "hidden"), [("true", True), ("True", True), ("1", False)])
def test_render_and_related_profiles_are_hidden_in_hypershift_mode(
    monkeypatch: pytest.MonkeyPatch, value: str, hidden: bool
) -> None:
    monkeypatch.setenv("HYPERSHIFT", value)
    names = [command.name for command in plugin.nto_cli_commands()]
    related = [r.resource for r in plugin.nto_related_objects()]
    assert ("render" not in names) is hidden
    assert ("performanceprofiles" not in related) is hidden
    assert "performance-profile-creator" in names


def test_classic_mode_keeps_render_and_related_profiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HYPERSHIFT", raising=False)
    assert "render" in [command.name for command in plugin.nto_cli_commands()]
    assert [r.resource for r in plugin.nto_related_objects()] == ["performanceprofiles"]


def test_no_webhooks_in_hypershift_mode() -> None:
    """HyperShift's Deployment mounts no webhook serving certificate and the hosted cluster has
    no PerformanceProfile CRD to call them: routes there would keep readiness false forever."""
    assert plugin.nto_webhook_routes(context=hypershift_context()) == []
    classic = plugin.nto_webhook_routes(context=OperatorContext.standalone())
    assert classic, "the classic operator serves the validation and conversion webhooks"


def _written(name: str, owner: str, uid: str = "cm-uid-1") -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "namespace": HCP_NAMESPACE,
            "labels": {"hypershift.openshift.io/performanceProfileName": "perf"},
            "ownerReferences": [
                {"kind": "ConfigMap", "name": owner, "uid": uid, "controller": True}
            ],
        },
        "data": {"config": "x"},
    }


def _node(name: str, pool: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": {"hypershift.openshift.io/nodePool": pool}}}


def _controller() -> HyperShiftPerformanceController:
    controller = register(hypershift_context())
    assert isinstance(controller, HyperShiftPerformanceController)
    controller.configmaps.apply("ADDED", profile_configmap())
    other = profile_configmap("other-np2", node_pool="clusters/np2", uid="cm-uid-2")
    controller.configmaps.apply("ADDED", other)
    for name in ("perfprofile-np1", "other-np2"):
        controller.queue.forget(name)
    return controller


def test_profile_configmap_edits_queue_it_but_a_bare_resourceversion_bump_does_not() -> None:
    controller = _controller()
    same = copy.deepcopy(profile_configmap())
    same["metadata"]["resourceVersion"] = "9"
    controller.configmaps.apply("MODIFIED", same)
    assert "perfprofile-np1" not in controller.queue
    edited = copy.deepcopy(same)
    edited["data"]["tuning"] += "\n# edited\n"
    controller.configmaps.apply("MODIFIED", edited)
    assert "perfprofile-np1" in controller.queue


def test_a_written_configmap_deleted_or_edited_queues_its_owner() -> None:
    controller = _controller()
    written = _written("machineconfig-perfprofile-np1", "perfprofile-np1")
    controller.generated.apply("ADDED", written)
    assert "perfprofile-np1" in controller.queue
    controller.queue.forget("perfprofile-np1")
    controller.generated.apply("DELETED", written)
    assert "perfprofile-np1" in controller.queue
    assert "other-np2" not in controller.queue
    stranger = _written("machineconfig-gone", "gone")
    controller.generated.apply("ADDED", stranger)
    assert "gone" not in controller.queue


def test_tuned_profile_conditions_queue_the_profiles_of_the_node_pool() -> None:
    controller = _controller()
    controller.nodes.apply("ADDED", _node("n1", "np1"))
    controller.queue.forget("perfprofile-np1")
    profile = {"metadata": {"name": "n1", "namespace": controller.context.namespace}}
    controller.tuned_profiles.apply("ADDED", profile)
    controller.queue.forget("perfprofile-np1")
    degraded = {**profile, "status": {"conditions": [{"type": "Degraded", "status": "True"}]}}
    controller.tuned_profiles.apply("MODIFIED", degraded)
    assert "perfprofile-np1" in controller.queue
    assert "other-np2" not in controller.queue


def test_a_node_moving_pools_queues_both_pools() -> None:
    controller = _controller()
    controller.nodes.apply("ADDED", _node("n1", "np1"))
    for name in ("perfprofile-np1", "other-np2"):
        controller.queue.forget(name)
    controller.nodes.apply("MODIFIED", _node("n1", "np2"))
    assert "perfprofile-np1" in controller.queue
    assert "other-np2" in controller.queue


def test_a_deleted_or_changed_runtimeclass_queues_its_profile() -> None:
    controller = _controller()
    controller.generated.apply("ADDED", _written("status-perfprofile-np1", "perfprofile-np1"))
    rc = {"metadata": {"name": "performance-perf"}, "handler": "high-performance"}
    controller.runtime_classes.apply("ADDED", rc)
    controller.queue.forget("perfprofile-np1")
    controller.runtime_classes.apply("MODIFIED", {**rc, "metadata": {**rc["metadata"], "x": 1}})
    assert "perfprofile-np1" not in controller.queue
    controller.runtime_classes.apply("MODIFIED", {**rc, "handler": "runc"})
    assert "perfprofile-np1" in controller.queue
    controller.queue.forget("perfprofile-np1")
    controller.runtime_classes.apply("DELETED", rc)
    assert "perfprofile-np1" in controller.queue
    assert "other-np2" not in controller.queue
