"""``render`` is declared in the entry-point group ``nto.commands`` as the hook's own command.

The CLI runs a declared command without loading the plugins (``nto.cli.declared``), so the
declaration must be exactly what hook ``nto_cli_commands`` returns.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from nto.plugins._entrypoints import COMMAND_GROUP, entry_points
from nto_performance import plugin
from nto_performance.render import command


def test_render_is_declared_as_the_hook_returns_it() -> None:
    declared = {
        ep.name: ep.load()
        for ep in entry_points(COMMAND_GROUP)
        if ep.distribution()[0] == "nto-performance"
    }
    hooked = {c.name: c for c in plugin.nto_cli_commands()}
    assert declared == {"render": command.COMMAND}
    assert hooked["render"] is command.COMMAND


def test_render_runs_without_the_garbage_collector(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A short, bounded run: the collector is off while it renders and back on after."""
    seen: list[bool] = []

    def fake_render(settings: command.RenderSettings) -> list[Path]:
        del settings
        seen.append(gc.isenabled())
        return []

    monkeypatch.setattr(command, "render_assets", fake_render)
    args = argparse.Namespace(asset_input_dir=str(tmp_path), asset_output_dir="o", owner_ref=None)
    assert gc.isenabled()
    assert command.run(args) == 0
    assert gc.isenabled()
    assert seen == [False]


def test_render_turns_the_collector_back_on_when_it_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def failing(settings: command.RenderSettings) -> list[Path]:
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "render_assets", failing)
    args = argparse.Namespace(asset_input_dir=str(tmp_path), asset_output_dir="o", owner_ref=None)
    with pytest.raises(RuntimeError):
        command.run(args)
    assert gc.isenabled()


YAML_PROBE = """
import sys
from nto.cli.main import main
code = main(sys.argv[1:])
import yaml.reader
from nto_api.pyyaml import NON_PRINTABLE
print("SEEDED", yaml.reader.Reader.NON_PRINTABLE.pattern == NON_PRINTABLE, "CODE", code)
"""


def test_render_imports_pyyaml_without_its_slow_pattern(tmp_path: Path) -> None:
    """render's first import of PyYAML goes through `nto_api.pyyaml`."""
    inputs = Path(__file__).parent / "fixtures" / "inputs"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            YAML_PROBE,
            "render",
            f"--asset-input-dir={inputs / 'pools/worker-rt'},{inputs / 'profiles/edge'}",
            f"--asset-output-dir={tmp_path / 'out'}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1] == "SEEDED True CODE 0", done.stderr
