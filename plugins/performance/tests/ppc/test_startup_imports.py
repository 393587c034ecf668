"""Import guard of the short commands users pay for as whole processes.

``render`` (run by the installer at bootstrap), ``performance-profile-creator`` (run by hand) and
``--help`` each run in a fresh interpreter here, and the test fails when one of them imports a
module it does not use: the operator's runtime (kopf, the kubernetes client, aiohttp,
prometheus_client), pydantic and the models (valid input is read by `nto_api.quickread`),
``importlib.metadata``, or another command's module. ``render`` is declared by the plugin
(entry-point group ``nto.commands``), so it runs without pluggy, the plugin host or the
plugin's hook module.
Start-up time itself is measured by ``hack/bench_startup.py``, never asserted here. Lives beside
the profile creator's tests for their must-gather builder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

RENDER_INPUTS = Path(__file__).resolve().parents[1] / "render" / "fixtures" / "inputs"

RUNTIME = ("kopf", "kubernetes", "aiohttp", "prometheus_client", "nto.operator.runtime")
SLOW_STDLIB = ("importlib.metadata", "email")
"""``importlib.metadata`` costs ~30 ms before it reads a file (entry points are read without it)."""
CORE_COMMAND_MODULES = tuple(
    f"nto.cli.commands.{module}"
    for module in (
        "bootcmd",
        "bundle",
        "completion",
        "dev_cluster",
        "must_gather",
        "operand",
        "operator",
        "plugins",
        "version",
    )
)
"""The core's command modules: a command imports only its own (``help`` is the exception it
is allowed to be for ``--help``)."""
NOT_FOR_RENDER = (
    "pluggy",
    "nto.plugins.host",
    "nto.plugins.hookspecs",
    "nto.plugins.types",  # the value types of hooks; CliCommand is in nto.plugins.command
    "nto.runtime",
    "nto_performance.plugin",
    "nto_performance.latency",
    "nto_performance.ppc",
    "nto_performance.preview",
    "shutil",  # argparse's help width and the writer's clean-up only need it on other paths
    "pydantic",
    "pydantic_core",
    "nto_api.meta",
    "nto_api.registry",
    "nto_api.views",  # protocols are for type checking only
    "nto_api.conversion",
    "nto_api.foreign.config",
    "nto_api.foreign.core",
    "nto_api.foreign.mco",
    "nto_api.performance.common",
    "nto_api.performance.v1",
    "nto_api.performance.v1alpha1",
    "nto_api.performance.v2",
    "nto_api.tuned",
    "nto_performance.ppc.run",
    "nto.operator",
    "importlib.resources",
    "tempfile",
    *SLOW_STDLIB,
    *CORE_COMMAND_MODULES,
)
NOT_FOR_CREATOR = (
    "pydantic",
    "nto_api.meta",
    "nto_api.foreign.core",
    "nto_api.foreign.mco",
    "nto_api.foreign.config",
    "nto_api.performance.v2",
    "nto_api.conversion",
    "nto_api.performance.v1alpha1",
    "nto_api.tuned",
    "nto_performance.render.assets",
    "nto.operator",
    *SLOW_STDLIB,
    *CORE_COMMAND_MODULES,
)
NOT_FOR_HELP = (
    "pydantic",
    "yaml",
    "nto_api.meta",
    "nto_performance.ppc.run",
    "nto_performance.render.inputs",
    "nto.operator",
    *SLOW_STDLIB,
    *CORE_COMMAND_MODULES,
)

RECORD_MODULES = """
import atexit, json, runpy, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["cluster-node-tuning-operator", *sys.argv[2:]]
runpy.run_module("nto", run_name="__main__")
"""


def imported_by(tmp_path: Path, *argv: str) -> set[str]:
    """Every module a fresh ``cluster-node-tuning-operator ARGV`` process had imported at exit."""
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


def offenders(modules: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name in modules
        if any(name == heavy or name.startswith(f"{heavy}.") for heavy in forbidden)
    )


@pytest.mark.parametrize(
    "inputs",
    [
        ["pools/worker-rt", "profiles/edge"],
        ["pools/worker-rt", "profiles/frequency", "infra/all-nodes"],
        ["pools/worker-rt", "profiles/arm", "infra/legacy-sno"],
        ["bootstrap"],
    ],
    ids="+".join,
)
def test_render_imports_only_what_it_renders_with(tmp_path: Path, inputs: list[str]) -> None:
    """Valid input is read without pydantic (`nto_api.quickread`), and no foreign model loads."""
    joined = ",".join(str(RENDER_INPUTS / directory) for directory in inputs)
    modules = imported_by(
        tmp_path, "render", f"--asset-input-dir={joined}", f"--asset-output-dir={tmp_path / 'o'}"
    )
    assert "nto_performance.render.assets" in modules  # it did render
    assert offenders(modules, RUNTIME + NOT_FOR_RENDER) == []


def test_render_of_invalid_input_asks_the_model(tmp_path: Path) -> None:
    """What the quick reader does not accept goes to pydantic, which names the bad field."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "profile.yaml").write_text(
        "apiVersion: performance.openshift.io/v2\nkind: PerformanceProfile\n"
        "metadata: {name: bad}\nspec:\n  cpu: {reserved: '0', isolated: 1}\n"
        "  nodeSelector: {node-role.kubernetes.io/worker: ''}\n"
    )
    record = tmp_path / "modules.json"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            RECORD_MODULES,
            str(record),
            "render",
            f"--asset-input-dir={inputs}",
            f"--asset-output-dir={tmp_path / 'o'}",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 255, result.stderr
    assert "spec.cpu.isolated" in result.stderr
    assert "pydantic" in json.loads(record.read_text())
    assert not (tmp_path / "o").exists()


def test_profile_creator_imports_only_what_it_uses(
    tmp_path: Path, make_must_gather: Callable[..., Path]
) -> None:
    must_gather = make_must_gather(
        {"w1": {"labels": {"node-role.kubernetes.io/worker-cnf": ""}, "machine": {"cores": 8}}}
    )
    modules = imported_by(
        tmp_path,
        "performance-profile-creator",
        f"--must-gather-dir-path={must_gather}",
        "--mcp-name=worker-cnf",
        "--reserved-cpu-count=2",
        "--rt-kernel=false",
    )
    assert "nto_performance.ppc.run" in modules  # it did create a profile
    assert offenders(modules, RUNTIME + NOT_FOR_CREATOR) == []


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["render", "--help"], ["performance-profile-creator", "--help"]],
    ids=["top", "render", "creator"],
)
def test_help_imports_no_model(tmp_path: Path, argv: list[str]) -> None:
    assert offenders(imported_by(tmp_path, *argv), RUNTIME + NOT_FOR_HELP) == []
