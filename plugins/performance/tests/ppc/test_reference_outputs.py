"""Done-when: the creator's output equals the reference's expected profiles and info JSON.

Each ``expected-profiles/<name>.json`` holds the creator's arguments (keys named like the flags);
the command line is built the way the reference's own test builds it, and the output is compared
with ``<name>.yaml`` as v2 models. Skipped when the reference data is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_api.performance.v2 import PerformanceProfile
from nto_performance.ppc.cli import main

from .conftest import REFERENCE

EXPECTED_PROFILES = REFERENCE / "ppc" / "expected-profiles"
EXPECTED_INFO = REFERENCE / "ppc" / "expected-info"
MUST_GATHER = REFERENCE / "must-gather"


def _cases(directory: Path, pattern: str) -> list[Any]:
    found = sorted(directory.glob(pattern)) if directory.is_dir() else []
    if found:
        return [pytest.param(path, id=path.stem) for path in found]
    reason = f"reference data not found at {directory}"
    return [pytest.param(None, id="absent", marks=pytest.mark.skip(reason=reason))]


def _flag(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return f"--{name}={'true' if value else 'false'}"
    return f"--{name}={value}"


def creator_argv(args: dict[str, Any]) -> list[str]:
    """The command line the reference's test passes for one arguments file."""
    argv = [
        _flag("disable-ht", args.get("disable-ht", False)),
        _flag("mcp-name", args["mcp-name"]),
        _flag("must-gather-dir-path", MUST_GATHER / args["must-gather-dir-path"]),
        _flag("reserved-cpu-count", args["reserved-cpu-count"]),
        _flag("rt-kernel", args["rt-kernel"]),
        _flag(
            "split-reserved-cpus-across-numa", args.get("split-reserved-cpus-across-numa", False)
        ),
    ]
    for name in (
        "user-level-networking",
        "per-pod-power-management",
        "profile-name",
        "power-consumption-mode",
        "topology-manager-policy",
    ):
        if name in args:
            argv.append(_flag(name, args[name]))
    if args.get("offlined-cpu-count"):
        argv.append(_flag("offlined-cpu-count", args["offlined-cpu-count"]))
    return argv


def _normalise_keys(node: Any) -> Any:
    """Spell keys as the v2 schema does (the reference decodes JSON keys case-insensitively)."""
    if isinstance(node, dict):
        return {
            ("perPodPowerManagement" if key.lower() == "perpodpowermanagement" else key): (
                _normalise_keys(value)
            )
            for key, value in node.items()
        }
    return node


@pytest.mark.parametrize("arguments", _cases(EXPECTED_PROFILES, "*.json"))
def test_expected_profile(arguments: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = json.loads(arguments.read_text())
    expected = _normalise_keys(yaml.safe_load(arguments.with_suffix(".yaml").read_text()))
    # A cpulist of one CPU ("reserved: 0") reads as a YAML integer; the field is a string.
    cpu = expected["spec"]["cpu"]
    expected["spec"]["cpu"] = {key: str(value) for key, value in cpu.items()}
    assert main(creator_argv(args)) == 0
    out = capsys.readouterr().out
    assert out.startswith("---\n")
    ours = PerformanceProfile.model_validate(yaml.safe_load(out))
    theirs = PerformanceProfile.model_validate(expected)
    assert ours.model_dump(exclude_none=True) == theirs.model_dump(exclude_none=True)


@pytest.mark.parametrize("expected", _cases(EXPECTED_INFO, "*.json"))
def test_expected_info(expected: Path, capsys: pytest.CaptureFixture[str]) -> None:
    must_gather = MUST_GATHER / expected.stem
    if not must_gather.is_dir():
        pytest.skip(f"no must-gather input {must_gather} for {expected.name}")
    assert main(["info", "--json", f"--must-gather-dir-path={must_gather}"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(expected.read_text())
