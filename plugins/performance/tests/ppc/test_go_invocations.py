"""Go invocations of ``performance-profile-creator``: exit code and output, row by row.

Rows run in a directory that holds a must-gather named ``must-gather`` (the Go default of
``--must-gather-dir-path``; the reference bare-metal one, else a synthetic one) unless
``gather`` is false. ``go`` is the Go binary's exit code when it differs (with the reason; see
docs/cli.md), or ``SKIP_GO``. The expectations were learned by running the Go binary;
`test_go_binary_agrees` re-checks the rows when it is present under ../shared/reference-bin.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from nto.testing import ReferenceBinaryMissing, unpack_reference_binary
from nto_performance.ppc import cli

from .conftest import CNF_LABELS, build_must_gather

SAME = -1
SKIP_GO = -2
SLOW = "reads every node snapshot: the Go binary takes 20-60 s on a busy machine (checked by hand)"
SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
REFERENCE_GATHER = SHARED / "reference" / "must-gather" / "must-gather.bare-metal"
WORKER = {"labels": CNF_LABELS, "machine": {"sockets": 2, "cores": 4, "threads": 2}}
CREATE = [
    "--mcp-name=worker-cnf",
    "--reserved-cpu-count=2",
    "--rt-kernel=true",
    "--power-consumption-mode=low-latency",
]


@dataclass(frozen=True)
class Row:
    id: str
    argv: list[str]
    code: int
    stream: str = "err"
    text: str = ""
    gather: bool = True
    go: int = SAME
    why: str = ""


ROWS = [
    Row(
        "default-must-gather-missing",
        CREATE,
        1,
        text="must-gather path 'must-gather' is not valid",
        gather=False,
    ),
    Row(
        "default-must-gather-used",
        CREATE,
        0,
        "out",
        "kind: PerformanceProfile",
        go=1,
        why="the Go binary checks the default directory but still marks the flag required for "
        "creating a profile; we use the default (every Go command line works the same here)",
    ),
    Row(
        "explicit-must-gather",
        ["--must-gather-dir-path=must-gather", *CREATE],
        0,
        "out",
        "kind: PerformanceProfile",
        go=SKIP_GO,
        why=SLOW,
    ),
    Row(
        "info-default-must-gather",
        ["info"],
        0,
        "out",
        "MCP 'worker-cnf' nodes:",
        go=SKIP_GO,
        why=SLOW,
    ),
    Row("bool-with-space", [*CREATE[:2], "--rt-kernel", "false"], 1, text="command 'false'"),
    Row(
        "bool-bare",
        ["--must-gather-dir-path=must-gather", *CREATE[:2], "--rt-kernel", CREATE[3]],
        0,
        go=SKIP_GO,
        why=SLOW,
    ),
    Row("bool-bad-value", [*CREATE[:2], "--rt-kernel=maybe"], 1, text="invalid boolean value"),
    Row("bad-int", ["--reserved-cpu-count=x"], 1, text="invalid int value: 'x'"),
    Row("missing-required", ["--mcp-name=worker-cnf"], 1, text="missing required flags"),
    Row("unknown-flag", ["--bogus"], 1, text="unknown flag: --bogus"),
    Row("no-klog-flags", ["--v=2"], 1, text="unknown flag: --v=2"),
    Row("no-kubeconfig-flag", ["--kubeconfig=x"], 1, text="unknown flag: --kubeconfig=x"),
    Row("unknown-command", ["bogus"], 1, text="unknown command 'bogus'"),
    Row("help-flag", ["--help"], 0, "out", "--must-gather-dir-path"),
    Row("help-command", ["help"], 0, "out", "--reserved-cpu-count"),
    Row(
        "help-without-must-gather",
        ["help"],
        0,
        "out",
        "--reserved-cpu-count",
        gather=False,
        go=1,
        why="the Go binary checks the must-gather before any command, even help",
    ),
    Row("completion-help", ["completion"], 0, "out", "bash"),
    Row("completion-bash", ["completion", "bash"], 0, "out", "complete -o default -F"),
    Row("completion-fish", ["completion", "fish"], 0, "out", "complete -c performance-profile"),
    Row(
        "completion-without-must-gather",
        ["completion", "zsh"],
        0,
        "out",
        "#compdef performance-profile-creator",
        gather=False,
        go=1,
        why="the Go binary checks the must-gather before any command, even completion",
    ),
    Row(
        "completion-unknown-shell",
        ["completion", "tcsh"],
        1,
        text="unknown shell 'tcsh'",
        go=0,
        why="cobra prints the completion help and exits 0; an error tells the script it failed",
    ),
]


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """Two working directories, shared by the rows (none writes): with and without a gather."""
    with_gather = tmp_path_factory.mktemp("with-gather")
    if REFERENCE_GATHER.is_dir():
        shutil.copytree(REFERENCE_GATHER, with_gather / "must-gather", symlinks=True)
    else:  # the Go binary cannot read synthetic snapshots; ours can
        build_must_gather(with_gather / "must-gather", {"w1": WORKER, "w2": WORKER})
    return {True: with_gather, False: tmp_path_factory.mktemp("without-gather")}


@pytest.fixture
def workspace(places: dict[bool, Path], request: pytest.FixtureRequest) -> Path:
    row: Row = request.node.callspec.params["row"]
    return places[row.gather]


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_invocation(
    row: Row,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(workspace)
    code = cli.main(row.argv)
    out, err = capsys.readouterr()
    assert code == row.code, err
    assert row.text in (out if row.stream == "out" else err)
    assert "Traceback" not in err
    if code != 0:
        assert out == ""


@pytest.fixture(scope="session")
def reference_ppc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return unpack_reference_binary(
            "performance-profile-creator", tmp_path_factory.mktemp("reference")
        )
    except ReferenceBinaryMissing as missing:
        pytest.skip(str(missing))


@pytest.mark.parametrize("row", [r for r in ROWS if r.go != SKIP_GO], ids=lambda row: row.id)
def test_go_binary_agrees(row: Row, workspace: Path, reference_ppc: Path) -> None:
    if row.gather and not REFERENCE_GATHER.is_dir():
        pytest.skip(f"the reference must-gather {REFERENCE_GATHER} is absent")
    result = subprocess.run(
        [str(reference_ppc), *row.argv],
        capture_output=True,
        timeout=60,
        check=False,
        cwd=workspace,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(workspace)},
    )
    expected = row.code if row.go == SAME else row.go
    assert result.returncode == expected, result.stderr.decode(errors="replace")[-2000:]
