"""Go invocations of ``cluster-node-tuning-operator``: exit code and output, row by row.

Each row is a command line an installer or script runs against the Go binary, with the exit
code and a piece of output we give. ``go`` is the Go binary's exit code when it differs from
ours (the reason is in the row and in docs/cli.md), or ``SKIP_GO`` when the row cannot run the
Go binary here. The expectations were learned by running the Go binary (commit d2394aa8); when
it is present under ../shared/reference-bin, `test_go_binary_agrees` re-checks every row.
Placeholders: ``{out}`` a fresh output directory, ``{empty}`` an empty input directory,
``{tmp}`` the test's temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nto.cli import main as cli_main

SAME = -1
SKIP_GO = -2
ALL_KLOG = [
    "--add_dir_header",
    "--alsologtostderr=false",
    "--log_backtrace_at=main.go:1",
    "--log_dir={tmp}",
    "--log_file={tmp}/klog.log",
    "--log_file_max_size=10",
    "--logtostderr=true",
    "--one_output=false",
    "--skip_headers=false",
    "--skip_log_headers",
    "--stderrthreshold=2",
    "--v=2",
    "--vmodule=render=4",
]
RENDER = ["render", "--asset-input-dir", "{empty}", "--asset-output-dir", "{out}"]


@dataclass(frozen=True)
class Row:
    id: str
    argv: list[str]
    code: int
    stream: str = "err"
    text: str = ""
    env: dict[str, str] = field(default_factory=dict)
    go: int = SAME
    why: str = ""


ROWS = [
    Row("unknown-command", ["bogus"], 255, text="Error: unknown command 'bogus'"),
    Row("unknown-root-flag", ["--bogus"], 255, text="Error: unknown flag: --bogus"),
    Row("unknown-render-flag", ["render", "--bogus"], 255, text="unknown flag: --bogus"),
    Row("render-hint-names-command", ["render", "--x"], 255, text="render --help' for usage"),
    Row("bad-verbosity", ["render", "-v=x"], 255, text="invalid int value: 'x'"),
    Row("bad-verbosity-long", ["render", "--v=x"], 255, text="invalid int value: 'x'"),
    Row("verbosity-needs-value", ["render", "--v"], 255, text="expected one argument"),
    Row("bad-vmodule", ["render", "--vmodule=x"], 255, text="invalid --vmodule entry 'x'"),
    Row("bool-takes-equals", ["render", "--rt-kernel", "false"], 255, text="unknown flag"),
    Row("render-no-output", ["render"], 255, text="--asset-output-dir is required"),
    Row(
        "render-missing-input",
        ["render", "--asset-input-dir", "/nonexistent/nto", "--asset-output-dir", "{out}"],
        255,
        text="'/nonexistent/nto' does not exist",
    ),
    Row(
        "render-bad-owner-ref",
        [*RENDER, "--owner-ref", "bogus"],
        255,
        text="unsupported owner reference 'bogus'",
    ),
    Row("render-creates-parents", [*RENDER[:-1], "{out}/a/b"], 0),
    Row("render-ignores-kubeconfig", [*RENDER, "--kubeconfig=/nonexistent/kc"], 0),
    Row("render-takes-every-klog-flag", [*RENDER, *ALL_KLOG], 0),
    Row(
        "render-flag-wins-over-env",
        [*RENDER, "--owner-ref=none"],
        0,
        env={"ASSET_INPUT_DIR": "/nonexistent/nto", "OWNER_REF": "bogus"},
    ),
    Row(
        "render-env-without-flag",
        ["render", "--asset-output-dir", "{out}"],
        255,
        text="'/nonexistent/nto' does not exist",
        env={"ASSET_INPUT_DIR": "/nonexistent/nto"},
    ),
    Row(
        "render-output-from-env",
        ["render", "--asset-input-dir", "{empty}"],
        0,
        env={"ASSET_OUTPUT_DIR": "{out}"},
    ),
    Row(
        "operand-needs-one-shot",
        ["ocp-tuned", "--in-cluster=false"],
        255,
        text="only supported with --one-shot=true",
    ),
    Row(
        "operand-bool-space",
        ["ocp-tuned", "--one-shot", "false"],
        255,
        text="boolean flags take their value after '='",
        why="Go takes 'false' as an ignored argument, sets --one-shot=true and then refuses "
        "the flag combination: same exit code, our message names the real mistake",
    ),
    Row("bootcmd-needs-flags", ["render-bootcmd-mc"], 255, text="required"),
    Row("help-command", ["help", "render"], 0, "out", "--asset-output-dir"),
    Row("help-flag", ["render", "--help"], 0, "out", "--owner-ref"),
    Row("help-unknown-topic", ["help", "bogus"], 0, text="Unknown help topic 'bogus'"),
    Row("completion-help", ["completion"], 0, "out", "bash"),
    Row("completion-bash", ["completion", "bash"], 0, "out", "complete -o default -F"),
    Row("completion-zsh", ["completion", "zsh"], 0, "out", "#compdef cluster-node-tuning"),
    Row("completion-fish", ["completion", "fish"], 0, "out", "complete -c cluster-node-tuning"),
    Row("completion-powershell", ["completion", "powershell"], 0, "out", "Register-Argument"),
    Row(
        "completion-unknown-shell",
        ["completion", "tcsh"],
        255,
        text="invalid choice: 'tcsh'",
        go=0,
        why="cobra prints the completion help and exits 0; an error tells the script it failed",
    ),
    Row("version-flag", ["--version"], 0, "out", "cluster-node-tuning-operator "),
    Row(
        "version-command",
        ["version"],
        0,
        "out",
        "Version: ",
        go=255,
        why="an addition: the Go binary has only --version (which prints klog lines to stderr)",
    ),
]


def _fill(text: str, tmp: Path) -> str:
    return text.format(out=tmp / "out", empty=tmp / "empty", tmp=tmp)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "empty").mkdir()
    return tmp_path


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_invocation(
    row: Row,
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("ASSET_INPUT_DIR", "ASSET_OUTPUT_DIR", "OWNER_REF", "KUBECONFIG"):
        monkeypatch.setenv(name, "")
    for name, value in row.env.items():
        monkeypatch.setenv(name, _fill(value, workspace))
    code = cli_main.main([_fill(arg, workspace) for arg in row.argv])
    out, err = capsys.readouterr()
    assert code == row.code, err
    assert row.text in (out if row.stream == "out" else err)
    assert "Traceback" not in err
    if row.id == "render-creates-parents":
        assert (workspace / "out" / "a" / "b").is_dir()
    if row.code == 0 and any("{out}" in text for text in [*row.argv, *row.env.values()]):
        assert (workspace / "out").is_dir()


def test_usage_error_exit_code_of_the_process(tmp_path: Path) -> None:
    """The real process exits 255 (not argparse's 2) and prints no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "nto", "render", "--bogus"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 255
    assert result.stderr.startswith("Error: unknown flag: --bogus\n")


def test_operator_without_kubeconfig_exits_1(tmp_path: Path) -> None:
    """Like the Go operator's GetConfigOrDie: a kubeconfig that does not exist exits 1."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nto",
            f"--kubeconfig={tmp_path / 'missing'}",
            "--webhook-port=0",
            "--metrics-port=0",
            "--metrics-insecure",
            "--enable-leader-election=false",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "KUBECONFIG": ""},
    )
    assert result.returncode == 1, result.stderr
    assert f"'{tmp_path / 'missing'}' (from --kubeconfig or KUBECONFIG) does not exist" in (
        result.stderr
    )


@pytest.mark.parametrize("row", [r for r in ROWS if r.go != SKIP_GO], ids=lambda row: row.id)
def test_go_binary_agrees(row: Row, reference_nto: Path, workspace: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workspace)}
    env.update({name: _fill(value, workspace) for name, value in row.env.items()})
    result = subprocess.run(
        [str(reference_nto), *(_fill(arg, workspace) for arg in row.argv)],
        capture_output=True,
        timeout=60,
        check=False,
        env=env,
        cwd=workspace,
    )
    expected = row.code if row.go == SAME else row.go
    assert result.returncode == expected, result.stderr.decode(errors="replace")[-2000:]
    if row.id == "render-creates-parents":
        assert (workspace / "out" / "a" / "b").is_dir()
