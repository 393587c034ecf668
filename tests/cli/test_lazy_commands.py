"""The core's command table: what ``--help`` shows without importing any command module."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from nto.cli.commands import CORE_COMMANDS, core_commands


@pytest.mark.parametrize(("name", "module", "help_text"), CORE_COMMANDS, ids=str)
def test_table_matches_the_module(name: str, module: str, help_text: str) -> None:
    command = importlib.import_module(f"nto.cli.commands.{module}").COMMAND
    assert (command.name, command.help, command.aliases) == (name, help_text, ())


def test_every_command_module_is_in_the_table() -> None:
    from pathlib import Path

    import nto.cli.commands as package

    modules = {p.stem for p in Path(package.__file__).parent.glob("*.py")} - {"__init__"}
    assert modules == {module for _, module, _ in CORE_COMMANDS}


PROBE = """
import sys
from nto.cli.main import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith("nto.cli.commands."))
print("LOADED", loaded, "CODE", code)
"""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["--help"], [], id="root-help"),
        pytest.param(["version"], ["nto.cli.commands.version"], id="version"),
        pytest.param(
            ["help", "version"],
            ["nto.cli.commands.help", "nto.cli.commands.version"],
            id="help-topic",
        ),
    ],
)
def test_only_the_command_that_runs_is_imported(argv: list[str], expected: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=False
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED"))
    assert line == f"LOADED {expected} CODE 0", done.stderr


def test_core_commands_import_no_command_module() -> None:
    code = (
        "import sys\n"
        "from nto.cli.commands import core_commands\n"
        "core_commands()\n"
        "print(sorted(m for m in sys.modules if m.startswith('nto.cli.commands.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert len(core_commands()) == len(CORE_COMMANDS)
