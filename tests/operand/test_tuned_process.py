"""TuneD process control against the fake TuneD: start, SIGHUP reload, restart, SIGKILL."""

from __future__ import annotations

import asyncio
import time

import pytest

from nto.operand.files import atomic_write, recommend_content
from nto.operand.tuned_process import TunedProcess, tuned_command

from .conftest import kinds


def install(paths, data="[main]\nsummary=t\n", name="p"):
    atomic_write(paths.profiles_dir / name / "tuned.conf", data)
    atomic_write(paths.recommend_file, recommend_content(name))


async def until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def test_command_line():
    assert tuned_command("/usr/sbin/tuned", debug=False) == ["/usr/sbin/tuned", "--no-dbus"]
    assert tuned_command("t", debug=True) == ["t", "--no-dbus", "--debug"]


async def test_start_reload_restart_stop(paths, fake_tuned):
    install(paths)
    lines, exits = [], []
    tuned = TunedProcess(
        fake_tuned, on_line=lines.append, on_exit=lambda c, e: exits.append((c, e)), grace=2
    )
    await tuned.start(debug=True)
    await until(lambda: any("applied" in line for line in lines))
    assert "static tuning from profile 'p' applied" in lines[-1]
    assert (paths.active_profile_file).read_text() == "p\n"
    await tuned.reload()
    await until(lambda: kinds(paths).count("apply") == 2)
    assert kinds(paths)[:4] == ["start", "apply", "reload", "apply"]
    await tuned.restart(debug=False)
    await until(lambda: kinds(paths).count("apply") == 3)
    assert kinds(paths)[4:] == ["term", "start", "apply"]
    assert tuned.starts == 2
    assert await tuned.stop() == 0
    assert exits == [(0, True), (0, True)]
    assert not tuned.running


async def test_reload_starts_a_stopped_tuned(paths, fake_tuned):
    install(paths)
    tuned = TunedProcess(fake_tuned, on_line=lambda line: None, grace=2)
    await tuned.reload()
    assert tuned.running
    await tuned.stop()
    assert await tuned.stop() is None


async def test_sigkill_after_the_grace(paths, fake_tuned):
    install(paths, "[main]\n[fake]\nignore_sigterm=1\n")
    lines = []
    tuned = TunedProcess(fake_tuned, on_line=lines.append, grace=0.3)
    await tuned.start(debug=False)
    await until(lambda: any("applied" in line for line in lines))
    started = time.monotonic()
    assert await tuned.stop() == -9
    assert time.monotonic() - started >= 0.3
    assert "term" in kinds(paths)


async def test_a_crash_is_reported_as_unexpected(paths, fake_tuned):
    install(paths, "[main]\n[fake]\ncrash=3\n")
    exits = []
    tuned = TunedProcess(
        fake_tuned, on_line=lambda line: None, on_exit=lambda c, e: exits.append((c, e))
    )
    await tuned.start(debug=False)
    await until(lambda: exits)
    assert exits == [(3, False)]
    assert not tuned.running


async def test_missing_executable_raises(tmp_path):
    tuned = TunedProcess(str(tmp_path / "nope"), on_line=lambda line: None)
    with pytest.raises(OSError, match="nope"):
        await tuned.start(debug=False)
