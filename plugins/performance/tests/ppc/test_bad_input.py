"""Hostile and broken must-gathers: a clear message, exit code 1, nothing on stdout.

Each case starts from a valid synthetic must-gather (two identical worker-cnf nodes, a master
and a plain worker) and breaks one thing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from nto.testing import run_limited
from nto_performance.ppc import cli

from .conftest import CNF_LABELS, GATHER_DIR, INFRA_FILE, NODES_DIR, POOLS_DIR, write_tgz

MakeMustGather = Callable[..., Path]
SHAPE = {"cores": 4, "threads": 2}
NODES = {
    "w1": {"labels": CNF_LABELS, "machine": SHAPE},
    "w2": {"labels": CNF_LABELS, "machine": SHAPE},
    "m0": {"labels": {"node-role.kubernetes.io/master": ""}, "machine": {"cores": 2}},
    "p1": {"labels": {"node-role.kubernetes.io/worker": ""}, "machine": {"cores": 2}},
}
ARGS = [
    "--mcp-name=worker-cnf",
    "--reserved-cpu-count=2",
    "--rt-kernel",
    "--power-consumption-mode=low-latency",
]


def _snapshot(root: Path, node: str) -> Path:
    return root / GATHER_DIR / "nodes" / node / "sysinfo.tgz"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _truncate(root: Path) -> None:
    path = _snapshot(root, "w1")
    path.write_bytes(path.read_bytes()[:60])


def _dotdot(root: Path) -> None:
    write_tgz(_snapshot(root, "w1"), {"../../escape": "x", "sys/devices/system/cpu/offline": ""})


def _absolute(root: Path) -> None:
    write_tgz(_snapshot(root, "w1"), {"/etc/cron.d/evil": "x"})


def _link_out(root: Path) -> None:
    write_tgz(
        _snapshot(root, "w1"),
        {"sys/devices/system/cpu/offline": ""},
        links={"sys/devices/system/node/node0/cpu0": "../../../../../../etc/passwd"},
    )


def _absolute_link(root: Path) -> None:
    write_tgz(
        _snapshot(root, "w1"), {}, links={"sys/devices/system/cpu/cpu0/online": "/etc/passwd"}
    )


def _duplicate(root: Path) -> None:
    shutil.copytree(root / GATHER_DIR, root / "second-must-gather")


def _tainted(root: Path) -> None:
    for name in ("w1", "w2"):
        path = root / NODES_DIR / f"{name}.yaml"
        path.write_text(
            path.read_text().replace(
                "spec: {}",
                (
                    "spec:\n  taints:\n  - key: node-role.kubernetes.io/worker-cnf\n"
                    "    value: ''\n    effect: NoSchedule"
                ),
            )
        )


BREAKERS: list[tuple[str, Callable[[Path], object], str]] = [
    (
        "no-nodes-dir",
        lambda r: shutil.rmtree(r / NODES_DIR),
        "has no 'cluster-scoped-resources/core/nodes'",
    ),
    (
        "no-infrastructure",
        lambda r: (r / INFRA_FILE).unlink(),
        "has no 'cluster-scoped-resources/config.openshift.io/infrastructures/cluster.yaml'",
    ),
    (
        "no-pools",
        lambda r: shutil.rmtree(r / POOLS_DIR),
        "has no 'cluster-scoped-resources/machineconfiguration.openshift.io/machineconfigpools'",
    ),
    ("no-snapshots-dir", lambda r: shutil.rmtree(r / GATHER_DIR / "nodes"), "has no 'nodes'"),
    ("duplicated", _duplicate, "has 2 matches for 'cluster-scoped-resources/core/nodes'"),
    (
        "no-snapshot",
        lambda r: _snapshot(r, "w2").unlink(),
        "node 'w2' has no hardware snapshot: expected",
    ),
    ("truncated", _truncate, "is not a readable gzipped tar archive"),
    (
        "not-gzip",
        lambda r: _write(_snapshot(r, "w1"), b"PK\x03\x04 not a tarball"),
        "is not a readable gzipped tar archive",
    ),
    (
        "gzip-not-tar",
        lambda r: _write(_snapshot(r, "w1"), __import__("gzip").compress(b"x" * 600)),
        "is not a readable gzipped tar archive",
    ),
    ("dotdot-member", _dotdot, "member '../../escape' has an absolute or '..' path"),
    ("absolute-member", _absolute, "member '/etc/cron.d/evil' has an absolute or '..' path"),
    ("link-out", _link_out, "is a symbolic link to '../../../../../../etc/passwd' outside"),
    ("absolute-link", _absolute_link, "is a symbolic link to '/etc/passwd' outside"),
    (
        "empty-snapshot",
        lambda r: write_tgz(_snapshot(r, "w1"), {}),
        "has no sys/devices/system/cpu/cpuN entries",
    ),
    (
        "node-yaml-invalid",
        lambda r: (r / NODES_DIR / "w1.yaml").write_text("a: [b"),
        "w1.yaml' is not valid YAML",
    ),
    (
        "node-yaml-scalar",
        lambda r: (r / NODES_DIR / "w1.yaml").write_text("just text"),
        "w1.yaml' holds str, not a Node object",
    ),
    (
        "node-yaml-wrong-kind",
        lambda r: (r / NODES_DIR / "w1.yaml").write_text("kind: Pod"),
        "w1.yaml' is not a valid Node: kind:",
    ),
    (
        "pool-yaml-invalid",
        lambda r: (r / POOLS_DIR / "worker-cnf.yaml").write_text("{"),
        "worker-cnf.yaml' is not valid YAML",
    ),
    ("tainted", _tainted, "MachineConfigPool 'worker-cnf' has no nodes in the must-gather"),
]


@pytest.mark.parametrize(("breaker", "message"), [pytest.param(b, m, id=i) for i, b, m in BREAKERS])
def test_broken_must_gather(
    make_must_gather: MakeMustGather,
    capsys: pytest.CaptureFixture[str],
    breaker: Callable[[Path], object],
    message: str,
) -> None:
    root = make_must_gather(NODES)
    breaker(root)
    code = cli.main([f"--must-gather-dir-path={root}", *ARGS])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err.startswith("PPC: ")
    assert message in captured.err.splitlines()[-1]
    assert "Traceback" not in captured.err


def test_refused_archive_is_never_followed(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = make_must_gather(NODES)
    _dotdot(root)
    assert cli.main([f"--must-gather-dir-path={root}", *ARGS]) == 1
    assert not (root / GATHER_DIR / "nodes" / "escape").exists()
    assert not any(p.name == "escape" for p in tmp_path.rglob("*"))
    capsys.readouterr()


@pytest.mark.parametrize(
    ("nodes", "args", "message"),
    [
        (
            {"w1": NODES["w1"], "w2": {"labels": CNF_LABELS, "machine": {"cores": 8}}},
            ARGS,
            "targeted nodes differ: nodes 'w1' and 'w2': NUMA node 0 has 4 cores != 8",
        ),
        (
            {"w1": NODES["w1"], "w2": {**NODES["w2"], "arch": "arm64"}},
            ARGS,
            "targeted nodes differ: nodes 'w1' and 'w2': architecture 'amd64' != 'arm64'",
        ),
        (
            {"w1": NODES["w1"], "w2": {**NODES["w2"], "offline": [7]}},
            ARGS,
            "targeted nodes differ: nodes 'w1' and 'w2': NUMA node 0: core of CPU 3 has 2 "
            "threads != 1",
        ),
        (
            {"m0": NODES["m0"]},
            ARGS,
            "MachineConfigPool 'worker-cnf' has no nodes in the must-gather",
        ),
        (
            NODES,
            ["--mcp-name=gpu", *ARGS[1:]],
            "MachineConfigPool 'gpu' is not in the must-gather; pass --mcp-name with one of "
            "['master', 'worker', 'worker-cnf']",
        ),
        (
            {"x": {"labels": {**CNF_LABELS, "node-role.kubernetes.io/master": ""}}},
            ARGS,
            "node 'x' belongs to both the master pool and the custom pool 'worker-cnf'",
        ),
    ],
    ids=[
        "core-count",
        "architecture",
        "threads",
        "pool-without-nodes",
        "unknown-pool",
        "master-and-custom",
    ],
)
def test_selection_errors(
    make_must_gather: MakeMustGather,
    capsys: pytest.CaptureFixture[str],
    nodes: dict[str, dict[str, object]],
    args: list[str],
    message: str,
) -> None:
    root = make_must_gather(nodes)
    code = cli.main([f"--must-gather-dir-path={root}", *args])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert message in captured.err.splitlines()[-1]


def test_missing_must_gather_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main([f"--must-gather-dir-path={tmp_path / 'nope'}", *ARGS])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert "is not valid: no such directory" in captured.err


def test_only_the_targeted_nodes_snapshots_are_read(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_must_gather(NODES)
    _write(_snapshot(root, "m0"), b"garbage")
    _snapshot(root, "p1").unlink()
    assert cli.main([f"--must-gather-dir-path={root}", *ARGS]) == 0
    assert capsys.readouterr().out.startswith("---\n")


def test_broken_master_pool_is_tolerated(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_must_gather(NODES)
    (root / POOLS_DIR / "master.yaml").write_text("kind: [")
    assert cli.main([f"--must-gather-dir-path={root}", *ARGS]) == 0
    assert capsys.readouterr().out.startswith("---\n")


def test_info_reports_a_bad_snapshot(
    make_must_gather: MakeMustGather, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_must_gather(NODES)
    _link_out(root)
    code = cli.main(["info", f"--must-gather-dir-path={root}"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert "outside the archive" in captured.err


def _alias_bomb(levels: int) -> str:
    lines = ["apiVersion: v1", "kind: Node", "metadata:", "  name: w1", "  labels: {}", "extra:"]
    lines.append('  l0: &l0 "lol"')
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [6, 10])
def test_alias_bomb_in_must_gather_is_refused_fast(
    make_must_gather: MakeMustGather, levels: int
) -> None:
    root = make_must_gather(NODES)
    (root / NODES_DIR / "w1.yaml").write_text(_alias_bomb(levels))
    done = run_limited(
        ["-m", "nto", "performance-profile-creator", f"--must-gather-dir-path={root}", *ARGS],
        memory_bytes=1024 * 1024 * 1024,
        cpu_seconds=30,
    )
    assert (done.returncode, done.stdout) == (1, ""), done.stderr[-2000:]
    assert "w1.yaml' is not valid YAML" in done.stderr
    assert "excessive aliasing" in done.stderr
    assert "Traceback" not in done.stderr
