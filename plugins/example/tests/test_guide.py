"""docs/plugins.md, run as written from a blank directory.

The guide's code blocks whose first line names a file (``# nto-widgets/...``) are written into
an empty directory and checked with the project's ruff settings (the plugin being first-party,
``nto`` third-party, as in the author's own project). Then the guide's console block is
followed command by command, each matched against the shape this test knows, so that a change
to the commands fails here until the test follows it:

1. ``python3 -m venv .venv``: the venv is created without pip and reuses the packages of the
   interpreter running this test (a ``.pth`` file adds its site directory), so nothing is
   downloaded; this stands in for the next step too.
2. ``pip install -e ./node-tuning-operator/api -e "./node-tuning-operator[testing]"``: checked,
   not run: ``./api`` comes first, both paths are projects of this checkout, and ``nto``
   declares pytest in its ``testing`` extra.
3. ``pip install -e "./nto-widgets[test]"``: run, offline (``--no-index --no-deps
   --no-build-isolation``).
4. ``nto plugins``: run as ``python -m nto plugins --json`` (the reused packages hold the
   ``nto`` script); the plugin must be listed with its hooks and no error.
5. ``python -m pytest nto-widgets/tests``: run as written; the plugin's own test starts an
   operator against the emulated cluster and waits for its controller to mark a Node.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "plugins.md"
FILE_BLOCK = re.compile(r"^```(?:toml|python)\n# ([\w./-]+)\n(.*?)^```", re.M | re.S)
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", re.M | re.S)
CHECKOUT = "node-tuning-operator"
PLUGIN = "nto-widgets"

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def guide_files() -> dict[str, str]:
    """Path -> text of every code block of the guide that starts with ``# <path>``."""
    return dict(FILE_BLOCK.findall(GUIDE.read_text(encoding="utf-8")))


def guide_commands() -> list[list[str]]:
    """The ``$ `` lines of the guide's console block, split like a shell would."""
    (block,) = CONSOLE_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    return [shlex.split(line[2:]) for line in block.splitlines() if line.startswith("$ ")]


def clean_env() -> dict[str, str]:
    drop = {"KUBECONFIG", "PYTHONPATH", "NTO_DISABLED_PLUGINS", "NTO_TRACE_HOOKS", "VIRTUAL_ENV"}
    return {key: value for key, value in os.environ.items() if key not in drop}


def run(command: list[str], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{shlex.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty directory holding the checkout (a link to this one) and the guide's files."""
    where = tmp_path_factory.mktemp("guide")
    (where / CHECKOUT).symlink_to(ROOT, target_is_directory=True)
    files = guide_files()
    assert {f"{PLUGIN}/pyproject.toml", f"{PLUGIN}/nto_widgets/plugin.py"} <= set(files)
    for relative, text in files.items():
        path = where / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return where


def test_the_guide_snippets_are_ruff_clean(blank: Path) -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    sources = sorted(str(path) for path in (blank / PLUGIN).rglob("*.py"))
    config = [
        *("--config", str(ROOT / "pyproject.toml")),
        *("--config", "lint.isort.known-first-party = ['nto_widgets']"),
    ]
    ruff = [sys.executable, "-m", "ruff"]
    run([*ruff, "check", "--no-cache", *config, *sources], cwd=blank)
    run([*ruff, "format", "--check", "--no-cache", *config, *sources], cwd=blank)


def test_the_guide_snippets_use_only_the_public_surface() -> None:
    public = {"nto.plugins", "nto.testing"}
    files = guide_files()
    assert f"{PLUGIN}/nto_widgets/plugin.py" in files, sorted(files)
    for relative, text in files.items():
        used = set(re.findall(r"^\s*(?:from|import) (nto(?:\.\w+)*)\b", text, re.M))
        assert used <= public, f"{relative} imports {sorted(used - public)}"


def test_the_guide_followed_as_written(blank: Path) -> None:
    commands = guide_commands()
    assert len(commands) == 5, commands
    make_venv, install_core, install_plugin, list_plugins, run_tests = commands

    assert make_venv == ["python3", "-m", "venv", ".venv"]
    python = venv_reusing_this_interpreter(blank / ".venv")

    core_paths = [arg for arg in install_core[2:] if arg != "-e"]
    assert install_core[:2] == [".venv/bin/pip", "install"], install_core
    assert core_paths == [f"./{CHECKOUT}/api", f"./{CHECKOUT}[testing]"], "./api goes first"
    assert (blank / CHECKOUT / "api" / "pyproject.toml").is_file()
    assert (blank / CHECKOUT / "pyproject.toml").is_file()
    project = tomllib.loads((blank / CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    testing = project["project"]["optional-dependencies"]["testing"]
    assert any(re.match(r"pytest\b", req) for req in testing), "nto[testing] must bring pytest"

    assert install_plugin == [".venv/bin/pip", "install", "-e", f"./{PLUGIN}[test]"]
    offline = ["--no-index", "--no-deps", "--no-build-isolation", "--disable-pip-version-check"]
    run([str(python), "-m", "pip", "install", "-q", *offline, *install_plugin[2:]], cwd=blank)

    assert list_plugins == [".venv/bin/nto", "plugins"]
    listed = json.loads(run([str(python), "-m", "nto", "plugins", "--json"], cwd=blank))
    widgets = {plugin["name"]: plugin for plugin in listed["plugins"]}["widgets"]
    assert (widgets["distribution"], widgets["version"]) == (PLUGIN, "0.1.0")
    assert widgets["hooks"] == ["nto_rbac_rules", "nto_register_handlers"]
    assert widgets["errors"] == []

    assert run_tests == [".venv/bin/python", "-m", "pytest", f"{PLUGIN}/tests"]
    output = run([str(python), *run_tests[1:], "-p", "no:cacheprovider"], cwd=blank, timeout=180)
    assert re.search(r"\b1 passed\b", output), output


def venv_reusing_this_interpreter(where: Path) -> Path:
    """A venv without pip whose interpreter also sees this interpreter's packages."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=60
    )
    python = where / "bin" / "python"
    site = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=where,
    ).strip()
    ours = sysconfig.get_paths()["purelib"]
    Path(site, "_reuse_test_interpreter.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n", encoding="utf-8"
    )
    return python
