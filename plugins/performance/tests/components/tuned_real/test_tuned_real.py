"""Our rendered TuneD profiles, loaded and merged by the real TuneD: the kernel command line.

``tuned_cmdline.py`` runs under the interpreter that has TuneD (Debian's 2.20 for
``/usr/bin/python3``) and resolves each case's profile tree with TuneD's own loader, merger and
variable expansion against the stock parents in ``/usr/lib/tuned`` (``openshift-node``,
``openshift``, ``cpu-partitioning``, ``network-latency``... all present in Debian's package, so no
stand-in parent is needed), without applying anything. All cases go through one subprocess.

TuneD's functions read this machine's CPU topology and cpu-partitioning asserts that the isolated
CPUs are online, so every case isolates CPU 1 and reserves CPU 0 (valid on any machine with two or
more CPUs; the test skips on fewer). CPU vendor, architecture, ``uname -r`` and the Intel PMU name
are faked per case by the helper's stand-in functions.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components.options import RenderOptions
from nto_performance.components.tuned import render

SYSTEM_PYTHON = "/usr/bin/python3"
HELPER = Path(__file__).with_name("tuned_cmdline.py")
INTEL = "Architecture:  x86_64\nVendor ID:     GenuineIntel\nModel name:    Xeon\n"
AMD = "Architecture:  x86_64\nVendor ID:     AuthenticAMD\nModel name:    EPYC\n"
ARM = "Architecture:  aarch64\nVendor ID:     ARM\nModel name:    Neoverse-N1\n"
AMPERE = "Architecture:  aarch64\nVendor ID:     Ampere\nModel name:    Altra\n"
RT_KERNEL = "5.14.0-284.30.1.rt14.315.el9_2.x86_64"
KERNEL = "5.14.0-284.30.1.el9_2.x86_64"
CPU_PART = [
    "nohz=on",
    "rcu_nocbs=1",
    "tuned.non_isolcpus=00000001",
    "systemd.cpu_affinity=0",
    "nohz_full=1",
    "skew_tick=1",
]
RT_ROOT = ["nosoftlockup", "rcutree.kthread_prio=11"]
RT_INTEL = ["tsc=reliable", "nmi_watchdog=0", "mce=off"]
HPC_INTEL = ["processor.max_cstate=1", "intel_idle.max_cstate=0"]
RT_DROPPED = ("kernel.numa_balancing", "net.core.busy_read", "net.core.busy_poll")


def _profile(name: str, **spec: Any) -> PerformanceProfile:
    body = {
        "cpu": {"reserved": "0", "isolated": "1"},
        "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
        **spec,
    }
    return PerformanceProfile.model_validate({"metadata": {"name": name}, "spec": body})


# id: (spec overrides, lscpu, uname -r, pmu name, tokens present, tokens absent)
CASES: dict[str, tuple[dict[str, Any], str, str, str, list[str], list[str]]] = {
    "rt-intel": (
        {"realTimeKernel": {"enabled": True}},
        INTEL,
        RT_KERNEL,
        "icelake",
        [
            *CPU_PART,
            "isolcpus=managed_irq,1",
            *RT_ROOT,
            "intel_iommu=on",
            "iommu=pt",
            *RT_INTEL,
            "intel_pstate=active",
        ],
        [*HPC_INTEL, "idle=poll", "amd_pstate=guided", "default_hugepagesz=1G"],
    ),
    "intel-old-cpu": (
        {"workloadHints": {"realTime": False}},
        INTEL,
        KERNEL,
        "skylake",
        [*CPU_PART, "intel_iommu=on", "iommu=pt", "intel_pstate=disable"],
        [*RT_ROOT, *RT_INTEL, *HPC_INTEL, "idle=poll"],
    ),
    "high-power-intel": (
        {"workloadHints": {"highPowerConsumption": True, "realTime": True}},
        INTEL,
        KERNEL,
        "sapphirerapids",
        [*CPU_PART, *RT_ROOT, *RT_INTEL, *HPC_INTEL, "idle=poll", "intel_pstate=active"],
        ["intel_pstate=passive"],
    ),
    "high-power-amd-no-rt": (
        {"workloadHints": {"highPowerConsumption": True, "realTime": False}},
        AMD,
        KERNEL,
        "",
        [*CPU_PART, "iommu=pt", "amd_pstate=guided", "processor.max_cstate=1"],
        ["intel_iommu=on", "idle=poll", "intel_idle.max_cstate=0", *RT_ROOT, "tsc=reliable"],
    ),
    "per-pod-power-intel": (
        {"workloadHints": {"perPodPowerManagement": True}},
        INTEL,
        KERNEL,
        "icelake",
        [*CPU_PART, *RT_ROOT, *RT_INTEL, "intel_pstate=passive"],
        [*HPC_INTEL, "idle=poll", "intel_pstate=active"],
    ),
    "per-pod-power-amd": (
        {"workloadHints": {"perPodPowerManagement": True}},
        AMD,
        KERNEL,
        "",
        [*CPU_PART, "amd_pstate=passive", "tsc=reliable", "nmi_watchdog=0", "mce=off"],
        ["amd_pstate=guided", "processor.max_cstate=1"],
    ),
    "hugepages-mix": (
        {
            "hugepages": {
                "defaultHugepagesSize": "1G",
                "pages": [{"size": "1G", "count": 1, "node": 0}, {"size": "2M", "count": 128}],
            }
        },
        INTEL,
        KERNEL,
        "icelake",
        [*CPU_PART, "default_hugepagesz=1G", "hugepagesz=2M", "hugepages=128"],
        ["hugepagesz=1G", "hugepages=1", "hugepages=0"],
    ),
    "hugepages-2M-only-on-nodes": (
        {
            "hugepages": {
                "defaultHugepagesSize": "1G",
                "pages": [{"size": "2M", "count": 64, "node": 0}, {"size": "1G", "count": 2}],
            }
        },
        INTEL,
        KERNEL,
        "icelake",
        ["default_hugepagesz=1G", "hugepagesz=1G", "hugepages=2", "hugepagesz=2M", "hugepages=0"],
        ["hugepages=64"],
    ),
    "static-isolation": (
        {"cpu": {"reserved": "0", "isolated": "1", "balanceIsolated": False}},
        INTEL,
        KERNEL,
        "icelake",
        [*CPU_PART, "isolcpus=domain,managed_irq,1"],
        ["isolcpus=managed_irq,1"],
    ),
    "additional-args": (
        {
            "additionalKernelArgs": ["audit=0", "nmi_watchdog=0", "mitigations=off"],
            "workloadHints": {"realTime": False},
        },
        AMD,
        KERNEL,
        "",
        [*CPU_PART, "audit=0", "nmi_watchdog=0", "mitigations=off", "amd_pstate=guided"],
        [*RT_ROOT, "tsc=reliable"],
    ),
    "arm": (
        {"hugepages": {"defaultHugepagesSize": "32M", "pages": [{"size": "512M", "count": 1}]}},
        ARM,
        KERNEL,
        "",
        [*CPU_PART, *RT_ROOT, "default_hugepagesz=32M", "hugepagesz=512M", "hugepages=1"],
        ["iommu=pt", "intel_iommu=on", "tsc=reliable", "intel_pstate=disable", "amd_pstate=guided"],
    ),
    "arm-other-vendor": (
        {},
        AMPERE,
        KERNEL,
        "",
        [*CPU_PART, *RT_ROOT],
        ["iommu=pt", "tsc=reliable"],
    ),
}


def _cases() -> list[dict[str, Any]]:
    cases = []
    for case_id, (spec, lscpu, uname_r, pmu_name, _, _) in CASES.items():
        tuned = render(_profile(case_id, **spec), RenderOptions())
        cases.append(
            {
                "id": case_id,
                "root": tuned["spec"]["profile"][0]["name"],
                "profiles": {item["name"]: item["data"] for item in tuned["spec"]["profile"]},
                "lscpu": lscpu,
                "uname_r": uname_r,
                "pmu_name": pmu_name,
            }
        )
    return cases


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every case resolved by the real TuneD, by id (one subprocess for all)."""
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        pytest.skip(f"{SYSTEM_PYTHON} is absent; the real-TuneD test needs it with TuneD installed")
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import tuned.profiles.loader"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"{SYSTEM_PYTHON} cannot import tuned (install Debian's 'tuned' package)")
    if (os.cpu_count() or 1) < 2:
        pytest.skip("the real-TuneD cases isolate CPU 1; this machine has a single CPU")
    scratch = tmp_path_factory.mktemp("tuned-real")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TMPDIR": str(scratch), "LC_ALL": "C"}
    done = subprocess.run(
        [SYSTEM_PYTHON, str(HELPER)],
        input=json.dumps({"cases": _cases()}),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"{HELPER.name} failed:\n{done.stderr}"
    return {result["id"]: result for result in json.loads(done.stdout)["results"]}


@pytest.mark.parametrize("case_id", list(CASES))
def test_kernel_cmdline(resolved: dict[str, dict[str, Any]], case_id: str) -> None:
    result = resolved[case_id]
    assert result["error"] is None, result["error"]
    assert result["log"] == [], f"TuneD logged errors: {result['log']}"
    tokens = result["cmdline"].split()
    _, _, uname_r, _, present, absent = CASES[case_id]
    assert "${" not in result["cmdline"], result["cmdline"]
    assert [t for t in present if t not in tokens] == [], result["cmdline"]
    assert [t for t in absent if t in tokens] == [], result["cmdline"]
    sysctl = result["sysctl"]
    if uname_r == RT_KERNEL:
        assert [key for key in RT_DROPPED if key in sysctl] == []
    else:  # the RT child is not included: the stock parents' values stay
        assert [key for key in RT_DROPPED if key in sysctl] == list(RT_DROPPED)


@pytest.mark.parametrize(
    ("case_id", "enabled"),
    [("per-pod-power-intel", False), ("rt-intel", True)],
)
def test_cpu_plugin(resolved: dict[str, dict[str, Any]], case_id: str, enabled: bool) -> None:
    result = resolved[case_id]
    assert result["cpu_enabled"] is enabled
    if enabled:
        assert result["cpu"]["force_latency"] == "cstate.id:1|3"
        assert result["cpu"]["governor"] == "performance"
