"""Tests of `nto_performance.ppc.snapshot`: reading sysinfo.tgz safely, and the reference data."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest

from nto_performance.ppc.hardware import Hardware, sysfs_files
from nto_performance.ppc.snapshot import (
    MAX_MEMBER_BYTES,
    SnapshotError,
    is_topology_path,
    load_hardware,
    read_snapshot,
)

LAYOUT = [(0, 0, 0, 0), (1, 0, 1, 0), (2, 0, 0, 0), (3, 0, 1, 0)]
FILES = sysfs_files(LAYOUT)


def _member(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"", link: str = ""):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def write_tgz(path: Path, files: dict[str, str], extra=(), *, prefix: str = "") -> Path:
    with tarfile.open(path, "w:gz") as archive:
        archive.addfile(*_member(f"{prefix}proc/cpuinfo", data=b"processor : 0\n"))
        for name, text in files.items():
            archive.addfile(*_member(prefix + name, data=text.encode()))
        for info, data in extra:
            archive.addfile(info, data)
    return path


def test_reads_only_wanted_members(tmp_path: Path) -> None:
    links = [
        _member(f"sys/devices/system/node/node0/cpu{c}", tarfile.SYMTYPE, link=f"../../cpu/cpu{c}")
        for c in range(4)
    ]
    path = write_tgz(tmp_path / "sysinfo.tgz", FILES, links)
    files = read_snapshot(path)
    assert "proc/cpuinfo" not in files
    assert files["sys/devices/system/node/node0/cpu3"] == "../../cpu/cpu3"
    assert {k: v for k, v in files.items() if "/node0/cpu" not in k or "cpulist" in k} == FILES
    hardware = load_hardware(path)
    assert hardware == Hardware.from_sysfs(FILES)
    assert hardware.ht_enabled


def test_dot_slash_prefix_and_custom_selection(tmp_path: Path) -> None:
    path = write_tgz(tmp_path / "sysinfo.tgz", FILES, prefix="./")
    assert load_hardware(path).cpu_count == 4
    assert read_snapshot(path, wanted=lambda name: name == "proc/cpuinfo") == {
        "proc/cpuinfo": "processor : 0\n"
    }


def test_directory_snapshot(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "sys/devices/system/node/node0/cpu0").symlink_to("../../cpu/cpu0")
    assert read_snapshot(tmp_path)["sys/devices/system/node/node0/cpu0"] == "../../cpu/cpu0"
    assert load_hardware(tmp_path) == Hardware.from_sysfs(FILES)


def test_directory_snapshot_refuses_links_out(tmp_path: Path) -> None:
    root = tmp_path / "root"
    secret = tmp_path / "secret"
    secret.write_text("0\n")
    core_id = root / "sys/devices/system/cpu/cpu0/topology/core_id"
    core_id.parent.mkdir(parents=True)
    core_id.symlink_to(secret)
    with pytest.raises(SnapshotError, match=r"member 'sys/.*/core_id' resolves outside the snap"):
        read_snapshot(root)


def test_live_root_of_this_machine() -> None:
    if not Path("/sys/devices/system/cpu/cpu0").is_dir():
        pytest.skip("no sysfs on this machine")
    hardware = load_hardware("/")
    assert hardware.cpu_count >= 1
    assert hardware.numa_nodes


REFUSED = "is refused: member"


@pytest.mark.parametrize(
    ("member", "problem"),
    [
        pytest.param(
            _member("/etc/passwd"), "'/etc/passwd' has an absolute or '..' path", id="abs"
        ),
        pytest.param(_member("../evil"), "'../evil' has an absolute or '..' path", id="dotdot"),
        pytest.param(
            _member("sys/../../evil"), "'sys/../../evil' has an absolute or '..' path", id="deep"
        ),
        pytest.param(
            _member("sys/x", tarfile.SYMTYPE, link="/etc/passwd"),
            "'sys/x' is a symbolic link to '/etc/passwd' outside the archive",
            id="symlink-absolute",
        ),
        pytest.param(
            _member("sys/x", tarfile.SYMTYPE, link="../../etc"),
            "'sys/x' is a symbolic link to '../../etc' outside the archive",
            id="symlink-relative",
        ),
        pytest.param(
            _member("sys/x", tarfile.LNKTYPE, link="../etc/passwd"),
            "'sys/x' is a hard link to '../etc/passwd' outside the archive",
            id="hardlink",
        ),
        pytest.param(
            _member("sys/x", tarfile.CHRTYPE), "'sys/x' is a device node", id="device-node"
        ),
        pytest.param(
            _member(
                "sys/devices/system/cpu/cpu0/topology/core_id", data=b"0" * (MAX_MEMBER_BYTES + 1)
            ),
            f"'sys/devices/system/cpu/cpu0/topology/core_id' is {MAX_MEMBER_BYTES + 1} bytes, "
            f"over {MAX_MEMBER_BYTES}",
            id="oversized",
        ),
    ],
)
def test_hostile_members_are_refused(tmp_path: Path, member, problem: str) -> None:
    path = write_tgz(tmp_path / "sysinfo.tgz", FILES, [member])
    with pytest.raises(SnapshotError) as caught:
        read_snapshot(path)
    assert str(caught.value) == (
        f"hardware snapshot {str(path)!r} {REFUSED} {problem}; "
        "a sysinfo.tgz holds only relative paths inside the archive"
    )
    assert not (tmp_path / "etc").exists()


def test_symlink_inside_archive_is_accepted(tmp_path: Path) -> None:
    link = _member("sys/devices/system/cpu/cpu9/x", tarfile.SYMTYPE, link="../../node")
    assert load_hardware(write_tgz(tmp_path / "s.tgz", FILES, [link])).cpu_count == 4


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)


def _plain_tar(path: Path) -> None:
    path.write_bytes(gzip.decompress(path.read_bytes()))


def _gzip_of_text(path: Path) -> None:
    path.write_bytes(gzip.compress(b"not a tar archive\n" * 100))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_truncated, id="truncated"),
        pytest.param(_garbage, id="corrupt-gzip"),
        pytest.param(_plain_tar, id="not-gzipped"),
        pytest.param(_gzip_of_text, id="gzip-but-not-tar"),
        pytest.param(_empty, id="empty-file"),
    ],
)
def test_unreadable_archives(tmp_path: Path, damage) -> None:
    big = {**FILES, "sys/devices/system/cpu/cpu0/topology/pad": "x" * 200_000}
    path = write_tgz(tmp_path / "sysinfo.tgz", big)
    damage(path)
    with pytest.raises(SnapshotError) as caught:
        load_hardware(path)
    message = str(caught.value)
    assert message.startswith(f"hardware snapshot {str(path)!r} ")
    assert message.endswith("; collect the node's sysinfo.tgz again"), message


def test_missing_archive(tmp_path: Path) -> None:
    path = tmp_path / "nodes" / "sysinfo.tgz"
    with pytest.raises(SnapshotError, match=r"^hardware snapshot '.*sysinfo.tgz' does not exist$"):
        read_snapshot(path)


def test_archive_without_topology(tmp_path: Path) -> None:
    path = write_tgz(tmp_path / "sysinfo.tgz", {})
    with pytest.raises(SnapshotError, match=r"has no sys/devices/system/cpu/cpuN entries"):
        load_hardware(path)


@pytest.mark.parametrize(
    ("path", "wanted"),
    [
        ("sys/devices/system/cpu/cpu12/topology/core_id", True),
        ("sys/devices/system/cpu/cpu12/topology/physical_package_id", True),
        ("sys/devices/system/cpu/cpu12/online", True),
        ("sys/devices/system/cpu/offline", True),
        ("sys/devices/system/node/node1/cpulist", True),
        ("sys/devices/system/node/node1/cpu7", True),
        ("sys/devices/system/node/node1/cpumap", False),
        ("sys/devices/system/cpu/cpu12/cache/index0/size", False),
        ("proc/interrupts", False),
    ],
)
def test_is_topology_path(path: str, wanted: bool) -> None:
    assert is_topology_path(path) is wanted


# --- reference must-gathers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("must_gather", "node", "pool"),
    [
        ("must-gather.bare-metal", "master.internal", "master"),
        ("must-gather.bare-metal", "worker1.internal", "worker-cnf"),
        ("must-gather.bare-metal", "worker2.internal", "worker"),
        ("must-gather.sno", "sno", "master"),
    ],
)
def test_reference_topology_matches_expected_info(
    reference_dir: Path, reference_snapshot, must_gather: str, node: str, pool: str
) -> None:
    expected_info = json.loads(
        (reference_dir / "ppc" / "expected-info" / f"{must_gather}.json").read_text()
    )
    (expected,) = (
        entry for group in expected_info if group["name"] == pool for entry in group["nodes"]
    )
    hardware = load_hardware(reference_snapshot(node))
    assert expected["name"] == node
    assert hardware.cpu_count == expected["cpus_count"]
    assert hardware.ht_enabled is expected["smt_enabled"]
    assert [sorted(n.cpus) for n in hardware.numa_nodes] == [
        cell["cores"] for cell in expected["numa_cells"]
    ]


@pytest.mark.parametrize(
    ("node", "sockets", "cores", "threads_per_core"),
    [
        ("master.internal", 2, 56, 2),
        ("worker1.internal", 2, 40, 2),
        ("worker2.internal", 2, 32, 1),
        ("sno", 1, 12, 1),
    ],
)
def test_reference_socket_counts(
    reference_snapshot, node: str, sockets: int, cores: int, threads_per_core: int
) -> None:
    hardware = load_hardware(reference_snapshot(node))
    assert len(hardware.sockets) == sockets
    assert hardware.core_count == cores
    assert {len(core.cpus) for core in hardware.cores} == {threads_per_core}
    assert not hardware.offline
