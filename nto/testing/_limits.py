"""``run_limited``: run a command with a memory and CPU-time ceiling, so a regression fails fast.

Tests of hostile input (alias bombs, deep nesting, huge values) run the real command in a child
process whose address space and CPU time are capped with ``resource.setrlimit``: if a guard
regresses, the child dies (MemoryError, SIGXCPU) and the test fails instead of eating the machine
or hanging. Neighbours: :mod:`nto.testing._process` (long-running operator processes).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence

DEFAULT_MEMORY_BYTES = 1536 * 1024 * 1024
DEFAULT_CPU_SECONDS = 60


def run_limited(
    argv: Sequence[str],
    *,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    cpu_seconds: int = DEFAULT_CPU_SECONDS,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `argv` under the limits and capture its output; ``-m nto ...`` runs this Python."""
    command = [sys.executable, *argv] if argv and argv[0].startswith("-") else list(argv)
    # A trampoline sets the limits and execs the command: preexec_fn is unsafe with threads
    # (the emulated cluster serves from one in the test process).
    return subprocess.run(
        [sys.executable, "-c", _TRAMPOLINE, str(memory_bytes), str(cpu_seconds), *command],
        env={**os.environ, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=cpu_seconds * 5,
        check=False,
    )


_TRAMPOLINE = """
import os, resource, sys
memory, cpu = int(sys.argv[1]), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
os.execv(sys.argv[3], sys.argv[3:])
"""
