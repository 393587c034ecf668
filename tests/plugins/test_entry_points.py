"""Real distributions: a throwaway plugin is installed, found through its entry point and called;
a plugin that raises on import leaves the core running and reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PLUGIN_SOURCE = """
from nto.plugins import CliCommand, RelatedObject, hookimpl

@hookimpl
def nto_related_objects():
    return [RelatedObject(group="example.io", resource="widgets", name="")]

@hookimpl
def nto_cli_commands():
    def run(args):
        print("widget says hi")
        return 0
    return [CliCommand("widget", "say hi", lambda parser: None, run)]
"""

BROKEN_SOURCE = "raise ImportError('cannot import name missing_thing')\n"


def _write_distribution(root: Path, name: str, module: str, source: str) -> Path:
    project = root / name
    (project / module).mkdir(parents=True)
    (project / module / "__init__.py").write_text(textwrap.dedent(source))
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{name}"
            version = "1.2.3"

            [project.entry-points."nto.plugins"]
            {name.rsplit("-", maxsplit=1)[-1]} = "{module}"

            [tool.setuptools]
            packages = ["{module}"]
            """
        )
    )
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A directory with two throwaway plugin distributions installed by pip."""
    root = tmp_path_factory.mktemp("plugins")
    target = root / "site"
    projects = [
        _write_distribution(root, "nto-plugin-widget", "nto_widget", PLUGIN_SOURCE),
        _write_distribution(root, "nto-plugin-broken", "nto_broken", BROKEN_SOURCE),
    ]
    command = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
    command += ["--no-build-isolation", "--disable-pip-version-check", "--target", str(target)]
    result = subprocess.run(
        [*command, *map(str, projects)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return target


def _nto(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(site), **env}
    return subprocess.run(
        [sys.executable, "-m", "nto", *args],
        capture_output=True,
        text=True,
        env=environ,
        check=False,
        timeout=60,
    )


def _plugins(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, object]]:
    assert result.returncode == 0, result.stderr
    return {plugin["name"]: plugin for plugin in json.loads(result.stdout)["plugins"]}


def test_installed_plugin_is_listed_with_version_and_hooks(site):
    plugins = _plugins(_nto(site, "plugins", "--json"))
    widget = plugins["widget"]
    assert widget["version"] == "1.2.3"
    assert widget["distribution"] == "nto-plugin-widget"
    assert widget["hooks"] == ["nto_cli_commands", "nto_related_objects"]
    assert widget["errors"] == []


def test_installed_plugin_command_runs(site):
    result = _nto(site, "widget")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "widget says hi\n"


def test_broken_plugin_is_reported_and_core_keeps_running(site):
    result = _nto(site, "plugins", "--json")
    broken = _plugins(result)["broken"]
    assert broken["errors"] == [
        {"stage": "import", "error": "ImportError: cannot import name missing_thing"}
    ]
    assert "plugin 'broken' failed in import" in result.stderr
    assert _nto(site, "version").returncode == 0


def test_env_disables_a_plugin(site):
    result = _nto(site, "plugins", "--json", NTO_DISABLED_PLUGINS="widget,broken")
    plugins = _plugins(result)
    assert plugins["widget"]["enabled"] is False
    assert plugins["broken"]["errors"] == []
    assert _nto(site, "widget", NTO_DISABLED_PLUGINS="widget").returncode == 255  # usage error


def test_performance_plugin_is_listed():
    result = _nto(Path("/nonexistent"), "plugins", "--json")
    plugins = _plugins(result)
    if "performance" not in plugins:
        pytest.skip("nto-performance is not installed in this environment")
    assert plugins["performance"]["hooks"], "the performance plugin implements hooks"
