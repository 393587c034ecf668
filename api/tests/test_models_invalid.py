"""Invalid objects are rejected by the models (and the generated CRD schemas) with messages that
name the object, the field path and the bad value."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from nto_api import InvalidObjectError, model_for, parse, parse_as
from nto_api.crdgen import render_crds

TUNED: dict[str, Any] = {
    "apiVersion": "tuned.openshift.io/v1",
    "kind": "Tuned",
    "metadata": {"name": "t"},
    "spec": {
        "profile": [{"name": "p", "data": "[main]\n"}],
        "recommend": [{"profile": "p", "priority": 10, "match": [{"label": "l"}]}],
    },
}
PROFILE: dict[str, Any] = {
    "apiVersion": "tuned.openshift.io/v1",
    "kind": "Profile",
    "metadata": {"name": "n"},
    "spec": {"config": {"tunedProfile": "openshift-node"}},
}


def _with(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `base` with `path` (dots; ``[i]`` for list items) set, or removed for DELETE."""
    obj = copy.deepcopy(base)
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    node: Any = obj
    for part in parents:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    if value is DELETE:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return obj


DELETE = object()

CASES = [
    # (id, base, path, value, field path in the message, also rejected by the CRD schema)
    (
        "tuned-priority-string",
        "tuned",
        "spec.recommend[0].priority",
        "1",
        "spec.recommend[0].priority",
        True,
    ),
    (
        "tuned-priority-negative",
        "tuned",
        "spec.recommend[0].priority",
        -1,
        "spec.recommend[0].priority",
        True,
    ),
    (
        "tuned-priority-missing",
        "tuned",
        "spec.recommend[0].priority",
        DELETE,
        "spec.recommend[0].priority",
        True,
    ),
    ("tuned-profile-empty-name", "tuned", "spec.profile[0].name", "", "spec.profile[0].name", True),
    (
        "tuned-profile-data-missing",
        "tuned",
        "spec.profile[0].data",
        DELETE,
        "spec.profile[0].data",
        True,
    ),
    (
        "tuned-match-type-enum",
        "tuned",
        "spec.recommend[0].match[0].type",
        "cluster",
        "spec.recommend[0].match[0].type",
        True,
    ),
    (
        "tuned-match-label-missing",
        "tuned",
        "spec.recommend[0].match[0].label",
        DELETE,
        "spec.recommend[0].match[0].label",
        True,
    ),
    (
        "tuned-management-state",
        "tuned",
        "spec.managementState",
        "Sometimes",
        "spec.managementState",
        True,
    ),
    (
        "tuned-debug-string",
        "tuned",
        "spec.recommend[0].operand",
        {"debug": "true"},
        "spec.recommend[0].operand.debug",
        True,
    ),
    ("tuned-unknown-spec-field", "tuned", "spec.profiles", [], "spec.profiles", True),
    (
        "tuned-unknown-operand-field",
        "tuned",
        "spec.recommend[0].operand",
        {"tunedConfig": {"reapplySysctl": True}},
        "spec.recommend[0].operand.tunedConfig.reapplySysctl",
        True,
    ),
    (
        "tuned-wrong-api-version",
        "tuned",
        "apiVersion",
        "tuned.openshift.io/v2",
        "apiVersion",
        False,
    ),
    ("tuned-profile-list-as-map", "tuned", "spec.profile", {"name": "p"}, "spec.profile", True),
    ("profile-config-missing", "profile", "spec.config", DELETE, "spec.config", True),
    (
        "profile-tuned-profile-missing",
        "profile",
        "spec.config.tunedProfile",
        DELETE,
        "spec.config.tunedProfile",
        True,
    ),
    (
        "profile-status-tuned-profile-missing",
        "profile",
        "status",
        {"conditions": []},
        "status.tunedProfile",
        True,
    ),
    (
        "profile-condition-time-missing",
        "profile",
        "status",
        {"tunedProfile": "x", "conditions": [{"type": "Applied", "status": "True"}]},
        "status.conditions[0].lastTransitionTime",
        True,
    ),
    ("pp-v2-reserved-missing", "v2", "spec.cpu.reserved", DELETE, "spec.cpu.reserved", True),
    ("pp-v2-cpu-missing", "v2", "spec.cpu", DELETE, "spec.cpu", True),
    ("pp-v2-node-selector-missing", "v2", "spec.nodeSelector", DELETE, "spec.nodeSelector", True),
    ("pp-v2-isolated-int", "v2", "spec.cpu.isolated", 3, "spec.cpu.isolated", True),
    (
        "pp-v2-balance-isolated-string",
        "v2",
        "spec.cpu.balanceIsolated",
        "false",
        "spec.cpu.balanceIsolated",
        True,
    ),
    (
        "pp-v2-node-selector-int-value",
        "v2",
        "spec.nodeSelector",
        {"a": 1},
        "spec.nodeSelector.a",
        True,
    ),
    (
        "pp-v2-hugepage-count-float",
        "v2",
        "spec.hugepages",
        {"pages": [{"size": "1G", "count": 1.5}]},
        "spec.hugepages.pages[0].count",
        True,
    ),
    (
        "pp-v2-hugepage-count-int32-overflow",
        "v2",
        "spec.hugepages",
        {"pages": [{"count": 2**31}]},
        "spec.hugepages.pages[0].count",
        True,
    ),
    (
        "pp-v2-kernel-args-not-list",
        "v2",
        "spec.additionalKernelArgs",
        "nosmt",
        "spec.additionalKernelArgs",
        True,
    ),
    ("pp-v2-unknown-cpu-field", "v2", "spec.cpu.isolate", "2", "spec.cpu.isolate", True),
    (
        "pp-v2-snake-case-device",
        "v2",
        "spec.net",
        {"devices": [{"vendorId": "0x8086"}]},
        "spec.net.devices[0].vendorId",
        True,
    ),
    (
        "pp-v2-hints-realtime-string",
        "v2",
        "spec.workloadHints",
        {"realTime": "yes"},
        "spec.workloadHints.realTime",
        True,
    ),
    ("pp-v1-kernel-page-size", "v1", "spec.kernelPageSize", "4k", "spec.kernelPageSize", True),
    ("pp-v1-shared", "v1", "spec.cpu.shared", "7", "spec.cpu.shared", True),
    (
        "pp-v1-mixed-cpus",
        "v1",
        "spec.workloadHints",
        {"mixedCpus": True},
        "spec.workloadHints.mixedCpus",
        True,
    ),
    ("pp-v1-isolated-missing", "v1", "spec.cpu.isolated", DELETE, "spec.cpu.isolated", True),
    ("pp-v1alpha1-offlined", "v1alpha1", "spec.cpu.offlined", "3", "spec.cpu.offlined", True),
    ("pp-v1alpha1-net", "v1alpha1", "spec.net", {}, "spec.net", True),
    (
        "pp-status-condition-type-missing",
        "v2",
        "status",
        {"conditions": [{"status": "True"}]},
        "status.conditions[0].type",
        True,
    ),
    ("pp-unknown-top-level", "v2", "extra", {}, "extra", True),
]


def _base(name: str, make_profile: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    if name == "tuned":
        return TUNED
    if name == "profile":
        return PROFILE
    return make_profile(name)


@pytest.mark.parametrize(
    ("base", "path", "value", "field", "schema_rejects"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_invalid_object_is_rejected_with_field_path(
    base: str,
    path: str,
    value: Any,
    field: str,
    schema_rejects: bool,
    make_profile: Callable[..., dict[str, Any]],
    schema_validate: Callable[[dict[str, Any], Any], list[str]],
) -> None:
    valid = _base(base, make_profile)
    parse(valid)  # the base itself is valid
    obj = _with(valid, path, value)
    with pytest.raises(InvalidObjectError) as caught:
        parse_as(model_for(valid["apiVersion"], valid["kind"]), obj)
    message = str(caught.value)
    assert f"{field}:" in message
    assert repr(obj["metadata"]["name"]) in message
    assert field in [path for path, _ in caught.value.field_errors]
    if schema_rejects:
        errors = schema_validate(_schema_for(obj), obj)
        assert any(error.startswith(f"{field}:") for error in errors), errors


def _schema_for(obj: dict[str, Any]) -> dict[str, Any]:
    group, version = obj["apiVersion"].split("/")
    for crd in render_crds().values():
        if crd["spec"]["group"] == group and crd["spec"]["names"]["kind"] == obj["kind"]:
            for served in crd["spec"]["versions"]:
                if served["name"] == version:
                    schema: dict[str, Any] = served["schema"]["openAPIV3Schema"]
                    return schema
    raise AssertionError(f"no CRD for {obj['apiVersion']} {obj['kind']}")


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        pytest.param([], "expected an object", id="not-a-mapping"),
        pytest.param(
            {"apiVersion": "v1", "kind": "Pod"}, "no model for kind 'Pod'", id="unknown-kind"
        ),
        pytest.param({"kind": "Tuned"}, "apiVersion ''", id="missing-api-version"),
    ],
)
def test_parse_rejects_unknown_objects(obj: Any, expected: str) -> None:
    with pytest.raises(InvalidObjectError, match=expected):
        parse(obj)


def test_hostile_input_is_reported_briefly() -> None:
    obj = copy.deepcopy(TUNED)
    obj["spec"]["recommend"][0]["priority"] = "9" * 10_000
    with pytest.raises(InvalidObjectError) as caught:
        parse(obj)
    assert len(str(caught.value)) < 500
