"""Every failure of the render command: a clear message, a non-zero exit, an untouched output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

POOL = """\
apiVersion: machineconfiguration.openshift.io/v1
kind: MachineConfigPool
metadata: {{name: {name}}}
spec:
  nodeSelector: {{matchLabels: {{node-role.kubernetes.io/worker-rt: ""}}}}
"""
PROFILE = """\
apiVersion: performance.openshift.io/{version}
kind: PerformanceProfile
metadata: {{name: edge}}
spec:
  cpu: {{reserved: "0-1", isolated: "2-7"}}
  nodeSelector: {{node-role.kubernetes.io/worker-rt: ""}}
"""


def write_inputs(directory: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return str(directory)


CASES = {
    "no-mcp-matches": (
        {"p.yaml": PROFILE.format(version="v2")},
        ["no MCP found that matches performance profile node selector", "worker-rt", "'edge'"],
    ),
    "two-mcps-match": (
        {
            "p.yaml": PROFILE.format(version="v2"),
            "a.yaml": POOL.format(name="rt-a"),
            "b.yaml": POOL.format(name="rt-b"),
        },
        ["more than one MCP found", "'rt-a', 'rt-b'"],
    ),
    "unparsable-yaml": (
        {"good.yaml": POOL.format(name="rt"), "sub/bad.yaml": "kind: x\nspec: [unclosed\nfoo: 1\n"},
        ["bad.yaml", "line 3", "fix the YAML"],
    ),
    "invalid-profile-field": (
        {"p.yaml": PROFILE.format(version="v2").replace("reserved", "reserve")},
        ["PerformanceProfile 'edge'", "p.yaml (document 1)", "spec.cpu.reserve", "unknown field"],
    ),
    "profile-defined-twice": (
        {
            "a.yaml": PROFILE.format(version="v2"),
            "b.yaml": PROFILE.format(version="v2"),
            "pool.yaml": POOL.format(name="rt"),
        },
        ["'edge' is defined twice", "a.yaml", "b.yaml"],
    ),
    "bad-experimental-annotation": (
        {
            "p.yaml": PROFILE.format(version="v2").replace(
                "metadata: {name: edge}",
                "metadata: {name: edge, annotations: {kubeletconfig.experimental: '{oops'}}",
            ),
            "pool.yaml": POOL.format(name="rt"),
        },
        ["cannot render PerformanceProfile 'edge'", "kubeletconfig.experimental", "not valid JSON"],
    ),
}


@pytest.mark.parametrize(("files", "needles"), list(CASES.values()), ids=list(CASES))
def test_failure_leaves_output_untouched(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    tree: Callable[[Path], dict[str, Any]],
    files: dict[str, str],
    needles: list[str],
) -> None:
    source = write_inputs(tmp_path / "in", files)
    out = tmp_path / "out"
    out.mkdir()
    (out / "edge_tuned.yaml").write_text("previous run\n")
    before = tree(out)
    code, err = run_cli("--asset-input-dir", source, "--asset-output-dir", str(out))
    assert code != 0
    for needle in needles:
        assert needle in err
    assert "Traceback" not in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # no staging left


def test_missing_uid_with_k8s_owner_ref(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    inputs: Callable[..., str],
) -> None:
    out = tmp_path / "out"
    dirs = inputs("pools/worker-rt", "profiles/edge")
    code, err = run_cli(
        "--asset-input-dir", dirs, "--asset-output-dir", str(out), "--owner-ref", "k8s"
    )
    assert code == 255  # klog.Fatal in the reference
    assert "Missing UID from performance profile 'edge'" in err
    assert not out.exists()


def test_v1_profile_is_skipped_with_reason(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
) -> None:
    source = write_inputs(
        tmp_path / "in",
        {"old.yaml": PROFILE.format(version="v1"), "pool.yaml": POOL.format(name="rt")},
    )
    out = tmp_path / "out"
    code, err = run_cli("--asset-input-dir", source, "--asset-output-dir", str(out))
    assert code == 0
    assert "skipping PerformanceProfile 'edge'" in err
    assert "performance.openshift.io/v1" in err
    assert "convert it to v2" in err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "make_target",
    [
        pytest.param(lambda tmp: tmp / "file" / "out", id="parent-is-a-file"),
        pytest.param(lambda tmp: tmp / "file", id="target-is-a-file"),
    ],
)
def test_unwritable_output(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    tree: Callable[[Path], dict[str, Any]],
    inputs: Callable[..., str],
    make_target: Callable[[Path], Path],
) -> None:
    (tmp_path / "file").write_text("keep\n")
    before = tree(tmp_path)
    target = make_target(tmp_path)
    dirs = inputs("pools/worker-rt", "profiles/edge")
    code, err = run_cli("--asset-input-dir", dirs, "--asset-output-dir", str(target))
    assert code == 255  # klog.Fatal in the reference
    assert str(target.name) in err
    assert "--asset-output-dir" in err or "nothing was written" in err
    assert tree(tmp_path) == before


def test_read_only_directory(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    tree: Callable[[Path], dict[str, Any]],
    inputs: Callable[..., str],
) -> None:
    import os

    if os.geteuid() == 0:
        pytest.skip("root writes into read-only directories; covered by the monkeypatched test")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.yaml").write_text("x: 1\n")
    before = tree(out)
    out.chmod(0o555)
    tmp_path.chmod(0o555)
    try:
        dirs = inputs("pools/worker-rt", "profiles/edge")
        code, err = run_cli("--asset-input-dir", dirs, "--asset-output-dir", str(out))
    finally:
        tmp_path.chmod(0o755)
        out.chmod(0o755)
    assert code == 255  # klog.Fatal in the reference
    assert "nothing was written" in err
    assert tree(out) == before


@pytest.mark.parametrize(
    ("argv", "env", "needle"),
    [
        pytest.param([], {}, "--asset-output-dir is required", id="no-output"),
        pytest.param(["--owner-ref", "weak"], {}, "unsupported owner reference 'weak'", id="owner"),
        pytest.param([], {"OWNER_REF": "K8S"}, "unsupported owner reference 'K8S'", id="env-owner"),
        pytest.param(["--asset-input-dir", ","], {}, "names no directory", id="empty-inputs"),
        pytest.param(
            ["--asset-input-dir", "/nonexistent/nto"],
            {},
            "'/nonexistent/nto' does not exist",
            id="missing",
        ),
    ],
)
def test_bad_settings(
    tmp_path: Path,
    run_cli: Callable[..., tuple[int, str]],
    argv: list[str],
    env: dict[str, str],
    needle: str,
) -> None:
    output = [] if not argv and not env else ["--asset-output-dir", str(tmp_path / "out")]
    code, err = run_cli(*argv, *output, env=env)
    assert code == 255  # klog.Fatal in the reference
    assert needle in err
    assert not (tmp_path / "out").exists()
