"""MachineConfig renderer: what the files and units say (CRI-O TOML, masks, unit lines)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest

from nto_api.foreign.mco import decode_data_url
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components.machineconfig import render
from nto_performance.components.options import RenderOptions

ProfileBuilder = Callable[..., PerformanceProfile]

CRIO = "/etc/crio/crio.conf.d/99-runtimes.conf"
RPS_ON = {"performance.openshift.io/enable-rps": "true"}
CRIO_ANNOTATIONS = [
    "cpu-load-balancing.crio.io",
    "cpu-quota.crio.io",
    "irq-load-balancing.crio.io",
    "cpu-c-states.crio.io",
    "cpu-freq-governor.crio.io",
]
SCRIPTS_PACKAGE = "nto_performance.components.machineconfig"


def files(mc: dict[str, Any]) -> dict[str, str]:
    return {
        f["path"]: decode_data_url(f["contents"]["source"]).decode()
        for f in mc["spec"]["config"]["storage"]["files"]
    }


def units(mc: dict[str, Any]) -> dict[str, str]:
    return {u["name"]: u["contents"] for u in mc["spec"]["config"]["systemd"]["units"]}


def parse_unit(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Sections of a unit; fails on anything that is not a header, key=value, comment or blank.

    Lines ending in a backslash continue on the next line, as systemd reads them.
    """
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.replace("\\\n", " ").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            sections.append((line[1:-1], []))
            continue
        key, sep, value = line.partition("=")
        assert sep, f"bad unit line {line!r}"
        assert key, f"bad unit line {line!r}"
        assert sections, f"unit line {line!r} before any section"
        sections[-1][1].append((key, value))
    return sections


def render_files(
    make_profile: ProfileBuilder, options: RenderOptions | None = None, **kw: Any
) -> dict[str, str]:
    return files(render(make_profile(**kw), options or RenderOptions()))


def render_units(
    make_profile: ProfileBuilder, options: RenderOptions | None = None, **kw: Any
) -> dict[str, str]:
    return units(render(make_profile(**kw), options or RenderOptions()))


# --- CRI-O ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotations", "options", "cpu", "exec_affinity", "shared"),
    [
        ({}, RenderOptions(), {}, True, None),
        (
            {"performance.openshift.io/exec-cpu-affinity": "disable"},
            RenderOptions(),
            {},
            False,
            None,
        ),
        ({"performance.openshift.io/exec-cpu-affinity": "enable"}, RenderOptions(), {}, True, None),
        ({"performance.openshift.io/exec-cpu-affinity": ""}, RenderOptions(), {}, True, None),
        (
            {},
            RenderOptions(mixed_cpus_enabled=True),
            {"shared": "6-7", "isolated": "2-5"},
            True,
            "6-7",
        ),
        ({}, RenderOptions(), {"shared": "6-7", "isolated": "2-5"}, True, None),
    ],
    ids=[
        "default",
        "exec-affinity-disabled",
        "other-value",
        "empty-value",
        "mixed-cpus",
        "shared-only",
    ],
)
def test_crio_runtimes(
    make_profile: ProfileBuilder,
    annotations: dict[str, str],
    options: RenderOptions,
    cpu: dict[str, str],
    exec_affinity: bool,
    shared: str | None,
) -> None:
    conf = tomllib.loads(
        render_files(make_profile, options, annotations=annotations, cpu=cpu)[CRIO]
    )
    runtime = conf["crio"]["runtime"]
    assert runtime["infra_ctr_cpuset"] == "0-1"
    assert runtime.get("shared_cpuset") == shared
    assert runtime["min_injected_gomaxprocs"] == 4
    handler = runtime["runtimes"]["high-performance"]
    expected_handler = {
        "inherit_default_runtime": True,
        "default_annotations": {"run.oci.systemd.subgroup": ""},
        "allowed_annotations": CRIO_ANNOTATIONS + (["cpu-shared.crio.io"] if shared else []),
    }
    if exec_affinity:
        expected_handler["exec_cpu_affinity"] = "first"
    assert handler == expected_handler
    assert set(conf) == {"crio"}
    assert set(runtime) <= {
        "infra_ctr_cpuset",
        "shared_cpuset",
        "min_injected_gomaxprocs",
        "runtimes",
    }


def test_crio_takes_reserved_as_written(make_profile: ProfileBuilder) -> None:
    conf = render_files(
        make_profile, RenderOptions(pinning_mode="AllNodes"), cpu={"reserved": "1,0"}
    )
    assert tomllib.loads(conf[CRIO])["crio"]["runtime"]["infra_ctr_cpuset"] == "1,0"
    pinning = tomllib.loads(conf["/etc/crio/crio.conf.d/99-workload-pinning.conf"])
    assert json.loads(conf["/etc/kubernetes/openshift-workload-pinning"]) == {
        "management": {"cpuset": "1,0"}
    }
    assert pinning == {
        "crio": {
            "runtime": {
                "workloads": {
                    "management": {
                        "activation_annotation": "target.workload.openshift.io/management",
                        "annotation_prefix": "resources.workload.openshift.io",
                        "resources": {"cpushares": 0, "cpuset": "1,0"},
                    }
                }
            }
        }
    }


def test_mixed_cpus_file(make_profile: ProfileBuilder) -> None:
    rendered = render_files(
        make_profile, RenderOptions(mixed_cpus_enabled=True), cpu={"shared": "7", "isolated": "2-6"}
    )
    assert json.loads(rendered["/etc/kubernetes/openshift-workload-mixed-cpus"]) == {
        "shared_cpus": {"containers_limit": 256}
    }


# --- RPS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reserved", "mask"),
    [
        ("0", "00000001"),
        ("0-1", "00000003"),
        ("0,4-7", "000000f1"),
        ("32", "00000001,00000000"),
        ("", "00000000"),
    ],
)
def test_rps_default_mask(make_profile: ProfileBuilder, reserved: str, mask: str) -> None:
    rendered = render_files(make_profile, annotations=RPS_ON, cpu={"reserved": reserved})
    assert (
        rendered["/etc/sysctl.d/99-default-rps-mask.conf"]
        == f"net.core.rps_default_mask = {mask}\n"
    )


def test_rps_udev_rules_and_unit(make_profile: ProfileBuilder) -> None:
    mc = render(make_profile(annotations=RPS_ON), RenderOptions())
    rules = [
        line
        for line in files(mc)["/etc/udev/rules.d/99-netdev-physical-rps.rules"].splitlines()
        if line and not line.startswith("#")
    ]
    assert len(rules) == 2
    queues, moves = rules
    assert 'ACTION=="add"' in queues
    assert 'DEVPATH=="/devices/pci*/queues/rx*"' in queues
    assert 'ACTION=="move"' in moves
    assert 'SUBSYSTEM=="net"' in moves
    assert "virtual" in moves
    for rule in rules:
        assert "systemd-escape --path --template=update-rps@.service" in rule
    assert parse_unit(units(mc)["update-rps@.service"]) == [
        ("Unit", [("Description", "Sets network devices RPS mask")]),
        ("Service", [("Type", "oneshot"), ("ExecStart", "/usr/local/bin/set-rps-mask.sh %I 0")]),
    ]


# --- units ----------------------------------------------------------------------------------


def test_hugepages_unit_text(make_profile: ProfileBuilder) -> None:
    rendered = render_units(
        make_profile, hugepages={"pages": [{"size": "2M", "count": 128, "node": 1}]}
    )
    assert rendered["hugepages-allocation-2048kB-NUMA1.service"] == (
        "[Unit]\n"
        "Description=Hugepages-2048kB allocation on the node 1\n"
        "Before=kubelet.service\n"
        "\n"
        "[Service]\n"
        "Environment=HUGEPAGES_COUNT=128\n"
        "Environment=HUGEPAGES_SIZE=2048\n"
        "Environment=NUMA_NODE=1\n"
        "Type=oneshot\n"
        "RemainAfterExit=true\n"
        "ExecStart=/usr/local/bin/hugepages-allocation.sh\n"
        "\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


@pytest.mark.parametrize(("offlined", "ids"), [("2,3", "2,3"), ("8-10,4", "4,8,9,10")])
def test_offline_unit(make_profile: ProfileBuilder, offlined: str, ids: str) -> None:
    unit = dict(
        parse_unit(
            render_units(make_profile, cpu={"offlined": offlined})["set-cpus-offline.service"]
        )
    )
    assert unit["Unit"] == [
        ("Description", f"Set cpus offline: {ids}"),
        ("Before", "kubelet.service"),
    ]
    assert ("Environment", f"OFFLINE_CPUS={ids}") in unit["Service"]
    assert ("RemainAfterExit", "true") in unit["Service"]
    assert unit["Install"] == [("WantedBy", "multi-user.target")]


@pytest.mark.parametrize(
    ("ovs_dpdk", "environment"),
    [
        ("", []),
        ("4-5", [("Environment", "OVS_DPDK_CPUS=00000030")]),
        ("33", [("Environment", "OVS_DPDK_CPUS=00000002,00000000")]),
    ],
    ids=["plain", "ovs-dpdk", "ovs-dpdk-high-cpu"],
)
def test_clear_irqbalance_unit(
    make_profile: ProfileBuilder, ovs_dpdk: str, environment: list[tuple[str, str]]
) -> None:
    rendered = render_units(make_profile, RenderOptions(ovs_dpdk_cpus=ovs_dpdk))
    unit = dict(parse_unit(rendered["clear-irqbalance-banned-cpus.service"]))
    assert unit["Unit"] == [
        ("Description", "Clear the IRQBalance Banned CPU mask early in the boot"),
        ("Before", "kubelet.service"),
        ("Before", "irqbalance.service"),
    ]
    assert unit["Service"] == [
        *environment,
        ("Type", "oneshot"),
        ("RemainAfterExit", "true"),
        ("ExecStart", "/usr/local/bin/clear-irqbalance-banned-cpus.sh"),
    ]


def test_cpuset_configure_unit(make_profile: ProfileBuilder) -> None:
    unit = dict(parse_unit(render_units(make_profile)["cpuset-configure.service"]))
    assert unit["Unit"] == [
        ("Description", "Move services to reserved cpuset"),
        ("Before", "kubelet.service"),
        ("After", "crio.service"),
    ]
    assert ("ExecStart", "/usr/local/bin/cpuset-configure.sh") in unit["Service"]
    assert unit["Install"] == [("WantedBy", "multi-user.target crio.service")]


@pytest.mark.parametrize(("disable", "partition"), [(False, "member"), (True, "isolated")])
def test_ovs_dpdk(make_profile: ProfileBuilder, disable: bool, partition: str) -> None:
    mc = render(
        make_profile(),
        RenderOptions(ovs_dpdk_cpus="5,4", disable_load_balancing_for_ovs_dpdk=disable),
    )
    unit = dict(parse_unit(units(mc)["ovs-dpdk-cpus-configure.service"]))
    assert ("Requires", "ovs-vswitchd.service") in unit["Unit"]
    assert ("After", "ovs-vswitchd.service") in unit["Unit"]
    assert ("Before", "kubelet.service") in unit["Unit"]
    assert ("Environment", "OVS_DPDK_CPUS=4-5") in unit["Service"]
    assert ("Environment", f"OVS_DPDK_PARTITION={partition}") in unit["Service"]
    assert ("RemainAfterExit", "true") in unit["Service"]
    dropin = files(mc)["/etc/systemd/system/ovs-vswitchd.service.d/01-use-ovs-slice.conf"]
    assert (
        dropin
        == "[Service]\nSlice=ovs.slice\nDelegate=cpuset cpu pids\nEnvironment=OVS_DPDK_CPUS=4-5\n"
    )


def test_ovs_slice_and_static_files(make_profile: ProfileBuilder) -> None:
    rendered = render_files(make_profile)
    for service in ("openvswitch", "ovsdb-server", "ovs-vswitchd"):
        assert (
            rendered[f"/etc/systemd/system/{service}.service.d/01-use-ovs-slice.conf"]
            == "[Service]\nSlice=ovs.slice\n"
        )
    slice_unit = parse_unit(rendered["/etc/systemd/system/ovs.slice"])
    assert [name for name, _ in slice_unit] == ["Unit", "Slice"]
    assert slice_unit[0][1][0][0] == "Description"
    assert slice_unit[0][1][0][1].startswith("Top level slice")
    assert slice_unit[1][1] == []
    affinity = rendered["/var/lib/ovn-ic/etc/enable_dynamic_cpu_affinity"]
    assert affinity
    assert all(line.startswith("#") for line in affinity.splitlines())
    assert rendered["/etc/sysconfig/stalld-backend"] == 'BE="-b sched_debug"\n'
    assert rendered["/etc/systemd/system/stalld.service.d/stalld-backend.conf"] == (
        "[Service]\nEnvironmentFile=/etc/sysconfig/stalld-backend\n"
    )


def test_every_unit_parses_and_runs_an_installed_script(make_profile: ProfileBuilder) -> None:
    profile = make_profile(
        annotations=RPS_ON,
        cpu={"offlined": "8"},
        hugepages={"pages": [{"size": "1G", "count": 1, "node": 0}]},
    )
    mc = render(
        profile, RenderOptions(ovs_dpdk_cpus="4", pinning_mode="AllNodes", mixed_cpus_enabled=True)
    )
    installed = files(mc)
    for name, text in units(mc).items():
        service = dict(dict(parse_unit(text))["Service"])
        script = service["ExecStart"].split()[0]
        if script.startswith("/usr/local/bin/"):
            assert script in installed, name


def test_scripts_are_the_package_data(make_profile: ProfileBuilder) -> None:
    rendered = render_files(make_profile, RenderOptions(ovs_dpdk_cpus="4"), annotations=RPS_ON)
    scripts = {path: text for path, text in rendered.items() if path.startswith("/usr/local/bin/")}
    assert len(scripts) == 6
    for path, text in scripts.items():
        name = path.rsplit("/", 1)[1]
        assert text == resources.files(SCRIPTS_PACKAGE).joinpath("scripts", name).read_text()
        assert text.startswith("#!/bin/bash\n")
        assert "set -euo pipefail" in text
