"""KubeletConfig renderer: every rule of spec section 3.2, table-driven."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nto_api.foreign.mco import MachineConfigPool
from nto_performance.components import kubeletconfig
from nto_performance.components._common import RenderError
from nto_performance.components.options import RenderOptions

EXPERIMENTAL = "kubeletconfig.experimental"
STRICT = "strict-cpu-reservation"
DRA = "performance.openshift.io/dra-resource-management"
DEFAULT_EVICTION = {
    "memory.available": "100Mi",
    "nodefs.available": "10%",
    "imagefs.available": "15%",
    "nodefs.inodesFree": "5%",
}


def kc(make_profile: Any, options: RenderOptions | None = None, **overrides: Any) -> dict[str, Any]:
    rendered = kubeletconfig.render(make_profile(**overrides), options or RenderOptions())
    config: dict[str, Any] = rendered["spec"]["kubeletConfig"]
    return config


def experimental(**config: Any) -> dict[str, str]:
    return {EXPERIMENTAL: json.dumps(config)}


def test_default_profile_exact(make_profile: Any) -> None:
    assert kubeletconfig.render(make_profile(), RenderOptions()) == {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "KubeletConfig",
        "metadata": {"name": "performance-manual"},
        "spec": {
            "kubeletConfig": {
                "apiVersion": "kubelet.config.k8s.io/v1beta1",
                "kind": "KubeletConfiguration",
                "cpuManagerPolicy": "static",
                "cpuManagerReconcilePeriod": "5s",
                "topologyManagerPolicy": "best-effort",
                "evictionHard": DEFAULT_EVICTION,
                "kubeReserved": {"memory": "500Mi"},
                "systemReserved": {"memory": "500Mi"},
                "reservedSystemCPUs": "0-1",
            },
            "machineConfigPoolSelector": {
                "matchLabels": {"machineconfiguration.openshift.io/role": "worker-cnf"}
            },
        },
    }


@pytest.mark.parametrize(
    ("policy", "memory_manager", "reserved_memory", "policy_options"),
    [
        pytest.param(None, None, None, None, id="unset-best-effort"),
        pytest.param("none", None, None, None, id="none"),
        pytest.param("best-effort", None, None, None, id="best-effort"),
        pytest.param("restricted", "Static", "1100Mi", None, id="restricted"),
        pytest.param(
            "single-numa-node", "Static", "1100Mi", {"full-pcpus-only": "true"}, id="single-numa"
        ),
    ],
)
def test_topology_policy(
    make_profile: Any,
    policy: str | None,
    memory_manager: str | None,
    reserved_memory: str | None,
    policy_options: dict[str, str] | None,
) -> None:
    numa = {"topologyPolicy": policy} if policy else None
    config = kc(make_profile, numa=numa)
    assert config["topologyManagerPolicy"] == (policy or "best-effort")
    assert config.get("memoryManagerPolicy") == memory_manager
    expected_reserved = (
        [{"numaNode": 0, "limits": {"memory": reserved_memory}}] if reserved_memory else None
    )
    assert config.get("reservedMemory") == expected_reserved
    assert config.get("cpuManagerPolicyOptions") == policy_options


@pytest.mark.parametrize(
    ("base", "key", "expected"),
    [
        pytest.param(
            {"evictionHard": {"memory.available": "200Mi"}},
            "evictionHard",
            {**DEFAULT_EVICTION, "memory.available": "200Mi"},
            id="eviction-kept-others-added",
        ),
        pytest.param(
            {"evictionHard": {"pid.available": "5%"}},
            "evictionHard",
            {**DEFAULT_EVICTION, "pid.available": "5%"},
            id="eviction-extra-key",
        ),
        pytest.param(
            {"kubeReserved": {"cpu": "1"}},
            "kubeReserved",
            {"cpu": "1", "memory": "500Mi"},
            id="kube-reserved-memory-added",
        ),
        pytest.param(
            {"systemReserved": {"memory": "1Gi"}},
            "systemReserved",
            {"memory": "1Gi"},
            id="system-reserved-kept",
        ),
        pytest.param({"kubeReserved": None}, "kubeReserved", {"memory": "500Mi"}, id="null-map"),
        pytest.param({"cpuManagerPolicy": "none"}, "cpuManagerPolicy", "static", id="cpu-static"),
        pytest.param(
            {"cpuManagerReconcilePeriod": "10s"}, "cpuManagerReconcilePeriod", "5s", id="period"
        ),
        pytest.param(
            {"topologyManagerPolicy": "restricted"},
            "topologyManagerPolicy",
            "best-effort",
            id="topology-overwritten",
        ),
        pytest.param({"maxPods": 500}, "maxPods", 500, id="unknown-field-kept"),
        pytest.param(
            {"apiVersion": "x/v9", "kind": "Other"}, "kind", "KubeletConfiguration", id="kind"
        ),
        pytest.param(
            {"reservedSystemCPUs": "5"}, "reservedSystemCPUs", "0-1", id="reserved-cpus-computed"
        ),
    ],
)
def test_experimental_annotation_is_the_base(
    make_profile: Any, base: dict[str, Any], key: str, expected: Any
) -> None:
    assert kc(make_profile, annotations=experimental(**base))[key] == expected


@pytest.mark.parametrize(
    ("base", "policy", "expected"),
    [
        pytest.param({}, "restricted", "1100Mi", id="defaults"),
        pytest.param({"kubeReserved": {"memory": "1Gi"}}, "restricted", "1624Mi", id="1Gi"),
        pytest.param(
            {"evictionHard": {"memory.available": "1Gi"}, "systemReserved": {"memory": "1Gi"}},
            "single-numa-node",
            "2548Mi",
            id="two-overrides",
        ),
    ],
)
def test_reserved_memory_sum(
    make_profile: Any, base: dict[str, Any], policy: str, expected: str
) -> None:
    config = kc(make_profile, annotations=experimental(**base), numa={"topologyPolicy": policy})
    assert config["reservedMemory"] == [{"numaNode": 0, "limits": {"memory": expected}}]


def test_reserved_memory_from_base_is_kept(make_profile: Any) -> None:
    given = [{"numaNode": 1, "limits": {"memory": "2Gi"}}]
    config = kc(
        make_profile,
        annotations=experimental(reservedMemory=given),
        numa={"topologyPolicy": "restricted"},
    )
    assert config["reservedMemory"] == given


@pytest.mark.parametrize(
    ("base_options", "expected"),
    [
        pytest.param({"full-pcpus-only": "false"}, {"full-pcpus-only": "false"}, id="kept"),
        pytest.param(
            {"strict-cpu-reservation": "true"},
            {"strict-cpu-reservation": "true", "full-pcpus-only": "true"},
            id="added",
        ),
    ],
)
def test_full_pcpus_only_only_when_missing(
    make_profile: Any, base_options: dict[str, str], expected: dict[str, str]
) -> None:
    config = kc(
        make_profile,
        annotations=experimental(cpuManagerPolicyOptions=base_options),
        numa={"topologyPolicy": "single-numa-node"},
    )
    assert config["cpuManagerPolicyOptions"] == expected


@pytest.mark.parametrize(
    ("cpu", "options", "expected"),
    [
        pytest.param({"reserved": "1,0"}, RenderOptions(), "0-1", id="normalized"),
        pytest.param({"reserved": "0"}, RenderOptions(), "0", id="single"),
        pytest.param({}, RenderOptions(ovs_dpdk_cpus="8-9"), "0-1,8-9", id="ovs-dpdk"),
        pytest.param({"shared": "7"}, RenderOptions(), "0-1", id="shared-without-mixed"),
        pytest.param(
            {"shared": "7", "isolated": "2-6"},
            RenderOptions(mixed_cpus_enabled=True),
            "0-1,7",
            id="shared-with-mixed",
        ),
        pytest.param(
            {"shared": "2"},
            RenderOptions(mixed_cpus_enabled=True, ovs_dpdk_cpus="1-3"),
            "0-3",
            id="all-three-overlapping",
        ),
    ],
)
def test_reserved_system_cpus(
    make_profile: Any, cpu: dict[str, str], options: RenderOptions, expected: str
) -> None:
    assert kc(make_profile, options, cpu=cpu)["reservedSystemCPUs"] == expected


@pytest.mark.parametrize(
    "base",
    [pytest.param({}, id="plain"), pytest.param({"maxPods": 10}, id="with-base")],
)
def test_dra_mode_turns_managers_off_and_nothing_else(
    make_profile: Any, base: dict[str, Any]
) -> None:
    config = kc(
        make_profile,
        RenderOptions(dra_resource_management=True),
        annotations={DRA: "true", **experimental(**base)},
        numa={"topologyPolicy": "single-numa-node"},
    )
    assert config == {
        **base,
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "cpuManagerPolicy": "none",
        "cpuManagerPolicyOptions": {},
        "topologyManagerPolicy": "none",
        "memoryManagerPolicy": "None",
    }


def test_dra_with_mixed_cpus_is_an_error(make_profile: Any) -> None:
    options = RenderOptions(dra_resource_management=True, mixed_cpus_enabled=True)
    with pytest.raises(RenderError, match="mutually exclusive"):
        kc(make_profile, options, cpu={"shared": "7", "isolated": "2-6"})


@pytest.mark.parametrize(
    ("text", "match"),
    [
        pytest.param("{not json", "not valid JSON.*line 1 column 2", id="malformed"),
        pytest.param("", "not valid JSON", id="empty"),
        pytest.param("[1, 2]", "not a JSON object", id="list"),
        pytest.param('"text"', "not a JSON object", id="string"),
        pytest.param('{"evictionHard": "lots"}', "'evictionHard' is 'lots'", id="bad-map"),
        pytest.param("x" * 500, r"\.\.\. \(500 characters\)", id="long-text-shortened"),
    ],
)
def test_malformed_experimental_annotation(make_profile: Any, text: str, match: str) -> None:
    with pytest.raises(RenderError, match=match) as info:
        kc(make_profile, annotations={EXPERIMENTAL: text})
    assert "kubeletconfig.experimental" in str(info.value)
    assert "'manual'" in str(info.value)


def test_percentage_memory_threshold_cannot_sum(make_profile: Any) -> None:
    with pytest.raises(RenderError, match=r"evictionHard\[memory.available\] is '10%'"):
        kc(
            make_profile,
            annotations=experimental(evictionHard={"memory.available": "10%"}),
            numa={"topologyPolicy": "restricted"},
        )


def pool(labels: dict[str, str]) -> MachineConfigPool:
    return MachineConfigPool.model_validate({"metadata": {"name": "p", "labels": labels}})


@pytest.mark.parametrize(
    ("overrides", "mcp", "expected"),
    [
        pytest.param(
            {"machineConfigPoolSelector": {"a": "b"}}, pool({"c": "d"}), {"a": "b"}, id="spec-wins"
        ),
        pytest.param({}, pool({"c": "d", "e": "f"}), {"c": "d", "e": "f"}, id="all-mcp-labels"),
        pytest.param({}, pool({}), {}, id="mcp-without-labels"),
        pytest.param(
            {"machineConfigLabel": {"x": "y"}},
            None,
            {"machineconfiguration.openshift.io/role": "worker-cnf"},
            id="default-role",
        ),
        pytest.param(
            {"nodeSelector": {"example.com/rt": ""}},
            None,
            {"machineconfiguration.openshift.io/role": "rt"},
            id="role-from-first-key",
        ),
    ],
)
def test_pool_selector_order(
    make_profile: Any,
    overrides: dict[str, Any],
    mcp: MachineConfigPool | None,
    expected: dict[str, str],
) -> None:
    rendered = kubeletconfig.render(make_profile(**overrides), RenderOptions(profile_mcp=mcp))
    assert rendered["spec"]["machineConfigPoolSelector"] == {"matchLabels": expected}


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        pytest.param(
            {"cpuManagerPolicyOptions": {"strict-cpu-reservation": "true"}}, True, id="on"
        ),
        pytest.param(
            {"cpuManagerPolicyOptions": {"strict-cpu-reservation": "false"}}, False, id="off"
        ),
        pytest.param({}, False, id="absent"),
        pytest.param({"cpuManagerPolicyOptions": "x"}, False, id="malformed"),
    ],
)
def test_has_strict_cpu_reservation(config: dict[str, Any], expected: bool) -> None:
    assert kubeletconfig.has_strict_cpu_reservation(config) is expected


def test_render_is_deterministic_and_does_not_alias(make_profile: Any) -> None:
    profile = make_profile(annotations=experimental(evictionHard={"memory.available": "1Gi"}))
    first = kubeletconfig.render(profile, RenderOptions())
    first["spec"]["kubeletConfig"]["evictionHard"]["x"] = "y"
    assert kubeletconfig.render(profile, RenderOptions()) != first
