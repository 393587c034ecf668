"""The command lines of oslat, cyclictest and hwlatdetect, fixed so that results compare.

Every run measures the same way: the tool's main thread on the first CPU it is given, one
measuring thread per remaining CPU, a one-microsecond histogram up to `HISTOGRAM_LIMIT_US`, the
same priorities. Users choose only what the reference lets them choose (runtime, CPUs,
thresholds). hwlatdetect runs in a private mount namespace when it can, so the debugfs it mounts
never outlives it. Pure. Neighbours: `nto_performance.latency.local` (runs them),
`.parse` (reads their output).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "HISTOGRAM_LIMIT_US",
    "MIN_CPUS",
    "argv",
    "split_cpus",
]

HISTOGRAM_LIMIT_US = 1000
"""cyclictest's ``--histogram`` (buckets 0..999); oslat gets 1024 buckets, its maximum."""
OSLAT_BUCKETS = 1024
CYCLICTEST_PRIORITY = 95
CYCLICTEST_INTERVAL_US = 1000
OSLAT_RTPRIO = 1
HWLATDETECT_THRESHOLD_US = 1
"""Record every hardware latency sample of 1 us or more, so the histogram has them."""

MIN_CPUS = {"oslat": 2, "cyclictest": 2, "hwlatdetect": 1}
"""CPUs a tool needs: oslat and cyclictest keep their main thread off the measured CPUs."""


def split_cpus(tool: str, cpus: Sequence[int]) -> tuple[int | None, tuple[int, ...]]:
    """The main thread's CPU and the measured CPUs (hwlatdetect: no main, all CPUs)."""
    ordered = tuple(sorted(cpus))
    if tool == "hwlatdetect" or not ordered:
        return None, ordered
    return ordered[0], ordered[1:]


def _cpulist(cpus: Sequence[int]) -> str:
    return ",".join(str(cpu) for cpu in cpus)


def argv(
    tool: str, *, runtime: int, cpus: Sequence[int], private_mounts: bool = False
) -> list[str]:
    """The tool's command line for ``runtime`` seconds on ``cpus`` (see `split_cpus`)."""
    main, measured = split_cpus(tool, cpus)
    if tool == "cyclictest":
        return [
            "cyclictest",
            "--quiet",
            f"--duration={runtime}",
            f"--priority={CYCLICTEST_PRIORITY}",
            "--mlockall",
            f"--interval={CYCLICTEST_INTERVAL_US}",
            f"--histogram={HISTOGRAM_LIMIT_US}",
            f"--mainaffinity={main}",
            f"--affinity={_cpulist(measured)}",
            f"--threads={len(measured)}",
        ]
    if tool == "oslat":
        return [
            "oslat",
            "--duration",
            str(runtime),
            "--bucket-size",
            str(OSLAT_BUCKETS),
            "--rtprio",
            str(OSLAT_RTPRIO),
            "--cpu-main-thread",
            str(main),
            "--cpu-list",
            _cpulist(measured),
        ]
    if tool == "hwlatdetect":
        command = [
            "hwlatdetect",
            f"--duration={runtime}s",
            f"--threshold={HWLATDETECT_THRESHOLD_US}us",
        ]
        if measured:
            command.append(f"--cpu-list={_cpulist(measured)}")
        if private_mounts:
            return ["unshare", "--mount", "--propagation", "private", *command]
        return command
    raise ValueError(f"unknown latency tool {tool!r}; expected oslat, cyclictest or hwlatdetect")
