"""Import guard: other commands never load the latency suite, and its --help loads nothing heavy.

The CLI builds every command's parser on start, so only `nto_performance.latency.command` (argparse
and the core's flag helpers) may be imported for another command; the suite, its parsers and the
cluster client load when ``latency-test`` runs. Each case is a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RECORD_MODULES = """
import atexit, json, runpy, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["cluster-node-tuning-operator", *sys.argv[2:]]
runpy.run_module("nto", run_name="__main__")
"""
ALLOWED = {"nto_performance.latency", "nto_performance.latency.command"}
HEAVY = ("kopf", "kubernetes", "aiohttp", "prometheus_client", "pydantic", "yaml", "nto_api")


def imported_by(tmp_path: Path, *argv: str) -> set[str]:
    record = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", RECORD_MODULES, str(record), *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(record.read_text()))


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["plugins"], ["performance-profile-creator", "--help"]],
    ids=["top", "plugins", "creator"],
)
def test_other_commands_do_not_load_the_suite(tmp_path: Path, argv: list[str]) -> None:
    loaded = {
        name for name in imported_by(tmp_path, *argv) if name.startswith("nto_performance.latency")
    }
    assert loaded <= ALLOWED


def test_latency_help_loads_nothing_heavy(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "latency-test", "--help")
    heavy = sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY))
    assert heavy == []
    assert "nto_performance.latency.main" not in modules
