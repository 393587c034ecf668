"""Flags, environment overrides and command registration of ``render``."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from nto_performance.render import command
from nto_performance.render.command import SettingsError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.configure(parser)
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    ("argv", "env", "inputs", "output", "owner"),
    [
        pytest.param(
            ["--asset-output-dir", "o"], {}, ["/assets"], "o", "label-name", id="defaults"
        ),
        pytest.param(
            ["--asset-input-dir", "a, b,,c", "--asset-output-dir", "o", "--owner-ref", "k8s"],
            {},
            ["a", "b", "c"],
            "o",
            "k8s",
            id="flags-comma-list",
        ),
        pytest.param(
            ["--asset-input-dir", "a", "--asset-output-dir", "o", "--owner-ref", "k8s"],
            {"ASSET_INPUT_DIR": "x,y", "ASSET_OUTPUT_DIR": "z", "OWNER_REF": "none"},
            ["a"],
            "o",
            "k8s",
            id="flag-wins-over-env",
        ),
        pytest.param(
            [],
            {"ASSET_INPUT_DIR": "x,y", "ASSET_OUTPUT_DIR": "z", "OWNER_REF": "none"},
            ["x", "y"],
            "z",
            "none",
            id="env-without-flag",
        ),
        pytest.param(
            ["--asset-output-dir", "o"],
            {"ASSET_INPUT_DIR": "", "ASSET_OUTPUT_DIR": "", "OWNER_REF": ""},
            ["/assets"],
            "o",
            "label-name",
            id="empty-env-ignored",
        ),
        pytest.param([], {"ASSET_OUTPUT_DIR": "e"}, ["/assets"], "e", "label-name", id="env-only"),
    ],
)
def test_settings(
    argv: list[str], env: dict[str, str], inputs: list[str], output: str, owner: str
) -> None:
    settings = command.settings_from(parse(*argv), env)
    assert settings.input_dirs == tuple(Path(p) for p in inputs)
    assert settings.output_dir == Path(output)
    assert settings.owner_ref == owner


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        pytest.param([], "--asset-output-dir is required", id="no-output"),
        pytest.param(
            ["--asset-output-dir", "o", "--owner-ref", "x"], "unsupported owner", id="ref"
        ),
    ],
)
def test_settings_errors(argv: list[str], needle: str) -> None:
    with pytest.raises(SettingsError, match=needle):
        command.settings_from(parse(*argv), {})


def test_plugin_registers_render() -> None:
    from nto_performance import plugin

    render = next(c for c in plugin.nto_cli_commands() if c.name == "render")
    assert render.name == "render"
    parser = argparse.ArgumentParser()
    render.configure(parser)
    settings = command.settings_from(parser.parse_args(["--asset-output-dir", "o"]), {})
    assert settings.owner_ref == "label-name"


def test_klog_verbosity_flag_is_accepted(tmp_path: Path) -> None:
    from nto.cli.main import build_parser
    from nto_performance import plugin

    parser = build_parser("nto", plugin.nto_cli_commands())
    args = parser.parse_args(["render", "-v", "4", "--asset-output-dir", str(tmp_path)])
    assert args.verbosity == 4


PROBE = """
import sys
from nto.cli.main import main
code = main(sys.argv[1:])
names = ("kopf", "kubernetes", "aiohttp", "prometheus_client")
heavy = sorted(m for m in names if m in sys.modules)
print("HEAVY", heavy, "CODE", code)
"""


def test_render_process_imports_no_cluster_client(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "inputs"
    dirs = f"{fixtures / 'pools/worker-rt'},{fixtures / 'profiles/edge'}"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            "render",
            "--asset-input-dir",
            dirs,
            "--asset-output-dir",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "HEAVY [] CODE 0" in result.stdout, result.stderr
    assert len(list((tmp_path / "o").iterdir())) == 4


def test_plugin_module_import_is_cheap() -> None:
    code = (
        "import sys, nto_performance.plugin\n"
        "bad = [m for m in sys.modules if m.startswith(('pydantic', 'yaml', 'nto_api', "
        "'nto_performance.components', 'nto_performance.render'))]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
