"""Running the latency tools on this machine: ``nto latency-test --local``, and inside a test pod.

The CPUs are the ones this process may run on (its affinity: in a Guaranteed pod, the exclusive
CPUs the CPU manager gave it), the first ``LATENCY_TEST_CPUS`` of them when set. A tool that is
missing or cannot run here is skipped with the reason; a tool that overruns its runtime by the
timeout buffer is killed. Ctrl-C kills the running tool (``subprocess.run`` does) and ends the
run. Neighbours: `nto_performance.latency.tools` (command lines), `.parse` (sections).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from nto_performance.latency.parse import Section
from nto_performance.latency.settings import Settings
from nto_performance.latency.tools import MIN_CPUS, argv, split_cpus

__all__ = ["Progress", "hwlat_unavailable", "run_local", "usable_cpus"]

Progress = Callable[[str], None]
MOUNTS = Path("/proc/mounts")


def usable_cpus(requested: int | None, allowed: Sequence[int] | None = None) -> tuple[int, ...]:
    """This process's CPUs, or the first ``requested`` of them."""
    cpus = sorted(os.sched_getaffinity(0) if allowed is None else allowed)
    return tuple(cpus if requested is None else cpus[:requested])


def hwlat_unavailable(mounts: Path = MOUNTS) -> str | None:
    """Why hwlatdetect cannot run here, or None when it may (it then finds out for itself)."""
    if os.geteuid() != 0:
        return "hwlatdetect needs root (it writes to the kernel's tracing files)"
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) < 3 or fields[2] not in ("tracefs", "debugfs"):
            continue
        base = Path(fields[1]) / ("" if fields[2] == "tracefs" else "tracing")
        try:
            tracers = (base / "available_tracers").read_text().split()
        except OSError:
            continue
        if "hwlat" not in tracers:
            return (
                "the kernel has no hwlat tracer (CONFIG_HWLAT_TRACER; "
                f"{base / 'available_tracers'} lists {' '.join(tracers) or 'none'})"
            )
        return None
    return None


def _skip_reason(tool: str, cpus: Sequence[int], settings: Settings) -> str:
    if shutil.which(tool) is None:
        return f"{tool} is not installed; install Debian's rt-tests (apt-get install rt-tests)"
    if len(cpus) < MIN_CPUS[tool]:
        source = "LATENCY_TEST_CPUS" if settings.cpus is not None else "this machine"
        return (
            f"{tool} needs at least {MIN_CPUS[tool]} CPUs (one for its main thread, one or more "
            f"to measure); {source} gives {len(cpus)}"
        )
    if tool == "hwlatdetect":
        return hwlat_unavailable() or ""
    return ""


def run_tool(
    tool: str,
    cpus: Sequence[int],
    settings: Settings,
    *,
    progress: Progress,
) -> tuple[Section, list[str]]:
    """Run one tool (or explain why not); returns its section and its command line."""
    _, measured = split_cpus(tool, cpus)
    reason = _skip_reason(tool, cpus, settings)
    command = argv(
        tool,
        runtime=settings.runtime,
        cpus=cpus,
        private_mounts=os.geteuid() == 0 and shutil.which("unshare") is not None,
    )
    if reason:
        progress(f"{tool}: skipped: {reason}")
        return Section(tool=tool, cpus=measured, exit_code=None, text="", reason=reason), command
    progress(f"{tool}: measuring for {settings.runtime}s: {' '.join(command)}")
    timeout = settings.runtime + settings.timeout_buffer
    try:
        done = subprocess.run(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout if isinstance(expired.stdout, str) else ""
        note = (
            f"\n{tool} was killed after {timeout}s (runtime + LATENCY_TEST_TIMEOUT_BUFFER); "
            "raise LATENCY_TEST_TIMEOUT_BUFFER if the machine is slow to start it\n"
        )
        return Section(tool=tool, cpus=measured, exit_code=-9, text=output + note), command
    return Section(tool=tool, cpus=measured, exit_code=done.returncode, text=done.stdout), command


def run_local(
    settings: Settings,
    *,
    progress: Progress,
    cpus: Sequence[int] | None = None,
) -> list[tuple[Section, list[str]]]:
    """Run the selected tools one after another on this machine's (or the given) CPUs."""
    chosen = usable_cpus(settings.cpus) if cpus is None else tuple(cpus)
    if settings.delay:
        progress(f"waiting {settings.delay}s before the first tool (LATENCY_TEST_DELAY)")
        time.sleep(settings.delay)
    return [run_tool(tool, chosen, settings, progress=progress) for tool in settings.tools]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
