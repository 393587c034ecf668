"""The MachineConfig's node scripts, run with bash against fake /sys, /proc and /etc trees.

Every script honours ``NTO_ROOT`` (a path prefix), so each test builds the files the kernel would
show under a temporary directory, runs the script, and checks what it wrote; running it a second
time must leave the tree exactly as the first run did. ``shellcheck`` lints every script.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from _scriptrun import SCRIPTS, ScriptRunner, write

ALL_SCRIPTS = sorted(path.name for path in SCRIPTS.glob("*.sh"))


_runner = ScriptRunner(with_dirs=True)
run, run_twice, snapshot = _runner.run, _runner.run_twice, _runner.snapshot


def test_every_script_is_covered() -> None:
    assert ALL_SCRIPTS == [
        "clear-irqbalance-banned-cpus.sh",
        "cpuset-configure.sh",
        "hugepages-allocation.sh",
        "ovs-dpdk-cpus-configure.sh",
        "set-cpus-offline.sh",
        "set-rps-mask.sh",
    ]


@pytest.mark.parametrize("script", ALL_SCRIPTS)
def test_shellcheck(script: str) -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed; install it to lint the node scripts")
    result = subprocess.run(
        [shellcheck, "--shell=bash", str(SCRIPTS / script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout


# --- hugepages-allocation.sh ----------------------------------------------------------------

HP = "sys/devices/system/node/node{node}/hugepages/hugepages-{size}kB/nr_hugepages"


@pytest.fixture
def numa_tree(tmp_path: Path) -> Path:
    for node in (0, 1):
        for size in (2048, 1048576):
            write(tmp_path, HP.format(node=node, size=size), "0\n")
    return tmp_path


@pytest.mark.parametrize(
    ("node", "size", "count"),
    [("0", "1048576", "1"), ("1", "2048", "128"), ("1", "1048576", "0")],
    ids=["1G-node0", "2M-node1", "zero"],
)
def test_hugepages_allocates_on_one_node(numa_tree: Path, node: str, size: str, count: str) -> None:
    tree = run_twice(
        "hugepages-allocation.sh",
        numa_tree,
        HUGEPAGES_COUNT=count,
        HUGEPAGES_SIZE=size,
        NUMA_NODE=node,
    )
    changed = HP.format(node=node, size=size)
    for path, content in tree.items():
        if path.endswith("nr_hugepages"):
            assert content.strip() == (count if path == changed else "0"), path


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HUGEPAGES_COUNT": "1", "HUGEPAGES_SIZE": "2048", "NUMA_NODE": "7"}, "no NUMA node 7"),
        ({"HUGEPAGES_COUNT": "1", "HUGEPAGES_SIZE": "64", "NUMA_NODE": "0"}, "no 64kB huge pages"),
        ({"HUGEPAGES_COUNT": "x", "HUGEPAGES_SIZE": "2048", "NUMA_NODE": "0"}, "HUGEPAGES_COUNT"),
        ({"HUGEPAGES_SIZE": "2048", "NUMA_NODE": "0"}, "HUGEPAGES_COUNT"),
        ({"HUGEPAGES_COUNT": "1", "HUGEPAGES_SIZE": "2048", "NUMA_NODE": "../../x"}, "NUMA_NODE"),
        (
            {
                "HUGEPAGES_COUNT": "1",
                "HUGEPAGES_SIZE": "2048",
                "NUMA_NODE": "0",
                "HUGEPAGES_TIMEOUT": "-1",
            },
            "TIMEOUT",
        ),
    ],
    ids=["missing-node", "missing-size", "bad-count", "no-count", "path-injection", "bad-timeout"],
)
def test_hugepages_rejects_bad_input(numa_tree: Path, env: dict[str, str], message: str) -> None:
    before = snapshot(numa_tree)
    result = run("hugepages-allocation.sh", numa_tree, **env)
    assert result.returncode == 1
    assert message in result.stderr
    assert snapshot(numa_tree) == before


def test_hugepages_gives_up_when_the_count_does_not_stick(tmp_path: Path) -> None:
    target = tmp_path / HP.format(node=0, size=2048)
    target.parent.mkdir(parents=True)
    target.symlink_to("/dev/null")
    result = run(
        "hugepages-allocation.sh",
        tmp_path,
        HUGEPAGES_COUNT="4",
        HUGEPAGES_SIZE="2048",
        NUMA_NODE="0",
        HUGEPAGES_TIMEOUT="0",
    )
    assert result.returncode == 1
    assert "only '' of 4 pages" in result.stderr


# --- set-cpus-offline.sh --------------------------------------------------------------------

ONLINE = "sys/devices/system/cpu/cpu{cpu}/online"


@pytest.fixture
def cpu_tree(tmp_path: Path) -> Path:
    (tmp_path / "sys/devices/system/cpu/cpu0").mkdir(parents=True)  # cpu0 cannot go offline
    for cpu in (1, 2, 3):
        write(tmp_path, ONLINE.format(cpu=cpu), "1\n")
    return tmp_path


@pytest.mark.parametrize(
    ("cpus", "offline"),
    [("2,3", {2, 3}), ("3", {3}), ("0,2", {2}), ("2,9", {2}), ("2,2", {2})],
    ids=["two", "one", "cpu0-skipped", "absent-skipped", "repeated"],
)
def test_offline_cpus(cpu_tree: Path, cpus: str, offline: set[int]) -> None:
    tree = run_twice("set-cpus-offline.sh", cpu_tree, OFFLINE_CPUS=cpus)
    for cpu in (1, 2, 3):
        assert tree[ONLINE.format(cpu=cpu)].strip() == ("0" if cpu in offline else "1"), cpu


def test_offline_reports_skipped_cpus(cpu_tree: Path) -> None:
    result = run("set-cpus-offline.sh", cpu_tree, OFFLINE_CPUS="0")
    assert result.returncode == 0
    assert "cpu0 cannot be taken offline" in result.stderr


@pytest.mark.parametrize("cpus", ["", "2,x", "2-3", "../1", "2;3"], ids=repr)
def test_offline_rejects_bad_lists_before_writing(cpu_tree: Path, cpus: str) -> None:
    before = snapshot(cpu_tree)
    result = run("set-cpus-offline.sh", cpu_tree, OFFLINE_CPUS=cpus)
    assert result.returncode == 1
    assert "OFFLINE_CPUS" in result.stderr
    assert snapshot(cpu_tree) == before
