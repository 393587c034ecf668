"""Run TuneD as a child process: start, reload (SIGHUP), restart, stop (SIGTERM, then SIGKILL).

The command is ``<tuned> --no-dbus [--debug]``; the executable comes from ``NTO_TUNED_BIN``
(default ``/usr/sbin/tuned``) so tests can run a fake. TuneD's stdout and stderr are merged and
handed line by line to `on_line`; `on_exit` hears about every exit, with ``expected=False`` when
the operand did not ask for it (a crash). Neighbours: `logparse` (parses the lines), `daemon`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Mapping
from typing import Final

logger = logging.getLogger(__name__)

TUNED_BIN_ENV: Final = "NTO_TUNED_BIN"
DEFAULT_TUNED_BIN: Final = "/usr/sbin/tuned"
STOP_GRACE: Final = 10.0
_LINE_LIMIT: Final = 1024 * 1024

LineHandler = Callable[[str], None]
ExitHandler = Callable[[int, bool], None]
"""``(returncode, expected)``."""


def tuned_command(executable: str, *, debug: bool, daemon: bool = True) -> list[str]:
    """TuneD's command line as the operand runs it."""
    argv = [executable, "--no-dbus"]
    if debug:
        argv.append("--debug")
    if not daemon:
        argv.append("--no-daemon")
    return argv


def tuned_executable(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(TUNED_BIN_ENV) or DEFAULT_TUNED_BIN


class TunedProcess:
    """One TuneD child at a time; every method is safe to call in any state."""

    def __init__(
        self,
        executable: str,
        *,
        on_line: LineHandler,
        on_exit: ExitHandler | None = None,
        grace: float = STOP_GRACE,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.executable = executable
        self.grace = grace
        self._on_line = on_line
        self._on_exit = on_exit
        self._env = dict(env) if env is not None else None
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._stopping = False
        self.debug = False
        self.starts = 0

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running and self._process else None

    async def start(self, *, debug: bool) -> None:
        """Start TuneD unless it is already running."""
        if self.running:
            return
        await self._reap()
        self.debug = debug
        argv = tuned_command(self.executable, debug=debug)
        logger.info("starting TuneD: %s", " ".join(argv))
        self._stopping = False
        self._process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=self._env,
            start_new_session=True,
            limit=_LINE_LIMIT,
        )
        self.starts += 1
        self._reader = asyncio.create_task(self._read(self._process), name="tuned-output")

    async def reload(self) -> None:
        """SIGHUP a running TuneD; start it when it is not running."""
        if self.running and self._process is not None:
            logger.info("reloading TuneD (SIGHUP to pid %d)", self._process.pid)
            self._process.send_signal(signal.SIGHUP)
            return
        await self.start(debug=self.debug)

    async def restart(self, *, debug: bool) -> None:
        """Stop TuneD (SIGTERM, SIGKILL after the grace) and start it again."""
        await self.stop()
        await self.start(debug=debug)

    async def stop(self) -> int | None:
        """Stop TuneD; returns its exit code (None when it was not running)."""
        process = self._process
        if process is None:
            return None
        if process.returncode is None:
            self._stopping = True
            logger.info("stopping TuneD (SIGTERM to pid %d)", process.pid)
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), self.grace)
            except TimeoutError:
                logger.warning("TuneD ignored SIGTERM for %.1f s; sending SIGKILL", self.grace)
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        await self._reap()
        return process.returncode

    def kill_now(self) -> None:
        """SIGKILL without waiting (second-signal exit path)."""
        if self._process is not None and self._process.returncode is None:
            self._stopping = True
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()

    async def _reap(self) -> None:
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        self._process = None

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while True:
            try:
                raw = await process.stdout.readline()
            except ValueError:
                raw = await process.stdout.read(_LINE_LIMIT)
            if not raw:
                break
            line = raw.decode(errors="replace").rstrip("\n")
            try:
                self._on_line(line)
            except Exception:
                logger.exception("handling TuneD output line %r failed", line[:200])
        code = await process.wait()
        expected = self._stopping
        logger.log(
            logging.INFO if expected else logging.WARNING,
            "TuneD (pid %d) exited with code %d",
            process.pid,
            code,
        )
        if self._on_exit is not None:
            self._on_exit(code, expected)
