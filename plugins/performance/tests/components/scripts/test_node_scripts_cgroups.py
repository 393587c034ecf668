"""Node scripts for cgroups: cpuset-configure (cgroup v1) and ovs-dpdk-cpus-configure (v2).

Run with bash against fake ``/sys/fs/cgroup`` and ``/proc`` trees under ``NTO_ROOT``; each success
case runs twice and checks that the second run changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _scriptrun import ScriptRunner, write

CPUSET = "sys/fs/cgroup/cpuset"
OVS = "sys/fs/cgroup/ovs.slice"
VSWITCHD = f"{OVS}/ovs-vswitchd.service"
DPDK = f"{VSWITCHD}/ovsdpdk.slice"


_runner = ScriptRunner()
run, run_twice, snapshot = _runner.run, _runner.run_twice, _runner.snapshot


# --- cpuset-configure.sh --------------------------------------------------------------------


@pytest.fixture
def v1_tree(tmp_path: Path) -> Path:
    write(tmp_path, f"{CPUSET}/cpuset.cpus", "0-7\n")
    write(tmp_path, f"{CPUSET}/cpuset.mems", "0\n")
    write(tmp_path, f"{CPUSET}/cpuset.sched_load_balance", "1\n")
    write(tmp_path, f"{CPUSET}/cgroup.procs", "1\n42\n")
    write(tmp_path, "proc/1/status", "Name:\tsystemd\nCpus_allowed:\t03\nCpus_allowed_list:\t0-1\n")
    write(tmp_path, "proc/1/comm", "systemd\n")
    write(tmp_path, "proc/300/comm", "ovs-vswitchd\n")
    write(tmp_path, "proc/42/comm", "bash\n")
    return tmp_path


def test_cpuset_configure_on_cgroup_v1(v1_tree: Path) -> None:
    tree = run_twice("cpuset-configure.sh", v1_tree)
    assert tree[f"{CPUSET}/cpuset.sched_load_balance"] == "0\n"
    for group, cpus in (("system.slice", "0-1"), ("machine.slice", "0-1"), ("ovs.slice", "0-7")):
        assert tree[f"{CPUSET}/{group}/cpuset.cpus"] == f"{cpus}\n", group
        assert tree[f"{CPUSET}/{group}/cpuset.mems"] == "0\n", group
    # A fake cgroup.procs keeps the last PID written; the kernel keeps them all.
    assert tree[f"{CPUSET}/system.slice/cgroup.procs"] == "42\n"
    assert tree[f"{CPUSET}/ovs.slice/cgroup.procs"] == "300\n"
    assert f"{CPUSET}/machine.slice/cgroup.procs" not in tree


def test_cpuset_configure_honours_the_slice_name(v1_tree: Path) -> None:
    tree = run_twice("cpuset-configure.sh", v1_tree, OVS_SLICE_NAME="openvswitch.slice")
    assert tree[f"{CPUSET}/openvswitch.slice/cgroup.procs"] == "300\n"


def test_cpuset_configure_does_nothing_on_cgroup_v2(tmp_path: Path) -> None:
    write(tmp_path, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
    before = snapshot(tmp_path)
    result = run("cpuset-configure.sh", tmp_path)
    assert result.returncode == 0
    assert "cgroup v2" in result.stdout
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("broken", "message"),
    [("no-cpuset", "cpuset controller is not mounted"), ("no-affinity", "no Cpus_allowed_list")],
)
def test_cpuset_configure_fails_clearly(v1_tree: Path, broken: str, message: str) -> None:
    if broken == "no-cpuset":
        for path in sorted((v1_tree / CPUSET).iterdir()):
            path.unlink()
        (v1_tree / CPUSET).rmdir()
    else:
        (v1_tree / "proc/1/status").write_text("Name:\tsystemd\n")
    result = run("cpuset-configure.sh", v1_tree)
    assert result.returncode == 1
    assert message in result.stderr


# --- ovs-dpdk-cpus-configure.sh -------------------------------------------------------------


@pytest.fixture
def v2_tree(tmp_path: Path) -> Path:
    write(tmp_path, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
    write(tmp_path, f"{VSWITCHD}/cgroup.procs", "300\n")
    return tmp_path


@pytest.mark.parametrize(
    ("env", "partition"),
    [({}, "member"), ({"OVS_DPDK_PARTITION": "isolated"}, "isolated")],
    ids=["member", "isolated"],
)
def test_ovs_dpdk_cpus(v2_tree: Path, env: dict[str, str], partition: str) -> None:
    tree = run_twice("ovs-dpdk-cpus-configure.sh", v2_tree, OVS_DPDK_CPUS="4-5", **env)
    assert tree[f"{VSWITCHD}/cgroup.subtree_control"] == "+cpuset +cpu +pids\n"
    assert tree[f"{DPDK}/cgroup.type"] == "threaded\n"
    for group in (OVS, VSWITCHD, DPDK):
        assert tree[f"{group}/cpuset.cpus.exclusive"] == "4-5\n", group
    assert tree[f"{DPDK}/cpuset.cpus"] == "4-5\n"
    assert tree[f"{DPDK}/cpuset.cpus.partition"] == f"{partition}\n"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "OVS_DPDK_CPUS ''"),
        ({"OVS_DPDK_CPUS": "4-"}, "not a cpulist"),
        ({"OVS_DPDK_CPUS": "4;reboot"}, "not a cpulist"),
        ({"OVS_DPDK_CPUS": "4", "OVS_DPDK_PARTITION": "root"}, "'member' or 'isolated'"),
    ],
    ids=["unset", "open-range", "injection", "bad-partition"],
)
def test_ovs_dpdk_rejects_bad_input(v2_tree: Path, env: dict[str, str], message: str) -> None:
    before = snapshot(v2_tree)
    result = run("ovs-dpdk-cpus-configure.sh", v2_tree, **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert snapshot(v2_tree) == before


def test_ovs_dpdk_needs_the_vswitchd_cgroup(tmp_path: Path) -> None:
    result = run("ovs-dpdk-cpus-configure.sh", tmp_path, OVS_DPDK_CPUS="4")
    assert result.returncode == 1
    assert "is ovs-vswitchd running" in result.stderr
