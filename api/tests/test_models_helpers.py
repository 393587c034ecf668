"""Accessors that apply documented defaults, label selectors, data URLs and provider names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nto_api import LabelSelector, parse
from nto_api.foreign.config import InfrastructureStatus
from nto_api.foreign.core import Node, provider_name
from nto_api.foreign.mco import IgnitionFile, decode_data_url, encode_data_url
from nto_api.performance import v2
from nto_api.tuned import OperandConfig, TunedConfig, TunedMatch


def _spec(make_profile: Callable[..., dict[str, Any]], **spec: Any) -> v2.PerformanceProfileSpec:
    profile = parse(make_profile("v2", spec=spec))
    assert isinstance(profile, v2.PerformanceProfile)
    return profile.spec


DEFAULTS = {
    "balance_isolated_enabled": True,
    "realtime_kernel_enabled": False,
    "realtime_hint_enabled": True,
    "high_power_consumption_enabled": False,
    "per_pod_power_management_enabled": False,
    "mixed_cpus_enabled": False,
    "irq_load_balancing_globally_disabled": False,
    "user_level_networking_enabled": False,
    "effective_kernel_page_size": "4k",
    "effective_topology_policy": "best-effort",
}
SET = [
    ("balance_isolated_enabled", {"cpu": {"balanceIsolated": False}}, False),
    ("realtime_kernel_enabled", {"realTimeKernel": {"enabled": True}}, True),
    ("realtime_hint_enabled", {"workloadHints": {"realTime": False}}, False),
    ("realtime_hint_enabled", {"workloadHints": {"highPowerConsumption": True}}, True),
    ("high_power_consumption_enabled", {"workloadHints": {"highPowerConsumption": True}}, True),
    ("per_pod_power_management_enabled", {"workloadHints": {"perPodPowerManagement": True}}, True),
    ("mixed_cpus_enabled", {"workloadHints": {"mixedCpus": True}}, True),
    ("irq_load_balancing_globally_disabled", {"globallyDisableIrqLoadBalancing": True}, True),
    ("user_level_networking_enabled", {"net": {"userLevelNetworking": True}}, True),
    ("effective_kernel_page_size", {"kernelPageSize": "64k"}, "64k"),
    ("effective_topology_policy", {"numa": {"topologyPolicy": "restricted"}}, "restricted"),
    ("effective_topology_policy", {"numa": {}}, "best-effort"),
]


@pytest.mark.parametrize(("accessor", "expected"), DEFAULTS.items(), ids=list(DEFAULTS))
def test_unset_fields_read_as_documented_defaults(
    accessor: str, expected: Any, make_profile: Callable[..., dict[str, Any]]
) -> None:
    spec = _spec(make_profile)
    assert getattr(spec, accessor) == expected
    assert "workloadHints" not in spec.model_dump(exclude_none=True), "defaults are not filled in"


@pytest.mark.parametrize(
    ("accessor", "spec", "expected"), SET, ids=[f"{a}-{i}" for i, (a, _, _) in enumerate(SET)]
)
def test_set_fields_override_defaults(
    accessor: str, spec: dict[str, Any], expected: Any, make_profile: Callable[..., dict[str, Any]]
) -> None:
    assert getattr(_spec(make_profile, **spec), accessor) == expected


def test_tuned_defaults() -> None:
    assert TunedMatch(label="x").effective_type == "node"
    assert TunedMatch(label="x", type="pod").effective_type == "pod"
    assert TunedConfig().reapply_sysctl_enabled is True
    assert TunedConfig(reapply_sysctl=False).reapply_sysctl_enabled is False
    assert OperandConfig().model_dump(exclude_none=True) == {}


LABELS = {"node-role.kubernetes.io/worker": "", "zone": "a"}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        pytest.param({}, True, id="empty-matches-all"),
        pytest.param({"matchLabels": {"zone": "a"}}, True, id="labels-equal"),
        pytest.param({"matchLabels": {"zone": "b"}}, False, id="labels-differ"),
        pytest.param({"matchLabels": {"rack": "1"}}, False, id="label-absent"),
        pytest.param(
            {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]},
            True,
            id="in",
        ),
        pytest.param(
            {"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]},
            False,
            id="notin",
        ),
        pytest.param(
            {"matchExpressions": [{"key": "rack", "operator": "NotIn", "values": ["a"]}]},
            True,
            id="notin-absent",
        ),
        pytest.param(
            {"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, True, id="exists"
        ),
        pytest.param(
            {"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]},
            False,
            id="doesnotexist",
        ),
        pytest.param(
            {"matchExpressions": [{"key": "zone", "operator": "Gt", "values": ["1"]}]},
            False,
            id="unknown-operator",
        ),
        pytest.param(
            {
                "matchLabels": {"zone": "a"},
                "matchExpressions": [{"key": "x", "operator": "Exists"}],
            },
            False,
            id="all-must-hold",
        ),
    ],
)
def test_label_selector(selector: dict[str, Any], matches: bool) -> None:
    assert LabelSelector.model_validate(selector).matches(LABELS) is matches


@pytest.mark.parametrize(
    "content",
    [b"", b"#!/bin/bash\necho hi\n", bytes(range(256))],
    ids=["empty", "script", "binary"],
)
def test_data_url_round_trip(content: bytes) -> None:
    url = encode_data_url(content)
    assert url.startswith("data:text/plain;charset=utf-8;base64,")
    assert decode_data_url(url) == content


def test_data_url_decodes_percent_encoding_and_rejects_other_urls() -> None:
    assert decode_data_url("data:,a%20b") == b"a b"
    with pytest.raises(ValueError, match="'https://x' is not a data: URL"):
        decode_data_url("https://x")


def test_ignition_file_with_content() -> None:
    file = IgnitionFile.with_content("/etc/x", "hi", mode=0o644)
    assert file.model_dump(exclude_none=True) == {
        "path": "/etc/x",
        "mode": 420,
        "overwrite": True,
        "contents": {"source": encode_data_url(b"hi")},
    }


@pytest.mark.parametrize(
    ("provider_id", "name"),
    [
        ("aws:///us-east-1a/i-0", "aws"),
        ("gce://p/z/n", "gce"),
        ("baremetal", "baremetal"),
        ("", ""),
    ],
)
def test_provider_name(provider_id: str, name: str) -> None:
    assert provider_name(provider_id) == name
    node = Node.model_validate({"metadata": {"name": "n"}, "spec": {"providerID": provider_id}})
    assert node.provider_name == name


def test_node_without_spec_has_no_provider() -> None:
    assert Node().provider_name == ""


def test_infrastructure_topology_helpers() -> None:
    sno = InfrastructureStatus(control_plane_topology="SingleReplica", cpu_partitioning="AllNodes")
    assert sno.single_node
    assert sno.cpu_partitioning_enabled
    assert not InfrastructureStatus().single_node
