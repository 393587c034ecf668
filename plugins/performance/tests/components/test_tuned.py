"""Tuned renderer: spec performance.md section 3.3 (object, template variables, profile texts).

Profile texts are checked as TuneD reads them (INI, ``=`` only, ``#`` comments, keys case
kept); per-field inputs are in ``test_tuned_inputs.py``, the real-TuneD merge and variable
expansion in ``tuned_real/``.
"""

from __future__ import annotations

import configparser
import itertools
from typing import Any

import pytest

from nto_performance.components._common import RenderError
from nto_performance.components.options import RenderOptions
from nto_performance.components.tuned import PROFILE_KINDS, profile_names, render
from nto_performance.components.tuned._template import render_template
from nto_performance.components.tuned._variables import compute

ROOT, RT, AMD, ARM, INTEL = PROFILE_KINDS
Sections = dict[str, dict[str, str]]


def parse(text: str) -> Sections:
    """A TuneD profile text as TuneD's loader parses it."""
    parser = configparser.ConfigParser(
        delimiters=("=",), inline_comment_prefixes=("#",), strict=False, interpolation=None
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return {section: dict(parser[section]) for section in parser.sections()}


def profiles(profile: Any, options: RenderOptions | None = None) -> dict[str, Sections]:
    """The rendered TuneD profiles of `profile`, by stem, parsed."""
    rendered = render(profile, options or RenderOptions())
    pp = profile.metadata.name
    return {
        item["name"].removesuffix(f"-{pp}"): parse(item["data"])
        for item in rendered["spec"]["profile"]
    }


# --- the Tuned object -------------------------------------------------------------------


def test_object(make_profile: Any) -> None:
    rendered = render(make_profile(name="manual"), RenderOptions())
    assert {k: v for k, v in rendered.items() if k != "spec"} == {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": {
            "name": "openshift-node-performance-manual",
            "namespace": "openshift-cluster-node-tuning-operator",
        },
    }
    assert [item["name"] for item in rendered["spec"]["profile"]] == [
        "openshift-node-performance-manual",
        "openshift-node-performance-rt-manual",
        "openshift-node-performance-amd-x86-manual",
        "openshift-node-performance-arm-aarch64-manual",
        "openshift-node-performance-intel-x86-manual",
    ]
    assert rendered["spec"]["recommend"] == [
        {
            "profile": "openshift-node-performance-manual",
            "priority": 20,
            "machineConfigLabels": {"machineconfiguration.openshift.io/role": "worker-cnf"},
        }
    ]
    assert set(rendered["spec"]) == {"profile", "recommend"}


def test_recommend_uses_machine_config_label(make_profile: Any) -> None:
    profile = make_profile(machineConfigLabel={"custom/label": "x"})
    recommend = render(profile, RenderOptions())["spec"]["recommend"]
    assert recommend[0]["machineConfigLabels"] == {"custom/label": "x"}
    recommend[0]["machineConfigLabels"]["mutated"] = "y"
    assert profile.spec.machine_config_label == {"custom/label": "x"}


def test_deterministic_and_pure(make_profile: Any) -> None:
    profile = make_profile(hugepages={"defaultHugepagesSize": "1G"})
    before = profile.model_dump()
    assert render(profile, RenderOptions()) == render(profile, RenderOptions())
    assert profile.model_dump() == before


def test_root_includes(make_profile: Any) -> None:
    main = profiles(make_profile(name="pp1"))[ROOT]["main"]
    first, second = main["include"].split("\n")
    assert first.startswith("openshift-node,cpu-partitioning${f:regex_search_ternary:")
    assert ":rt:,openshift-node-performance-rt-pp1:};" in first
    assert second.startswith("openshift-node-performance-${f:lscpu_check:")
    assert second.endswith("-pp1")
    for needle in ("GenuineIntel:intel", "AuthenticAMD:amd", "aarch64:arm", "x86_64:x86"):
        assert needle in second
    assert profile_names("pp1")[0] == "openshift-node-performance-pp1"


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        pytest.param(
            RT,
            {"sysctl": {"drop": "kernel.numa_balancing,net.core.busy_read,net.core.busy_poll"}},
            id="rt",
        ),
        pytest.param(ARM, {"bootloader": {}}, id="arm-aarch64"),
    ],
)
def test_fixed_children(make_profile: Any, stem: str, expected: Sections) -> None:
    sections = profiles(make_profile())[stem]
    assert sections == {"main": {"summary": sections["main"]["summary"]}, **expected}


# --- CPU sets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpu", "ovs_dpdk", "isolated_cores", "irqaffinity"),
    [
        pytest.param({"isolated": "2,3,4,7"}, "", "2-4,7", None, id="normalized"),
        pytest.param({"isolated": "2-3"}, "4", "2-4", "0-3", id="ovs-dpdk"),
        pytest.param(
            {"isolated": "2-3", "shared": "6-7"}, "4-5", "2-5", "0-3,6-7", id="ovs-shared"
        ),
    ],
)
def test_cpu_sets(
    make_profile: Any,
    cpu: dict[str, str],
    ovs_dpdk: str,
    isolated_cores: str,
    irqaffinity: str | None,
) -> None:
    root = profiles(make_profile(cpu=cpu), RenderOptions(ovs_dpdk_cpus=ovs_dpdk))[ROOT]
    assert root["variables"] == {
        "isolated_cores": isolated_cores,
        "not_isolated_cores_expanded": "${f:cpulist_invert:${isolated_cores_expanded}}",
    }
    expected = None if irqaffinity is None else f"+irqaffinity={irqaffinity}"
    assert root["bootloader"].get("cmdline_irqaffinity") == expected


@pytest.mark.parametrize(
    ("balance", "isolation"),
    [
        pytest.param(None, "+isolcpus=managed_irq,${isolated_cores}", id="default"),
        pytest.param(True, "+isolcpus=managed_irq,${isolated_cores}", id="balanced"),
        pytest.param(False, "+isolcpus=domain,managed_irq,${isolated_cores}", id="static"),
    ],
)
def test_static_isolation(make_profile: Any, balance: bool | None, isolation: str) -> None:
    bootloader = profiles(make_profile(cpu={"balanceIsolated": balance}))[ROOT]["bootloader"]
    assert bootloader["cmdline_isolation"] == isolation
    assert bootloader["cmdline_cpu_part"] == (
        "+nohz=on rcu_nocbs=${isolated_cores} tuned.non_isolcpus=${not_isolated_cpumask} "
        "systemd.cpu_affinity=${not_isolated_cores_expanded}"
    )
    assert bootloader["cmdline_cpu_part_nohzfull"] == "+nohz_full=${isolated_cores}"
    assert bootloader["cmdline_cpu_tuning"] == "+skew_tick=1"
    for key in ("initrd_remove_dir", "initrd_dst_img", "initrd_add_dir", "cmdline_iommu"):
        assert bootloader[key] == ""


# --- workload hints ---------------------------------------------------------------------------

RT_SYSCTL = {
    "kernel.hung_task_timeout_secs": "600",
    "kernel.nmi_watchdog": "0",
    "kernel.sched_rt_runtime_us": "-1",
    "vm.stat_interval": "10",
}
ALWAYS_SYSCTL = {
    "net.ipv4.tcp_fastopen": "3",
    "vm.dirty_ratio": "10",
    "vm.dirty_background_ratio": "3",
    "vm.swappiness": "10",
    "kernel.timer_migration": "1",
}
PERFORMANCE_CPU = {
    "force_latency": "cstate.id:1|3",
    "governor": "performance",
    "energy_perf_bias": "performance",
    "min_perf_pct": "100",
}
RT_ROOT = {
    "cmdline_realtime_nosoftlookup": "+nosoftlockup",
    "cmdline_realtime_common": "+rcutree.kthread_prio=11",
}
RT_INTEL = {
    "cmdline_realtime_intel": "tsc=reliable",
    "cmdline_realtime_intel_nmi": "nmi_watchdog=0 mce=off",
}
RT_AMD = {"cmdline_realtime_amd": "tsc=reliable nmi_watchdog=0 mce=off"}
HPC_ROOT = {"cmdline_power_performance": ""}
HPC_INTEL = {"cmdline_power_performance_intel": "processor.max_cstate=1 intel_idle.max_cstate=0"}
HPC_AMD = {"cmdline_power_performance_amd": "processor.max_cstate=1"}
POLL = (
    {"cmdline_idle_poll": ""},
    {"cmdline_idle_poll_intel": "idle=poll"},
    {"cmdline_idle_poll_amd": "idle=poll"},
)
NONE: tuple[dict[str, str], ...] = ({}, {}, {})


@pytest.mark.parametrize(
    ("hints", "extra", "rt", "hpc", "poll", "pstates"),
    [
        pytest.param(
            None, {}, True, False, False, ("${f:intel_recommended_pstate}", "guided"), id="no-hints"
        ),
        pytest.param(
            {},
            {},
            True,
            False,
            False,
            ("${f:intel_recommended_pstate}", "guided"),
            id="empty-hints",
        ),
        pytest.param(
            {"realTime": False},
            {},
            False,
            False,
            False,
            ("${f:intel_recommended_pstate}", "guided"),
            id="no-rt",
        ),
        pytest.param(
            {"highPowerConsumption": True},
            {},
            True,
            True,
            True,
            ("${f:intel_recommended_pstate}", "guided"),
            id="hpc-rt",
        ),
        pytest.param(
            {"highPowerConsumption": True, "realTime": False},
            {},
            False,
            True,
            False,
            ("${f:intel_recommended_pstate}", "guided"),
            id="hpc-only",
        ),
        pytest.param(
            {"perPodPowerManagement": True},
            {},
            True,
            False,
            False,
            ("passive", "passive"),
            id="ppm-rt",
        ),
        pytest.param(
            {"perPodPowerManagement": True, "realTime": False},
            {},
            False,
            False,
            False,
            ("passive", "passive"),
            id="ppm-only",
        ),
        pytest.param(
            {},
            {"hardwareTuning": {"isolatedCpuFreq": 2500000, "reservedCpuFreq": 2800000}},
            True,
            False,
            False,
            ("active", "active"),
            id="hw-tuning",
        ),
        pytest.param(
            {"perPodPowerManagement": True},
            {"hardwareTuning": {"isolatedCpuFreq": 1}},
            True,
            False,
            False,
            ("passive", "passive"),
            id="ppm-beats-hw-tuning",
        ),
    ],
)
def test_workload_hints(
    make_profile: Any,
    hints: dict[str, bool] | None,
    extra: dict[str, Any],
    rt: bool,
    hpc: bool,
    poll: bool,
    pstates: tuple[str, str],
) -> None:
    ppm = bool(hints and hints.get("perPodPowerManagement"))
    rendered = profiles(make_profile(workloadHints=hints, **extra))
    root, intel, amd = rendered[ROOT], rendered[INTEL], rendered[AMD]
    assert root["cpu"] == ({"enabled": "false"} if ppm else PERFORMANCE_CPU)
    assert root["service"] == {
        "service.fwupd-refresh.timer": "stop,disable",
        "service.stalld": "start,enable" if rt else "stop,disable",
    }
    assert root["sysctl"] == {**(RT_SYSCTL if rt else {}), **ALWAYS_SYSCTL}
    hpc_parts, poll_parts = (HPC_ROOT, HPC_INTEL, HPC_AMD) if hpc else NONE, POLL if poll else NONE
    optional_root = {
        k: v
        for k, v in root["bootloader"].items()
        if "realtime" in k or "power" in k or "poll" in k
    }
    assert optional_root == {**(RT_ROOT if rt else {}), **hpc_parts[0], **poll_parts[0]}
    assert intel["bootloader"] == {
        "cmdline_iommu_intel": "intel_iommu=on iommu=pt",
        **(RT_INTEL if rt else {}),
        **hpc_parts[1],
        **poll_parts[1],
        "cmdline_pstate": f"intel_pstate={pstates[0]}",
    }
    assert amd["bootloader"] == {
        "cmdline_iommu_amd": "iommu=pt",
        "cmdline_pstate": f"amd_pstate={pstates[1]}",
        **(RT_AMD if rt else {}),
        **hpc_parts[2],
        **poll_parts[2],
    }


def test_hpc_and_ppm_refused(make_profile: Any) -> None:
    profile = make_profile(
        workloadHints={"highPowerConsumption": True, "perPodPowerManagement": True}
    )
    with pytest.raises(
        RenderError,
        match=r"HighPowerConsumption is true and PerPodPowerManagement is true in "
        r"PerformanceProfile 'manual'",
    ):
        render(profile, RenderOptions())


# --- irq load balancing, vm, selinux, rtentsk --------------------------------------------------


@pytest.mark.parametrize("gdilb", [None, False, True], ids=["default", "false", "true"])
def test_irq_load_balancing(make_profile: Any, gdilb: bool | None) -> None:
    root = profiles(make_profile(globallyDisableIrqLoadBalancing=gdilb))[ROOT]
    scheduler = {
        "runtime": "0",
        "group.ksoftirqd": "0:f:11:*:ksoftirqd.*",
        "group.rcuc": "0:f:11:*:rcuc.*",
        "group.ktimers": "0:f:11:*:ktimers.*",
    }
    if gdilb:
        assert "irqbalance" not in root
    else:
        assert root["irqbalance"] == {"enabled": "false"}
        scheduler |= {"default_irq_smp_affinity": "ignore", "irq_process": "false"}
    assert root["scheduler"] == scheduler
    assert root["vm"] == {"transparent_hugepages": "never"}
    assert root["selinux"] == {"avc_cache_threshold": "8192"}
    assert root["rtentsk"] == {}


# --- every template, every flag combination -----------------------------------------------------


@pytest.mark.parametrize(
    "bits",
    list(itertools.product((False, True), repeat=5)),
    ids=lambda bits: "".join("01"[b] for b in bits),
)
def test_templates_parse_for_every_flag_combination(
    make_profile: Any, bits: tuple[bool, ...]
) -> None:
    variables = compute(make_profile(), RenderOptions())
    flags = dict(zip(sorted(variables.flags), bits, strict=True))
    for stem in PROFILE_KINDS:
        for values in (variables.values, dict.fromkeys(variables.values, "v")):
            text = render_template(
                stem, _read(stem), values=values, flags={**variables.all_flags(), **flags}
            )
            sections = parse(text)
            assert sections["main"]["summary"]
            assert "{{" not in text
            assert "{%" not in text


def _read(stem: str) -> str:
    from nto_performance.components import tuned

    return tuned._template(stem)
