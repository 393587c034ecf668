"""The plugin boundary is real: the core never imports the performance plugin."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import nto

CORE = Path(nto.__file__).resolve().parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_core_module_imports_a_plugin():
    offenders = {
        str(path.relative_to(CORE)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "nto_performance"
        )
        for path in CORE.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_core_runtime_with_plugins_disabled_never_loads_the_plugin():
    code = (
        "import sys\n"
        "from nto.plugins.host import build_plugin_host\n"
        "from nto.cli.main import build_parser\n"
        "import nto.operator.runtime, nto.metrics\n"
        "host = build_plugin_host()\n"
        "assert 'nto_performance' not in sys.modules, sorted(sys.modules)\n"
    )
    env = {**os.environ, "NTO_DISABLED_PLUGINS": "performance"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
