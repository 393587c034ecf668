"""Fixtures for the offline ``render`` command tests.

``run_cli(*argv, env=...)`` runs the real CLI entry point in-process and returns
``(exit code, stderr and log text)``; ``tree(path)`` snapshots a directory (names, bytes, modes)
so a test can prove a failed run left it untouched; ``inputs(*names)`` joins fixture input
directories for ``--asset-input-dir``; ``snapshots_tool`` is ``hack/gen_render_snapshots.py``
loaded as a module; ``reference`` is the read-only reference data (skips when absent).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[4]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "inputs"
REFERENCE = ROOT.parent / "shared" / "reference" / "render"
RENDER_ENV = ("ASSET_INPUT_DIR", "ASSET_OUTPUT_DIR", "OWNER_REF")

CliRunner = Callable[..., tuple[int, str]]


@pytest.fixture
def reference() -> Path:
    if not (REFERENCE / "inputs").is_dir():
        pytest.skip(f"reference render data not found at {REFERENCE}")
    return REFERENCE


@pytest.fixture
def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> CliRunner:
    from nto.cli.main import main

    for name in RENDER_ENV:
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        caplog.clear()
        caplog.set_level(logging.INFO)
        root = logging.getLogger()
        handlers = list(root.handlers)
        try:
            code = main(["render", *argv])
        finally:
            for handler in root.handlers[:]:
                if handler not in handlers:
                    root.removeHandler(handler)
        return code, capsys.readouterr().err + caplog.text

    return run


def _tree(path: Path) -> dict[str, Any]:
    """Relative path -> (bytes, mode) of every file under `path`; {} when absent."""
    if not path.exists():
        return {}
    return {
        str(p.relative_to(path)): (p.read_bytes(), p.stat().st_mode)
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def _inputs(*names: str) -> str:
    """``--asset-input-dir`` value for fixture input directories."""
    return ",".join(str(FIXTURES / name) for name in names)


@pytest.fixture
def tree() -> Callable[[Path], dict[str, Any]]:
    return _tree


@pytest.fixture
def inputs() -> Callable[..., str]:
    return _inputs


@pytest.fixture(scope="session")
def snapshots_tool() -> ModuleType:
    path = ROOT / "hack" / "gen_render_snapshots.py"
    spec = importlib.util.spec_from_file_location("gen_render_snapshots", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
