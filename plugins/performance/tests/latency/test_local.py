"""Choosing CPUs and tools for a local run, and telling why a tool cannot run here."""

from __future__ import annotations

from pathlib import Path

import pytest

from nto_performance.latency import local
from nto_performance.latency.tools import argv, split_cpus


@pytest.mark.parametrize(
    ("requested", "allowed", "expected"),
    [(None, [3, 1, 2], (1, 2, 3)), (2, [5, 4, 6], (4, 5)), (9, [0, 1], (0, 1))],
    ids=["all", "first-n", "more-than-there-are"],
)
def test_usable_cpus(requested: int | None, allowed: list[int], expected: tuple[int, ...]) -> None:
    assert local.usable_cpus(requested, allowed) == expected


@pytest.mark.parametrize(
    ("tool", "cpus", "main", "measured"),
    [
        ("oslat", [4, 2, 3], 2, (3, 4)),
        ("cyclictest", [7, 6], 6, (7,)),
        ("hwlatdetect", [1, 0], None, (0, 1)),
    ],
)
def test_main_thread_stays_off_the_measured_cpus(
    tool: str, cpus: list[int], main: int | None, measured: tuple[int, ...]
) -> None:
    assert split_cpus(tool, cpus) == (main, measured)


def test_command_lines_are_fixed_for_comparable_results() -> None:
    assert argv("cyclictest", runtime=60, cpus=[2, 3, 4]) == [
        "cyclictest", "--quiet", "--duration=60", "--priority=95", "--mlockall",
        "--interval=1000", "--histogram=1000", "--mainaffinity=2", "--affinity=3,4",
        "--threads=2",
    ]  # fmt: skip
    assert argv("oslat", runtime=60, cpus=[2, 3]) == [
        "oslat", "--duration", "60", "--bucket-size", "1024", "--rtprio", "1",
        "--cpu-main-thread", "2", "--cpu-list", "3",
    ]  # fmt: skip
    assert argv("hwlatdetect", runtime=60, cpus=[0], private_mounts=True)[:5] == [
        "unshare", "--mount", "--propagation", "private", "hwlatdetect",
    ]  # fmt: skip


def tracing(tmp_path: Path, kind: str, tracers: str) -> Path:
    base = tmp_path / "mnt"
    directory = base if kind == "tracefs" else base / "tracing"
    directory.mkdir(parents=True)
    (directory / "available_tracers").write_text(tracers + "\n")
    mounts = tmp_path / "mounts"
    mounts.write_text(f"proc /proc proc rw 0 0\n{kind} {base} {kind} rw 0 0\n")
    return mounts


@pytest.mark.parametrize(
    ("kind", "tracers", "reason"),
    [
        ("tracefs", "blk function nop", "the kernel has no hwlat tracer"),
        ("debugfs", "nop", "the kernel has no hwlat tracer"),
        ("tracefs", "hwlat function nop", None),
    ],
    ids=["tracefs-without", "debugfs-without", "tracefs-with"],
)
def test_hwlat_tracer_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str, tracers: str, reason: str | None
) -> None:
    monkeypatch.setattr(local.os, "geteuid", lambda: 0)
    found = local.hwlat_unavailable(tracing(tmp_path, kind, tracers))
    assert found is None if reason is None else reason in (found or "")


def test_hwlat_needs_root_and_finds_out_itself_without_a_mount(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text("proc /proc proc rw 0 0\n")
    monkeypatch.setattr(local.os, "geteuid", lambda: 1000)
    assert "needs root" in (local.hwlat_unavailable(mounts) or "")
    monkeypatch.setattr(local.os, "geteuid", lambda: 0)
    assert local.hwlat_unavailable(mounts) is None  # it mounts debugfs in its own namespace
