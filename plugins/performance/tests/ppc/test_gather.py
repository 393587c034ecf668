"""``gather-sysinfo snapshot``: this machine's real /sys, hostile roots, the archive format."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from nto_api.cpuset import CPUSet
from nto_performance.ppc import cli, gather
from nto_performance.ppc.hardware import sysfs_files
from nto_performance.ppc.snapshot import MAX_MEMBER_BYTES, load_hardware

from .conftest import CNF_LABELS, GATHER_DIR, machine_layout

REAL_CPU_DIR = Path("/sys/devices/system/cpu")


def write_root(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def fake_root(tmp_path: Path) -> Path:
    """A 2-socket, 8-CPU machine with HT and a NUMA node per socket, written as files."""
    files = sysfs_files(machine_layout(sockets=2, cores=2, threads=2), offline=[7])
    root = write_root(tmp_path / "root", files)
    node0 = root / "sys/devices/system/node/node0"
    (node0 / "cpu0").symlink_to("../../cpu/cpu0")
    return root


def test_snapshot_round_trip(fake_root: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "sysinfo.tgz"
    output.parent.mkdir()
    assert gather.main(["snapshot", f"--root={fake_root}", f"--output={output}"]) == 0
    hardware = load_hardware(output)
    assert hardware.cpu_count == 7
    assert hardware.ht_enabled
    assert [str(node.cpus) for node in hardware.numa_nodes] == ["0-1,4-5", "2-3,6"]
    assert str(hardware.offline) == "7"
    with tarfile.open(output) as archive:
        link = archive.getmember("sys/devices/system/node/node0/cpu0")
        assert link.issym()
        assert link.linkname == "../../cpu/cpu0"
        assert all(not m.name.startswith("/") and ".." not in m.name for m in archive)
    assert [p.name for p in output.parent.iterdir()] == ["sysinfo.tgz"]


def test_hostile_root_is_not_followed(fake_root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("42\n")
    cpu = fake_root / "sys/devices/system/cpu"
    (cpu / "cpu9").mkdir()
    (cpu / "cpu9/online").symlink_to(secret)  # only NUMA node cpuN links are stored
    (cpu / "cpu8").symlink_to(tmp_path)  # a directory link: never entered
    os.mkfifo(cpu / "cpu0/online")  # would block a naive reader
    node1 = fake_root / "sys/devices/system/node/node1"
    (node1 / "cpu2").symlink_to("../../../../../../../../etc")  # leaves the root
    (node1 / "cpu3").symlink_to("/etc")  # absolute
    (cpu / "cpu1/topology/core_id").unlink()
    (cpu / "cpu1/topology/core_id").write_bytes(b"1" * (MAX_MEMBER_BYTES + 10))
    names = {entry.name: entry for entry in gather.collect(fake_root)}
    assert "sys/devices/system/cpu/cpu9/online" not in names
    assert not any(name.startswith("sys/devices/system/cpu/cpu8") for name in names)
    assert "sys/devices/system/cpu/cpu0/online" not in names
    assert "sys/devices/system/node/node1/cpu2" not in names
    assert "sys/devices/system/node/node1/cpu3" not in names
    assert "sys/devices/system/cpu/cpu1/topology/core_id" not in names
    assert all(b"42" not in entry.data for entry in names.values())


def test_link_components_of_the_top_dirs(tmp_path: Path, fake_root: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (fake_root / "sys/devices/system").rename(elsewhere)
    (fake_root / "sys/devices/system").symlink_to(elsewhere)
    with pytest.raises(gather.GatherError, match="is not a directory; pass --root"):
        gather.collect(fake_root)


def test_no_sysfs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "sysinfo.tgz"
    assert gather.main(["snapshot", f"--root={tmp_path}", f"--output={output}"]) == 1
    assert "gather-sysinfo: error:" in capsys.readouterr().err
    assert not output.exists()


def test_dump_and_stdout(fake_root: Path) -> None:
    command = [sys.executable, "-m", "nto_performance.ppc.gather", "snapshot", "--root"]
    dump = subprocess.run(
        [*command, str(fake_root), "--dump"], capture_output=True, check=True, timeout=60
    )
    assert b"sys/devices/system/cpu/cpu3/topology/core_id\n" in dump.stdout
    archive = subprocess.run(
        [*command, str(fake_root), "--output", "-"], capture_output=True, check=True, timeout=60
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        assert "sys/devices/system/cpu/offline" in tar.getnames()


@pytest.mark.skipif(not REAL_CPU_DIR.is_dir(), reason="this machine has no /sys CPU directory")
def test_real_machine(
    tmp_path: Path,
    make_must_gather: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Snapshot this machine's real /sys, then run ``info`` on a must-gather built around it."""
    root = make_must_gather({"this-machine": {"labels": CNF_LABELS, "snapshot": False}})
    snapshot = root / GATHER_DIR / "nodes" / "this-machine" / "sysinfo.tgz"
    snapshot.parent.mkdir(parents=True)
    assert gather.main(["snapshot", "--root=/", f"--output={snapshot}"]) == 0
    assert cli.main(["info", "--json", f"--must-gather-dir-path={root}"]) == 0
    pools = {pool["name"]: pool["nodes"] for pool in json.loads(capsys.readouterr().out)}
    (node,) = pools["worker-cnf"]
    online = CPUSet.parse((REAL_CPU_DIR / "online").read_text())
    assert node["name"] == "this-machine"
    assert node["cpus_count"] == len(online)
    assert sorted(cpu for cell in node["numa_cells"] for cpu in cell["cores"]) == list(online)
    siblings = {
        (REAL_CPU_DIR / f"cpu{cpu}/topology/thread_siblings_list").read_text().strip()
        for cpu in online
    }
    assert node["smt_enabled"] == any(len(CPUSet.parse(s) & online) > 1 for s in siblings)
