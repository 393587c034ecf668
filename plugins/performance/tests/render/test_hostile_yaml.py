"""Hostile YAML given to ``render``: alias bombs, deep nesting and huge scalars get a clear
error, exit code 1 and no output, within a memory and CPU ceiling (a regression fails, not hangs).

The 973-byte PerformanceProfile of the issue carried its bomb under an unknown field, so the
validation error path formatted the whole expanded value (17 s and 684 MB at 9 levels).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nto.testing import run_limited

POOL = """\
apiVersion: machineconfiguration.openshift.io/v1
kind: MachineConfigPool
metadata: {name: worker-rt}
spec:
  nodeSelector: {matchLabels: {node-role.kubernetes.io/worker-rt: ""}}
"""


def alias_bomb(levels: int, width: int = 9) -> str:
    """Anchors of `width` aliases to the previous one: width**levels nodes once expanded."""
    lines = ['    l0: &l0 "lol"']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"    l{level}: &l{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def profile(extra: str) -> str:
    return (
        "apiVersion: performance.openshift.io/v2\n"
        "kind: PerformanceProfile\n"
        "metadata: {name: edge}\n"
        "spec:\n"
        '  cpu: {reserved: "0-1", isolated: "2-7"}\n'
        '  nodeSelector: {node-role.kubernetes.io/worker-rt: ""}\n'
        f"{extra}"
    )


def nested(depth: int) -> str:
    return (
        "  unknownField:\n"
        + "".join(f"{'  ' * (i + 2)}k{i}:\n" for i in range(depth))
        + ("  " * (depth + 2) + "x: 1\n")
    )


CASES = {
    "bomb-5-levels": (profile("  unknownField:\n" + alias_bomb(5)), "excessive aliasing"),
    "bomb-7-levels": (profile("  unknownField:\n" + alias_bomb(7)), "excessive aliasing"),
    "bomb-10-levels": (profile("  unknownField:\n" + alias_bomb(10)), "excessive aliasing"),
    "bomb-in-known-field": (
        profile("  additionalKernelArgs: *l9\n").replace(
            "spec:\n", "spec:\n  unknownField:\n" + alias_bomb(9).replace("    ", "    ", 1), 1
        ),
        "excessive aliasing",
    ),
    "deep-nesting": (profile(nested(400)), "levels deep"),
    "huge-scalar": (profile(f"  unknownField: {'x' * (4 * 1024 * 1024)}\n"), "limit is 3145728"),
}


@pytest.mark.parametrize(("text", "needle"), list(CASES.values()), ids=list(CASES))
def test_hostile_profile_is_refused_fast(tmp_path: Path, text: str, needle: str) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "pool.yaml").write_text(POOL)
    (source / "profile.yaml").write_text(text)
    out = tmp_path / "out"
    done = run_limited(
        ["-m", "nto", "render", "--asset-input-dir", str(source), "--asset-output-dir", str(out)],
        memory_bytes=1024 * 1024 * 1024,
        cpu_seconds=30,
    )
    assert done.returncode == 255, done.stderr[-2000:]  # klog.Fatal, as the Go binary
    assert needle in done.stderr
    assert "profile.yaml" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr) < 4000  # error messages quote a bounded excerpt
    assert not out.exists()


def test_small_aliases_still_work(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "pool.yaml").write_text(POOL)
    text = (
        profile("").replace("spec:\n", "spec:\n  globallyDisableIrqLoadBalancing: &off false\n", 1)
        + "  realTimeKernel: {enabled: *off}\n"
    )
    (source / "profile.yaml").write_text(text)
    out = tmp_path / "out"
    done = run_limited(
        ["-m", "nto", "render", "--asset-input-dir", str(source), "--asset-output-dir", str(out)],
        memory_bytes=1024 * 1024 * 1024,
        cpu_seconds=30,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert any(out.iterdir())
