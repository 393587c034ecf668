"""Every scenario of the reference render data renders; the default one matches in meaning.

Reads the read-only reference data (``../shared/reference/render``; skipped when absent). The
reference writes many serializer zero values (``cacheTTL: 0s``, ``logging``, ``status``); a file
matches "in meaning" when every field we write equals the reference's and every field only the
reference has is a zero value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

FOUR = ("kubeletconfig", "machineconfig", "runtimeclass", "tuned")
PINNING = "01_01-{}-cpu-partitioning_workload_pinning_machineconfig.yaml"
BASE = ["base/performance"]

SCENARIOS: dict[str, tuple[list[str], list[str], set[str]]] = {
    "default": (
        [*BASE, "manual-cluster/performance"],
        [],
        {f"manual_{kind}.yaml" for kind in FOUR},
    ),
    "pp-norps": (
        [*BASE, "manual-cluster/performance-norps"],
        [],
        {f"manual_{kind}.yaml" for kind in FOUR},
    ),
    "no-ref": (
        [*BASE, "manual-cluster/performance"],
        ["--owner-ref", "none"],
        {f"manual_{kind}.yaml" for kind in FOUR},
    ),
    "cpuFrequency": (
        [*BASE, "manual-cluster/cpuFrequency"],
        ["--owner-ref", "none"],
        {f"manual_{kind}.yaml" for kind in FOUR},
    ),
    "arm": (
        [*BASE, "manual-cluster/arm"],
        ["--owner-ref", "none"],
        {f"manual_{kind}.yaml" for kind in FOUR},
    ),
    "pinned": (["pinned-cluster/default"], [], {PINNING.format(p) for p in ("master", "worker")}),
    "pinned-legacy-sno": (
        ["pinned-cluster/single-node-legacy"],
        [],
        {PINNING.format(p) for p in ("master", "worker")},
    ),
    "bootstrap-no-mcp": (
        ["bootstrap-cluster/performance", "pinned-cluster/default"],
        [],
        {PINNING.format(p) for p in ("master", "worker")}
        | {f"openshift-bootstrap-{r}_{kind}.yaml" for r in ("master", "worker") for kind in FOUR},
    ),
    "bootstrap-extra-mcp": (
        ["bootstrap-cluster/performance", "pinned-cluster/default", "bootstrap-cluster/extra-mcp"],
        [],
        {PINNING.format(p) for p in ("master", "worker", "worker-cnf")}
        | {f"openshift-bootstrap-{r}_{kind}.yaml" for r in ("master", "worker") for kind in FOUR},
    ),
}


def render(
    run_cli: Callable[..., tuple[int, str]],
    reference: Path,
    out: Path,
    dirs: list[str],
    flags: list[str],
) -> dict[str, Any]:
    joined = ",".join(str(reference / "inputs" / d) for d in dirs)
    code, err = run_cli("--asset-input-dir", joined, "--asset-output-dir", str(out), *flags)
    assert code == 0, err
    return {p.name: yaml.safe_load(p.read_text()) for p in out.iterdir()}


@pytest.mark.parametrize(("dirs", "flags", "files"), list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_reference_scenario_renders(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    reference: Path,
    dirs: list[str],
    flags: list[str],
    files: set[str],
) -> None:
    rendered = render(run_cli, reference, tmp_path / "out", dirs, flags)
    assert set(rendered) == files
    owner_label = "performance.openshift.io/weak-owner-reference-name"
    for name, obj in rendered.items():
        labels = obj["metadata"].get("labels", {})
        if name.startswith("01_01-"):
            assert owner_label not in labels
        else:
            assert (owner_label in labels) is ("--owner-ref" not in flags), name


def is_zero(value: Any) -> bool:
    """A Go serializer zero value: null, empty, 0, "0", "0s", or a map/list of only those."""
    if isinstance(value, dict):
        return all(is_zero(v) for v in value.values())
    if isinstance(value, list):
        return all(is_zero(v) for v in value)
    return value in (None, "", 0, "0", "0s", False)


def meaning_differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        problems = [f"{path}.{k}: only in ours" for k in ours if k not in theirs]
        for key in theirs:
            if key in ours:
                problems += meaning_differences(ours[key], theirs[key], f"{path}.{key}")
            elif not is_zero(theirs[key]):
                problems.append(f"{path}.{key}: missing, reference has {theirs[key]!r}")
        return problems
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [
            p
            for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for p in meaning_differences(a, b, f"{path}[{i}]")
        ]
    return [] if ours == theirs else [f"{path}: ours {ours!r}, reference {theirs!r}"]


@pytest.mark.parametrize("kind", ["kubeletconfig", "runtimeclass"])
@pytest.mark.parametrize("via_env", [False, True], ids=["flags", "env"])
def test_default_matches_reference_in_meaning(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    reference: Path,
    kind: str,
    via_env: bool,
) -> None:
    out = tmp_path / "out"
    dirs = ",".join(str(reference / "inputs" / d) for d in (*BASE, "manual-cluster/performance"))
    if via_env:
        env = {"ASSET_INPUT_DIR": dirs, "ASSET_OUTPUT_DIR": str(out)}
        code, err = run_cli(env=env)
    else:
        code, err = run_cli("--asset-input-dir", dirs, "--asset-output-dir", str(out))
    assert code == 0, err
    ours = yaml.safe_load((out / f"manual_{kind}.yaml").read_text())
    theirs = yaml.safe_load((reference / "expected/default" / f"manual_{kind}.yaml").read_text())
    assert meaning_differences(ours, theirs) == []


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        pytest.param({"a": 1}, {"a": 1, "b": {"c": "0s"}}, [], id="zero-ignored"),
        pytest.param({"a": 1}, {"a": 1, "b": "x"}, [".b: missing, reference has 'x'"], id="miss"),
        pytest.param({"a": 1, "z": 2}, {"a": 1}, [".z: only in ours"], id="extra"),
        pytest.param({"a": [1]}, {"a": [2]}, [".a[0]: ours 1, reference 2"], id="list"),
    ],
)
def test_meaning_comparison_can_fail(ours: Any, theirs: Any, expected: list[str]) -> None:
    assert meaning_differences(ours, theirs) == expected


def test_no_rps_annotation_renders_like_default(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    reference: Path,
) -> None:
    default = render(run_cli, reference, tmp_path / "a", [*BASE, "manual-cluster/performance"], [])
    norps = render(
        run_cli, reference, tmp_path / "b", [*BASE, "manual-cluster/performance-norps"], []
    )
    assert norps == default
