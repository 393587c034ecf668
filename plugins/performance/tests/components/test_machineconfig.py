"""MachineConfig renderer: which files and units appear, in which order, under which condition.

Contents of the files and units are checked in ``test_machineconfig_contents.py``; the node
scripts themselves run in ``scripts/test_node_scripts.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from nto_api.foreign.mco import MachineConfig, decode_data_url
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components._common import RenderError
from nto_performance.components.machineconfig import kernel_type, render
from nto_performance.components.options import RenderOptions

ProfileBuilder = Callable[..., PerformanceProfile]

SCRIPTS = [
    "/usr/local/bin/hugepages-allocation.sh",
    "/usr/local/bin/set-cpus-offline.sh",
    "/usr/local/bin/clear-irqbalance-banned-cpus.sh",
]
OVS = [
    "/etc/systemd/system/ovs.slice",
    "/etc/systemd/system/openvswitch.service.d/01-use-ovs-slice.conf",
    "/etc/systemd/system/ovsdb-server.service.d/01-use-ovs-slice.conf",
    "/etc/systemd/system/ovs-vswitchd.service.d/01-use-ovs-slice.conf",
    "/var/lib/ovn-ic/etc/enable_dynamic_cpu_affinity",
]
STALLD = [
    "/etc/sysconfig/stalld-backend",
    "/etc/systemd/system/stalld.service.d/stalld-backend.conf",
]
CRIO = "/etc/crio/crio.conf.d/99-runtimes.conf"
CPUSET_SCRIPT = "/usr/local/bin/cpuset-configure.sh"
BASE_FILES = [*SCRIPTS, CRIO, CPUSET_SCRIPT, *OVS, *STALLD]
BASE_UNITS = [
    "cpuset-configure.service",
    "clear-irqbalance-banned-cpus.service",
    "ocp-tuned-one-shot.service",
]
RPS_SCRIPT = "/usr/local/bin/set-rps-mask.sh"
RPS_SYSCTL = "/etc/sysctl.d/99-default-rps-mask.conf"
RPS_UDEV = "/etc/udev/rules.d/99-netdev-physical-rps.rules"
PINNING = [
    "/etc/crio/crio.conf.d/99-workload-pinning.conf",
    "/etc/kubernetes/openshift-workload-pinning",
]
MIXED = "/etc/kubernetes/openshift-workload-mixed-cpus"
DPDK_SCRIPT = "/usr/local/bin/ovs-dpdk-cpus-configure.sh"

RPS_ON = {"performance.openshift.io/enable-rps": "true"}
PHYSICAL_RPS = {**RPS_ON, "performance.openshift.io/enable-physical-dev-rps": "true"}


def file_paths(mc: dict[str, Any]) -> list[str]:
    return [f["path"] for f in mc["spec"]["config"].get("storage", {}).get("files", [])]


def unit_names(mc: dict[str, Any]) -> list[str]:
    return [u["name"] for u in mc["spec"]["config"].get("systemd", {}).get("units", [])]


def with_inserted(base: list[str], after: str, *items: str) -> list[str]:
    index = base.index(after) + 1
    return [*base[:index], *items, *base[index:]]


FILE_CASES: list[tuple[str, dict[str, Any], RenderOptions, list[str]]] = [
    ("defaults", {}, RenderOptions(), BASE_FILES),
    (
        "rps-enabled",
        {"annotations": RPS_ON},
        RenderOptions(),
        [
            SCRIPTS[0],
            RPS_SCRIPT,
            *SCRIPTS[1:],
            CRIO,
            RPS_SYSCTL,
            RPS_UDEV,
            CPUSET_SCRIPT,
            *OVS,
            *STALLD,
        ],
    ),
    (
        "rps-enable-word",
        {"annotations": {"performance.openshift.io/enable-rps": "enable"}},
        RenderOptions(),
        [
            SCRIPTS[0],
            RPS_SCRIPT,
            *SCRIPTS[1:],
            CRIO,
            RPS_SYSCTL,
            RPS_UDEV,
            CPUSET_SCRIPT,
            *OVS,
            *STALLD,
        ],
    ),
    (
        "rps-physical",
        {"annotations": PHYSICAL_RPS},
        RenderOptions(),
        [SCRIPTS[0], RPS_SCRIPT, *SCRIPTS[1:], CRIO, RPS_SYSCTL, CPUSET_SCRIPT, *OVS, *STALLD],
    ),
    (
        "rps-false",
        {"annotations": {"performance.openshift.io/enable-rps": "false"}},
        RenderOptions(),
        BASE_FILES,
    ),
    (
        "rps-disable",
        {"annotations": {"performance.openshift.io/enable-rps": "disable"}},
        RenderOptions(),
        BASE_FILES,
    ),
    (
        "rps-uppercase-is-not-on",
        {"annotations": {"performance.openshift.io/enable-rps": "TRUE"}},
        RenderOptions(),
        BASE_FILES,
    ),
    (
        "physical-rps-alone",
        {"annotations": {"performance.openshift.io/enable-physical-dev-rps": "true"}},
        RenderOptions(),
        BASE_FILES,
    ),
    (
        "pinning",
        {},
        RenderOptions(pinning_mode="AllNodes"),
        with_inserted(BASE_FILES, CRIO, *PINNING),
    ),
    (
        "pinning-and-rps",
        {"annotations": RPS_ON},
        RenderOptions(pinning_mode="AllNodes"),
        [
            SCRIPTS[0],
            RPS_SCRIPT,
            *SCRIPTS[1:],
            CRIO,
            RPS_SYSCTL,
            RPS_UDEV,
            *PINNING,
            CPUSET_SCRIPT,
            *OVS,
            *STALLD,
        ],
    ),
    (
        "mixed-cpus",
        {"cpu": {"shared": "6-7", "isolated": "2-5"}},
        RenderOptions(mixed_cpus_enabled=True),
        [*BASE_FILES, MIXED],
    ),
    ("mixed-cpus-without-shared", {}, RenderOptions(mixed_cpus_enabled=True), BASE_FILES),
    ("shared-without-mixed-option", {"cpu": {"shared": "6-7"}}, RenderOptions(), BASE_FILES),
    (
        "ovs-dpdk",
        {},
        RenderOptions(ovs_dpdk_cpus="4-5"),
        with_inserted(BASE_FILES, OVS[-1], DPDK_SCRIPT),
    ),
    (
        "no-reserved",
        {"cpu": {"reserved": ""}},
        RenderOptions(),
        [f for f in BASE_FILES if f != CPUSET_SCRIPT],
    ),
]


@pytest.mark.parametrize(
    ("overrides", "options", "expected"),
    [case[1:] for case in FILE_CASES],
    ids=[case[0] for case in FILE_CASES],
)
def test_files_and_order(
    make_profile: ProfileBuilder,
    overrides: dict[str, Any],
    options: RenderOptions,
    expected: list[str],
) -> None:
    assert file_paths(render(make_profile(**overrides), options)) == expected


HP = {
    "defaultHugepagesSize": "1G",
    "pages": [{"size": "1G", "count": 1, "node": 0}, {"size": "2M", "count": 128}],
}
UNIT_CASES: list[tuple[str, dict[str, Any], RenderOptions, list[str]]] = [
    ("defaults", {}, RenderOptions(), BASE_UNITS),
    ("rps", {"annotations": RPS_ON}, RenderOptions(), ["update-rps@.service", *BASE_UNITS]),
    ("rps-physical", {"annotations": PHYSICAL_RPS}, RenderOptions(), BASE_UNITS),
    (
        "offlined",
        {"cpu": {"offlined": "8-9"}},
        RenderOptions(),
        with_inserted(BASE_UNITS, BASE_UNITS[0], "set-cpus-offline.service"),
    ),
    (
        "hugepages-node-only",
        {"hugepages": HP},
        RenderOptions(),
        ["hugepages-allocation-1048576kB-NUMA0.service", *BASE_UNITS],
    ),
    (
        "hugepages-many",
        {
            "hugepages": {
                "pages": [
                    {"size": "2M", "count": 10, "node": 1},
                    {"size": "64k", "count": 3, "node": 0},
                    {"size": "16G", "count": 1, "node": 0},
                    {"size": "2M", "count": 10, "node": 0},
                ]
            }
        },
        RenderOptions(),
        [
            "hugepages-allocation-2048kB-NUMA1.service",
            "hugepages-allocation-64kB-NUMA0.service",
            "hugepages-allocation-16777216kB-NUMA0.service",
            "hugepages-allocation-2048kB-NUMA0.service",
            *BASE_UNITS,
        ],
    ),
    (
        "ovs-dpdk-after-one-shot",
        {},
        RenderOptions(ovs_dpdk_cpus="4-5"),
        [*BASE_UNITS, "ovs-dpdk-cpus-configure.service"],
    ),
    ("no-reserved", {"cpu": {"reserved": ""}}, RenderOptions(), BASE_UNITS[1:]),
    (
        "everything",
        {"annotations": RPS_ON, "hugepages": HP, "cpu": {"offlined": "8"}},
        RenderOptions(ovs_dpdk_cpus="4"),
        [
            "update-rps@.service",
            "hugepages-allocation-1048576kB-NUMA0.service",
            "cpuset-configure.service",
            "set-cpus-offline.service",
            "clear-irqbalance-banned-cpus.service",
            "ocp-tuned-one-shot.service",
            "ovs-dpdk-cpus-configure.service",
        ],
    ),
]


@pytest.mark.parametrize(
    ("overrides", "options", "expected"),
    [case[1:] for case in UNIT_CASES],
    ids=[case[0] for case in UNIT_CASES],
)
def test_units_and_order(
    make_profile: ProfileBuilder,
    overrides: dict[str, Any],
    options: RenderOptions,
    expected: list[str],
) -> None:
    assert unit_names(render(make_profile(**overrides), options)) == expected


def test_only_the_template_unit_is_not_enabled(make_profile: ProfileBuilder) -> None:
    mc = render(make_profile(annotations=RPS_ON, hugepages=HP), RenderOptions(ovs_dpdk_cpus="4"))
    enabled = {u["name"]: u.get("enabled") for u in mc["spec"]["config"]["systemd"]["units"]}
    assert enabled.pop("update-rps@.service") is None
    assert set(enabled.values()) == {True}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "default"),
        ({"realTimeKernel": {"enabled": True}}, "realtime"),
        ({"realTimeKernel": {"enabled": False}}, "default"),
        ({"kernelPageSize": "64k"}, "64k-pages"),
        ({"kernelPageSize": "4k"}, "default"),
        ({"kernelPageSize": "64k", "realTimeKernel": {"enabled": True}}, "realtime"),
    ],
    ids=["default", "rt", "rt-off", "64k", "4k", "rt-wins-over-64k"],
)
def test_kernel_type(
    make_profile: ProfileBuilder, overrides: dict[str, Any], expected: str
) -> None:
    profile = make_profile(**overrides)
    assert kernel_type(profile) == expected
    assert render(profile, RenderOptions())["spec"]["kernelType"] == expected


@pytest.mark.parametrize(
    ("overrides", "labels"),
    [
        ({}, {"machineconfiguration.openshift.io/role": "worker-cnf"}),
        (
            {"nodeSelector": {"node-role.kubernetes.io/rt": ""}},
            {"machineconfiguration.openshift.io/role": "rt"},
        ),
        ({"machineConfigLabel": {"custom/label": "x", "b": "y"}}, {"custom/label": "x", "b": "y"}),
    ],
    ids=["role-default", "other-role", "spec-label"],
)
def test_metadata(
    make_profile: ProfileBuilder, overrides: dict[str, Any], labels: dict[str, str]
) -> None:
    mc = render(make_profile(name="pp1", **overrides), RenderOptions())
    assert mc["apiVersion"] == "machineconfiguration.openshift.io/v1"
    assert mc["kind"] == "MachineConfig"
    assert mc["metadata"] == {"name": "50-performance-pp1", "labels": labels}


def test_spec_has_only_meaningful_fields(make_profile: ProfileBuilder) -> None:
    mc = render(make_profile(additionalKernelArgs=["nohz_full=2-7"]), RenderOptions())
    assert set(mc) == {"apiVersion", "kind", "metadata", "spec"}
    assert set(mc["spec"]) == {"config", "kernelType"}
    assert set(mc["spec"]["config"]) == {"ignition", "storage", "systemd"}
    assert mc["spec"]["config"]["ignition"] == {"version": "3.2.0"}


def test_file_modes_and_data_urls(make_profile: ProfileBuilder) -> None:
    mc = render(
        make_profile(annotations=RPS_ON), RenderOptions(ovs_dpdk_cpus="4", pinning_mode="AllNodes")
    )
    for entry in mc["spec"]["config"]["storage"]["files"]:
        assert set(entry) == {"path", "mode", "contents"}, entry["path"]
        expected_mode = 0o700 if entry["path"].startswith("/usr/local/bin/") else 0o644
        assert entry["mode"] == expected_mode, entry["path"]
        source = entry["contents"]["source"]
        assert source.startswith("data:text/plain;charset=utf-8;base64,"), entry["path"]
        assert decode_data_url(source).decode(), entry["path"]


@pytest.mark.parametrize(
    "options",
    [
        RenderOptions(),
        RenderOptions(pinning_mode="AllNodes", ovs_dpdk_cpus="4-5", mixed_cpus_enabled=True),
    ],
    ids=["plain", "everything"],
)
def test_round_trips_through_the_model(
    make_profile: ProfileBuilder, options: RenderOptions
) -> None:
    profile = make_profile(annotations=RPS_ON, hugepages=HP, cpu={"offlined": "8", "shared": "6"})
    mc = render(profile, options)
    model = MachineConfig.model_validate(mc)
    assert model.model_dump(exclude_none=True) == mc
    assert render(profile, options) == mc


def test_pure_and_deterministic(make_profile: ProfileBuilder) -> None:
    profile = make_profile(annotations=RPS_ON, hugepages=HP)
    before = profile.model_dump()
    assert render(profile, RenderOptions()) == render(profile, RenderOptions())
    assert profile.model_dump() == before


BAD_INPUT = [
    ("reserved", {"cpu": {"reserved": "0-x"}}, RenderOptions(), "spec.cpu.reserved '0-x'"),
    ("offlined", {"cpu": {"offlined": "3-1"}}, RenderOptions(), "spec.cpu.offlined '3-1'"),
    (
        "shared",
        {"cpu": {"shared": "a"}},
        RenderOptions(mixed_cpus_enabled=True),
        "spec.cpu.shared 'a'",
    ),
    ("ovs-dpdk", {}, RenderOptions(ovs_dpdk_cpus="4;rm -rf /"), "cpu.ovsDpdk"),
    (
        "hugepage-size",
        {"hugepages": {"pages": [{"size": "2X", "count": 1, "node": 0}]}},
        RenderOptions(),
        "spec.hugepages.pages[0].size '2X'",
    ),
    (
        "hugepage-size-missing",
        {"hugepages": {"pages": [{"count": 1, "node": 0}]}},
        RenderOptions(),
        "spec.hugepages.pages[0].size None",
    ),
    (
        "hugepage-negative-node",
        {"hugepages": {"pages": [{"size": "2M", "count": 1, "node": -1}]}},
        RenderOptions(),
        "spec.hugepages.pages[0].node -1",
    ),
    (
        "hugepage-negative-count",
        {"hugepages": {"pages": [{"size": "2M", "count": -5, "node": 0}]}},
        RenderOptions(),
        "spec.hugepages.pages[0].count -5",
    ),
    (
        "hugepage-duplicate",
        {
            "hugepages": {
                "pages": [
                    {"size": "2M", "count": 1, "node": 0},
                    {"size": "2048k", "count": 2, "node": 0},
                ]
            }
        },
        RenderOptions(),
        "spec.hugepages.pages[1] repeats size '2048k' on NUMA node 0 of spec.hugepages.pages[0]",
    ),
    ("empty-node-selector", {"nodeSelector": {}}, RenderOptions(), "spec.nodeSelector is empty"),
    (
        "selector-without-role",
        {"nodeSelector": {"worker": ""}},
        RenderOptions(),
        "has no role after '/'",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "options", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_names_field_and_value(
    make_profile: ProfileBuilder,
    overrides: dict[str, Any],
    options: RenderOptions,
    message: str,
) -> None:
    with pytest.raises(RenderError, match="PerformanceProfile 'manual'") as info:
        render(make_profile(**overrides), options)
    assert message in str(info.value)


def test_hugepages_without_node_go_elsewhere(make_profile: ProfileBuilder) -> None:
    profile = make_profile(hugepages={"pages": [{"size": "bogus", "count": 1}]})
    assert not [
        n for n in unit_names(render(profile, RenderOptions())) if n.startswith("hugepages")
    ]


def test_missing_count_allocates_zero(make_profile: ProfileBuilder) -> None:
    mc = render(make_profile(hugepages={"pages": [{"size": "2M", "node": 1}]}), RenderOptions())
    unit = mc["spec"]["config"]["systemd"]["units"][0]
    assert "Environment=HUGEPAGES_COUNT=0\n" in unit["contents"]


def test_unnamed_profile_is_rejected() -> None:
    profile = PerformanceProfile.model_validate(
        {"spec": {"cpu": {"reserved": "0", "isolated": "1"}, "nodeSelector": {"a/b": ""}}}
    )
    with pytest.raises(RenderError, match=r"metadata\.name"):
        render(profile, RenderOptions())
