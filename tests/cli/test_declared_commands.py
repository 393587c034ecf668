"""Commands a plugin declares (entry-point group ``nto.commands``) run without the plugin host.

:func:`nto.cli.declared.declared_command` answers only when the host would run the very same
command; in every other case the CLI takes the full path. The distributions here are fake
``*.dist-info`` directories on a temporary path; the command objects live in a module the test
registers in ``sys.modules``.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nto.cli import main as cli_main
from nto.cli.declared import declared_command
from nto.plugins import CliCommand
from nto.plugins._entrypoints import COMMAND_GROUP, PLUGIN_GROUP, TRACE_ENV
from nto.plugins.markers import ENTRY_POINT_GROUP

MODULE = "fake_declared_commands"
CORE = {"operator", "version"}


def _run(args: argparse.Namespace) -> int:
    del args
    return 0


def _configure(parser: argparse.ArgumentParser) -> None:
    del parser


@pytest.fixture(autouse=True)
def commands_module() -> Iterator[types.ModuleType]:
    module = types.ModuleType(MODULE)
    module.HELLO = CliCommand(name="hello", help="say hello", configure=_configure, run=_run)  # type: ignore[attr-defined]
    module.NOT_A_COMMAND = object()  # type: ignore[attr-defined]
    sys.modules[MODULE] = module
    yield module
    del sys.modules[MODULE]


@pytest.fixture
def site(tmp_path: Path) -> Callable[..., str]:
    """``add(dist, {group: {name: value}})`` writes a distribution; returns the path entry."""

    def add(dist: str, groups: dict[str, dict[str, str]], where: str = "site") -> str:
        directory = tmp_path / where / f"{dist}-1.0.dist-info"
        directory.mkdir(parents=True)
        text = "".join(
            f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in entries.items())
            for group, entries in groups.items()
        )
        (directory / "entry_points.txt").write_text(text)
        return str(tmp_path / where)

    return add


def _hello(site: Callable[..., str], **groups: dict[str, str]) -> str:
    return site("hello_plugin", {PLUGIN_GROUP: {"hello": "hello_plugin"}, **groups})


def test_groups_are_the_plugin_surface_names() -> None:
    assert PLUGIN_GROUP == ENTRY_POINT_GROUP
    assert COMMAND_GROUP == "nto.commands"


def test_a_declared_command_is_found(site: Callable[..., str]) -> None:
    path = site(
        "hello_plugin", {PLUGIN_GROUP: {"hello": "x"}, COMMAND_GROUP: {"hello": f"{MODULE}:HELLO"}}
    )
    command = declared_command("hello", core=CORE, environ={}, path=[path])
    assert command is sys.modules[MODULE].HELLO


@pytest.mark.parametrize(
    ("name", "environ", "disabled"),
    [
        pytest.param("hello", {TRACE_ENV: "1"}, (), id="hook-tracing-on"),
        pytest.param("hello", {"HYPERSHIFT": "true"}, (), id="hypershift-mode"),
        pytest.param("hello", {"NTO_DISABLED_PLUGINS": "other,hello"}, (), id="disabled-by-env"),
        pytest.param("hello", {}, ("hello",), id="disabled-by-flag"),
        pytest.param("version", {}, (), id="core-command-wins"),
        pytest.param("--help", {}, (), id="a-flag"),
        pytest.param("absent", {}, (), id="not-declared"),
    ],
)
def test_the_full_path_is_taken_when(
    site: Callable[..., str], name: str, environ: dict[str, str], disabled: tuple[str, ...]
) -> None:
    declarations = {"hello": f"{MODULE}:HELLO", "version": f"{MODULE}:HELLO"}
    path = site("hello_plugin", {PLUGIN_GROUP: {"hello": "x"}, COMMAND_GROUP: declarations})
    assert (
        declared_command(name, core=CORE, disabled=disabled, environ=environ, path=[path]) is None
    )


@pytest.mark.parametrize(
    "value",
    [f"{MODULE}:NOT_A_COMMAND", f"{MODULE}:MISSING", "no_such_module_here:HELLO"],
    ids=["not-a-cli-command", "missing-attribute", "import-error"],
)
def test_a_broken_declaration_takes_the_full_path(site: Callable[..., str], value: str) -> None:
    path = site("hello_plugin", {PLUGIN_GROUP: {"hello": "x"}, COMMAND_GROUP: {"hello": value}})
    assert declared_command("hello", core=CORE, environ={}, path=[path]) is None


def test_a_declaration_under_another_name_takes_the_full_path(site: Callable[..., str]) -> None:
    path = site(
        "hello_plugin", {PLUGIN_GROUP: {"hello": "x"}, COMMAND_GROUP: {"bye": f"{MODULE}:HELLO"}}
    )
    assert declared_command("bye", core=CORE, environ={}, path=[path]) is None


def test_two_declarations_of_a_name_take_the_full_path(site: Callable[..., str]) -> None:
    site(
        "hello_plugin", {PLUGIN_GROUP: {"hello": "x"}, COMMAND_GROUP: {"hello": f"{MODULE}:HELLO"}}
    )
    path = site(
        "other_plugin", {PLUGIN_GROUP: {"other": "y"}, COMMAND_GROUP: {"hello": f"{MODULE}:HELLO"}}
    )
    assert declared_command("hello", core=CORE, environ={}, path=[path]) is None


@pytest.mark.parametrize(
    "plugins", [{}, {"hello": "x", "second": "y"}], ids=["no-plugin", "two-plugins"]
)
def test_a_distribution_without_exactly_one_plugin_takes_the_full_path(
    site: Callable[..., str], plugins: dict[str, str]
) -> None:
    groups = {COMMAND_GROUP: {"hello": f"{MODULE}:HELLO"}}
    path = site("hello_plugin", {PLUGIN_GROUP: plugins, **groups} if plugins else groups)
    assert declared_command("hello", core=CORE, environ={}, path=[path]) is None


def test_a_plugin_shadowed_by_an_earlier_distribution_takes_the_full_path(
    site: Callable[..., str],
) -> None:
    """The host loads the first plugin of a name: the declaration of a later one is not it."""
    earlier = site("aaa_plugin", {PLUGIN_GROUP: {"hello": "x"}}, where="earlier")
    later = site(
        "hello_plugin", {PLUGIN_GROUP: {"hello": "y"}, COMMAND_GROUP: {"hello": f"{MODULE}:HELLO"}}
    )
    assert declared_command("hello", core=CORE, environ={}, path=[earlier, later]) is None
    assert declared_command("hello", core=CORE, environ={}, path=[later, earlier]) is not None


PROBE = """
import sys
from nto.cli.main import main
code = main(sys.argv[1:])
print("PLUGGY", "pluggy" in sys.modules, "CODE", code)
"""


def test_the_installed_render_runs_without_pluggy(tmp_path: Path) -> None:
    """The performance plugin declares ``render``: the process never imports pluggy."""
    inputs = Path(__file__).parents[2] / "plugins/performance/tests/render/fixtures/inputs"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            "render",
            f"--asset-input-dir={inputs / 'pools/worker-rt'},{inputs / 'profiles/edge'}",
            f"--asset-output-dir={tmp_path / 'out'}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1] == "PLUGGY False CODE 0", done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir())


@pytest.mark.parametrize(
    ("argv", "environ"),
    [
        (["render", "--disable-plugin=performance"], {}),
        (["render"], {"NTO_DISABLED_PLUGINS": "performance"}),
        (["render"], {"HYPERSHIFT": "true"}),  # the plugin offers no render in HyperShift mode
    ],
    ids=["flag", "env", "hypershift"],
)
def test_a_disabled_plugin_has_no_render_command(
    tmp_path: Path, argv: list[str], environ: dict[str, str]
) -> None:
    """Disabling the plugin, or HyperShift mode, still removes its declared command (the full
    path says so)."""
    done = subprocess.run(
        [sys.executable, "-m", "nto", *argv, f"--asset-output-dir={tmp_path / 'out'}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**_environ(), **environ},
    )
    assert done.returncode == 255
    assert "unknown command 'render'" in done.stderr
    assert not (tmp_path / "out").exists()


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k not in {"NTO_DISABLED_PLUGINS", TRACE_ENV}}


def test_the_plugin_host_is_built_when_a_command_first_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[tuple[str, ...]] = []
    seen: list[object] = []

    def fake_build(*, disabled: tuple[str, ...] = ()) -> object:
        built.append(tuple(disabled))
        return "the host"

    def run(args: argparse.Namespace) -> int:
        seen.append(built[:])
        seen.append(args.plugin_host)
        seen.append(args.plugin_host)
        return 0

    command = CliCommand(name="hello", help="say hello", configure=_configure, run=run)
    monkeypatch.setattr(cli_main, "build_plugin_host", fake_build)
    monkeypatch.setattr(cli_main, "declared_command", lambda *_, **__: command)
    assert cli_main.main(["hello", "--disable-plugin", "x"]) == 0
    assert seen == [[], "the host", "the host"]
    assert built == [("x",)]


def test_the_entry_point_pauses_the_collector_until_the_command_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Start-up runs without the garbage collector; the command runs with it, start-up frozen."""
    from nto.cli import entry

    seen: dict[str, object] = {}

    def fake_declared(*_: object, **__: object) -> CliCommand:
        seen["start-up"] = gc.isenabled()
        return CliCommand(name="hello", help="say hello", configure=_configure, run=run)

    def run(args: argparse.Namespace) -> int:
        del args
        seen["command"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count()
        return 0

    monkeypatch.setattr(cli_main, "declared_command", fake_declared)
    monkeypatch.setattr(sys, "argv", ["nto", "hello"])
    try:
        assert gc.isenabled()
        assert entry.main() == 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    assert seen["start-up"] is False
    assert seen["command"] is True
    frozen = seen["frozen"]
    assert isinstance(frozen, int)
    assert frozen > 0


def test_in_process_callers_keep_their_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def run(args: argparse.Namespace) -> int:
        del args
        seen.append(gc.isenabled())
        return 0

    command = CliCommand(name="hello", help="say hello", configure=_configure, run=run)
    monkeypatch.setattr(cli_main, "declared_command", lambda *_, **__: command)
    gc.disable()
    try:
        assert cli_main.main(["hello"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False]


def _pty_stdout(columns: int) -> Any:
    import fcntl
    import struct
    import termios

    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    os.close(leader)
    return os.fdopen(follower, "w")


@pytest.mark.parametrize("columns", [None, "120", "0", "-3", "wide"], ids=str)
@pytest.mark.parametrize("terminal", [None, 100, 0], ids=["no-tty", "tty-100", "tty-0"])
def test_the_help_width_is_argparse_s_without_shutil(
    monkeypatch: pytest.MonkeyPatch, columns: str | None, terminal: int | None
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.delenv("LINES", raising=False)
    stream = _pty_stdout(terminal) if terminal is not None else open(os.devnull, "w")  # noqa: SIM115
    monkeypatch.setattr(sys, "__stdout__", stream)
    try:
        ours = cli_main._Formatter("prog")
        theirs = argparse.HelpFormatter("prog")
    finally:
        stream.close()
    assert (ours._width, ours._max_help_position) == (theirs._width, theirs._max_help_position)
