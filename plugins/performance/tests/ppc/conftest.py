"""Fixtures of the profile-creator tests: synthetic machines and the reference must-gathers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from nto_performance.ppc.hardware import Hardware, sysfs_files

REFERENCE = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference"
MUST_GATHER = REFERENCE / "must-gather"

MachineFactory = Callable[..., Hardware]


def machine_layout(
    *,
    sockets: int = 1,
    cores: int = 4,
    threads: int = 1,
    numa_per_socket: int = 1,
    interleave_sockets: bool = False,
) -> list[tuple[int, int, int, int]]:
    """Return ``(cpu, socket, core_id, numa_node)`` for a machine numbered like Linux on x86.

    CPU ids run over the first thread of every core, then over the second threads, and so on
    (siblings are ``cores * sockets`` apart). Sockets are contiguous, or alternate CPU by CPU with
    `interleave_sockets` (as on the reference's 80-CPU worker). Each socket's cores are split
    evenly over `numa_per_socket` NUMA nodes.
    """
    layout = []
    per_numa = cores // numa_per_socket
    total_cores = sockets * cores
    for thread in range(threads):
        for index in range(total_cores):
            if interleave_sockets:
                socket, core = index % sockets, index // sockets
            else:
                socket, core = divmod(index, cores)
            node = socket * numa_per_socket + min(core // per_numa, numa_per_socket - 1)
            layout.append((thread * total_cores + index, socket, core, node))
    return layout


def build_machine(
    layout: Iterable[tuple[int, int, int, int]] | None = None,
    *,
    offline: Iterable[int] = (),
    **shape: int | bool,
) -> Hardware:
    """Return the `Hardware` of a synthetic machine (a layout, or the shape of `machine_layout`)."""
    rows = list(layout) if layout is not None else machine_layout(**shape)  # type: ignore[arg-type]
    return Hardware.from_sysfs(sysfs_files(rows, offline=offline), source="synthetic")


@pytest.fixture
def make_machine() -> MachineFactory:
    return build_machine


@pytest.fixture
def layout() -> Callable[..., list[tuple[int, int, int, int]]]:
    return machine_layout


def _reference_snapshot(node: str) -> Path:
    matches = sorted(MUST_GATHER.glob(f"*/*/nodes/{node}/sysinfo.tgz"))
    if not matches:
        pytest.skip(f"reference must-gather with node {node!r} not found under {MUST_GATHER}")
    return matches[0]


@pytest.fixture
def reference_snapshot() -> Callable[[str], Path]:
    """Return a function giving a node's reference ``sysinfo.tgz``; it skips when data is absent."""
    return _reference_snapshot


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE
