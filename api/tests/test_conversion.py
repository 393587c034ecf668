"""PerformanceProfile conversion: one case per lossy rule, errors, and the typed helpers."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from nto_api import (
    ConversionError,
    convert,
    parse,
    v1_to_v1alpha1,
    v1_to_v2,
    v1alpha1_to_v1,
    v2_to_v1,
)
from nto_api.performance import v1, v1alpha1, v2

GROUP = "performance.openshift.io"
CPU = {"reserved": "0-1", "isolated": "2-5", "balanceIsolated": False}
SELECTORS = {
    "machineConfigLabel": {"machineconfiguration.openshift.io/role": "worker-cnf"},
    "machineConfigPoolSelector": {"pools.operator.machineconfiguration.openshift.io/w": ""},
    "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
}
COMMON = {
    **SELECTORS,
    "hugepages": {"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 2, "node": 1}]},
    "realTimeKernel": {"enabled": True},
    "additionalKernelArgs": ["nosmt"],
    "numa": {"topologyPolicy": "restricted"},
}
NET = {"userLevelNetworking": True, "devices": [{"interfaceName": "eth0"}]}
HW = {"isolatedCpuFreq": 1, "reservedCpuFreq": 2}
V2_SPEC = {
    **COMMON,
    "cpu": {**CPU, "offlined": "6", "shared": "7", "ovsDpdk": "8"},
    "hardwareTuning": HW,
    "kernelPageSize": "4k",
    "net": NET,
    "globallyDisableIrqLoadBalancing": False,
    "workloadHints": {"realTime": True, "mixedCpus": True},
}
V1_SPEC = {
    **COMMON,
    "cpu": {**CPU, "offlined": "6"},
    "hardwareTuning": HW,
    "net": NET,
    "workloadHints": {"highPowerConsumption": True},
}
V1ALPHA1_SPEC = {**COMMON, "cpu": CPU}
STATUS = {
    "conditions": [{"type": "Available", "status": "True", "lastTransitionTime": "t"}],
    "tuned": "ns/t",
    "runtimeClass": "performance-p",
}
META = {"name": "p", "uid": "u", "resourceVersion": "7", "annotations": {"x": "y"}}


def _obj(version: str, spec: dict[str, Any] | None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": f"{GROUP}/{version}",
        "kind": "PerformanceProfile",
        "metadata": copy.deepcopy(META),
        "status": copy.deepcopy(STATUS),
    }
    if spec is not None:
        obj["spec"] = copy.deepcopy(spec)
    return obj


RULES = [
    pytest.param(
        "v2",
        V2_SPEC,
        "v1",
        {
            **COMMON,
            "cpu": CPU,
            "hardwareTuning": HW,
            "net": NET,
            "globallyDisableIrqLoadBalancing": False,
        },
        id="v2-to-v1-drops-offlined-shared-ovsdpdk-hints-pagesize",
    ),
    pytest.param(
        "v1",
        V1_SPEC,
        "v2",
        {**COMMON, "cpu": CPU, "net": NET, "globallyDisableIrqLoadBalancing": True},
        id="v1-to-v2-drops-hwtuning-hints-offlined-and-defaults-irq-true",
    ),
    pytest.param(
        "v1",
        {**V1_SPEC, "globallyDisableIrqLoadBalancing": False},
        "v2",
        {**COMMON, "cpu": CPU, "net": NET, "globallyDisableIrqLoadBalancing": False},
        id="v1-to-v2-keeps-explicit-irq-false",
    ),
    pytest.param(
        "v1",
        {**V1_SPEC, "globallyDisableIrqLoadBalancing": True},
        "v1alpha1",
        V1ALPHA1_SPEC,
        id="v1-to-v1alpha1-drops-offlined-hw-net-irq-hints",
    ),
    pytest.param("v1alpha1", V1ALPHA1_SPEC, "v1", V1ALPHA1_SPEC, id="v1alpha1-to-v1-copies-all"),
    pytest.param(
        "v1alpha1",
        V1ALPHA1_SPEC,
        "v2",
        {**V1ALPHA1_SPEC, "globallyDisableIrqLoadBalancing": True},
        id="v1alpha1-to-v2-through-hub",
    ),
    pytest.param("v2", V2_SPEC, "v1alpha1", V1ALPHA1_SPEC, id="v2-to-v1alpha1-through-hub"),
    pytest.param("v2", V2_SPEC, "v2", V2_SPEC, id="same-version-unchanged"),
    pytest.param(
        "v1alpha1",
        {"cpu": {}},
        "v1",
        {"cpu": {}},
        id="v1alpha1-empty-cpu-stays-incomplete",
    ),
]


@pytest.mark.parametrize(("source", "spec", "target", "expected"), RULES)
def test_conversion_rule(
    source: str, spec: dict[str, Any], target: str, expected: dict[str, Any]
) -> None:
    obj = _obj(source, spec)
    before = copy.deepcopy(obj)
    result = convert(obj, f"{GROUP}/{target}")
    assert obj == before, "the input must not change"
    assert result == {**_obj(target, expected)}
    assert result["metadata"] == META
    assert result["status"] == STATUS


@pytest.mark.parametrize(
    ("source", "spec", "target", "expected"),
    [
        pytest.param(
            "v2",
            {"cpu": {"isolated": "1"}},
            "v1",
            {"cpu": {"isolated": "1"}},
            id="v2-without-reserved",
        ),
        pytest.param(
            "v1",
            {"cpu": {}},
            "v2",
            {"cpu": {}, "globallyDisableIrqLoadBalancing": True},
            id="v1-without-isolated",
        ),
        pytest.param(
            "v1",
            {"cpu": {}, "globallyDisableIrqLoadBalancing": None},
            "v2",
            {"cpu": {}, "globallyDisableIrqLoadBalancing": True},
            id="explicit-null-irq",
        ),
    ],
)
def test_conversion_tolerates_missing_required_fields(
    source: str, spec: dict[str, Any], target: str, expected: dict[str, Any]
) -> None:
    """Objects the API server stored after converting from a laxer version still convert."""
    assert convert(_obj(source, spec), f"{GROUP}/{target}")["spec"] == expected


def test_conversion_without_spec_keeps_it_absent() -> None:
    result = convert(_obj("v1alpha1", None), f"{GROUP}/v2")
    assert "spec" not in result
    assert result["apiVersion"] == f"{GROUP}/v2"


@pytest.mark.parametrize(
    ("obj", "target", "message"),
    [
        pytest.param(
            _obj("v2", V2_SPEC),
            f"{GROUP}/v3",
            r"desired apiVersion 'performance.openshift.io/v3' is not served",
            id="unknown-target",
        ),
        pytest.param(
            _obj("v2", V2_SPEC), "v1", r"desired apiVersion 'v1' is not served", id="bare-version"
        ),
        pytest.param(
            {**_obj("v2", V2_SPEC), "apiVersion": "x/v9"},
            f"{GROUP}/v1",
            r"apiVersion 'x/v9' is not served",
            id="unknown-source",
        ),
        pytest.param(
            {**_obj("v2", V2_SPEC), "kind": "Tuned"},
            f"{GROUP}/v1",
            r"kind is 'Tuned'",
            id="wrong-kind",
        ),
        pytest.param(
            _obj("v2", {**V2_SPEC, "cpu": {"isolated": 1}}),
            f"{GROUP}/v1",
            r"'p'.*spec\.cpu\.isolated: Input should be a valid string \(got 1\)",
            id="invalid-v2",
        ),
        pytest.param(
            _obj("v1", {**V1_SPEC, "kernelPageSize": "4k"}),
            f"{GROUP}/v2",
            r"spec\.kernelPageSize: unknown field",
            id="v2-field-in-v1",
        ),
        pytest.param(
            _obj("v2", {**V2_SPEC, "hugepages": {"pages": [{"count": "2"}]}}),
            f"{GROUP}/v1",
            r"spec\.hugepages\.pages\[0\]\.count",
            id="wrong-type",
        ),
        pytest.param(
            ["not", "an", "object"],
            f"{GROUP}/v1",
            r"expected a PerformanceProfile",
            id="not-a-mapping",
        ),
    ],
)
def test_conversion_errors_name_the_field(obj: Any, target: str, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        convert(obj, target)


def test_typed_helpers_follow_the_same_rules() -> None:
    profile = parse(_obj("v2", V2_SPEC))
    assert isinstance(profile, v2.PerformanceProfile)
    hub = v2_to_v1(profile)
    assert isinstance(hub, v1.PerformanceProfile)
    assert hub.spec.workload_hints is None
    assert hub.spec.cpu.offlined is None
    back = v1_to_v2(hub)
    assert back.spec.globally_disable_irq_load_balancing is False
    assert back.spec.hardware_tuning is None
    alpha = v1_to_v1alpha1(hub)
    assert isinstance(alpha, v1alpha1.PerformanceProfile)
    assert v1alpha1_to_v1(alpha).spec.model_dump(exclude_none=True) == V1ALPHA1_SPEC
    assert back.metadata.model_dump(exclude_none=True) == META


@pytest.mark.parametrize(
    ("convert_fn", "obj", "message"),
    [
        pytest.param(
            v1_to_v2,
            _obj("v1", {**SELECTORS, "cpu": {"isolated": "1"}}),
            r"v2 form .* spec\.cpu\.reserved",
            id="v1-without-reserved",
        ),
        pytest.param(
            v1alpha1_to_v1,
            _obj("v1alpha1", {"cpu": {"reserved": "0"}}),
            r"v1 form .* spec\.cpu\.isolated",
            id="v1alpha1-without-isolated",
        ),
        pytest.param(
            v1alpha1_to_v1,
            _obj("v1alpha1", None),
            r"v1 form .* spec: required",
            id="v1alpha1-without-spec",
        ),
    ],
)
def test_typed_helpers_refuse_incomplete_targets(
    convert_fn: Callable[[Any], Any], obj: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConversionError, match=message):
        convert_fn(parse(obj))
