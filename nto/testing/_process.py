"""``OperatorProcess``, ``operator_command`` and ``wait_for``: run an operator against the
emulated cluster.

The operator (:func:`operator_command`, or any command) runs as a subprocess with ``KUBECONFIG``
pointing at an :class:`~nto.testing.EmulatedCluster`, its output going to a log file that tests
can read on failure. Stopping sends SIGTERM, then SIGKILL after a grace period.
"""

from __future__ import annotations

import os
import pathlib
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import IO, Self, TypeVar

T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (for an operator's servers in tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def operator_command(
    *flags: str,
    metrics_port: int | None = None,
    leader_election: bool = False,
) -> list[str]:
    """The command line of this checkout's operator for a test, bench or demo cluster.

    ``python -m nto operator`` with plain-HTTP metrics on `metrics_port` (a free port when
    ``None``), leader election off unless `leader_election`, then `flags` (later flags win).
    """
    port = free_port() if metrics_port is None else metrics_port
    command = [sys.executable, "-m", "nto", "operator", "--metrics-insecure"]
    command.append(f"--metrics-port={port}")
    if not leader_election:
        command.append("--enable-leader-election=false")
    return [*command, *flags]


def wait_for(
    predicate: Callable[[], T], timeout: float = 10.0, *, interval: float = 0.05, message: str = ""
) -> T:
    """Poll ``predicate`` until it returns something truthy; return it, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            what = message or getattr(predicate, "__name__", repr(predicate))
            raise TimeoutError(f"condition {what!r} not met within {timeout} s")
        time.sleep(interval)


class OperatorProcess:
    """A command run as a subprocess against a cluster; a context manager."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        kubeconfig: str | os.PathLike[str],
        env: Mapping[str, str] | None = None,
        log_path: str | os.PathLike[str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        stop_timeout: float = 10.0,
    ) -> None:
        self.command = list(command)
        self.env = {**os.environ, **(env or {}), "KUBECONFIG": os.fspath(kubeconfig)}
        if log_path is None:
            handle, name = tempfile.mkstemp(prefix="nto-operator-", suffix=".log")
            os.close(handle)
            log_path = name
        self.log_path = pathlib.Path(log_path)
        self.cwd = cwd
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> Self:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=self.cwd, stdout=self._log, stderr=subprocess.STDOUT
        )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def log(self) -> str:
        """Everything the process wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after ``stop_timeout`` s; returns the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.process.returncode

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
