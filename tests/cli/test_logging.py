"""klog flags and log format: headers, JSON, files, per-module levels, notices, no secrets."""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

import pytest

from nto.cli import main as cli_main
from nto.cli.klog import LogOptions, configure_logging
from nto.kube.config import load_connection

KLOG_LINE = re.compile(r"^([IWEF])(\d{4}) (\d{2}:\d{2}:\d{2}\.\d{6}) +(\d+) ([\w./-]+:\d+)\] (.*)$")
TOKEN = "sha256~Zm9vYmFyYmF6cXV4c2VjcmV0dG9rZW4"
log = logging.getLogger("nto.cli.probe")
NOTICE = "--one_output has no effect here: the log goes to one file, not one per severity"


def emit(options: LogOptions, capsys: pytest.CaptureFixture[str]) -> list[str]:
    configure_logging(options, program="nto-test")
    capsys.readouterr()
    log.debug("debug %d", 1)
    log.info("info %s", "two")
    log.warning("warning")
    log.error("error")
    return capsys.readouterr().err.splitlines()


def test_klog_header_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    lines = emit(LogOptions(), capsys)
    assert len(lines) == 3  # debug needs -v=2
    parsed = [KLOG_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [m.group(1) for m in parsed if m] == ["I", "W", "E"]
    first = parsed[0]
    assert first is not None
    assert int(first.group(4)) == os.getpid()
    assert first.group(5).startswith("test_logging.py:")
    assert first.group(6) == "info two"


def test_continuation_lines_of_a_record_are_indented(capsys: pytest.CaptureFixture[str]) -> None:
    """A multi-line message and a chained traceback (asyncio's 'error during closing of
    asynchronous generator' report has both) keep one header line per record: every other
    line starts with a tab, so a reader that splits the log on header lines never sees a
    stray unindented ``GeneratorExit`` or ``During handling ...`` line."""
    configure_logging(LogOptions(), program="nto-test")
    capsys.readouterr()
    try:
        try:
            raise GeneratorExit
        except GeneratorExit:
            raise RuntimeError("closing failed")  # noqa: B904 (the implicit chain is the point)
    except RuntimeError:
        log.exception("an error occurred\nasyncgen: <async_generator object watch>")
    lines = capsys.readouterr().err.splitlines()
    assert KLOG_LINE.match(lines[0]), lines
    assert lines[0].endswith("] an error occurred")
    assert len(lines) > 5
    assert all(line.startswith("\t") for line in lines[1:]), lines
    assert "\tasyncgen: <async_generator object watch>" in lines
    assert any("During handling of the above exception" in line for line in lines)


def test_skip_headers_and_add_dir_header(capsys: pytest.CaptureFixture[str]) -> None:
    assert emit(LogOptions(skip_headers=True), capsys) == ["info two", "warning", "error"]
    line = emit(LogOptions(add_dir_header=True), capsys)[0]
    assert " cli/test_logging.py:" in line


def test_verbosity_and_vmodule(capsys: pytest.CaptureFixture[str]) -> None:
    assert "debug 1" in emit(LogOptions(verbosity=2), capsys)[0]
    assert "debug 1" in emit(LogOptions(vmodule=(("test_log*", 2),)), capsys)[0]
    assert "debug 1" in emit(LogOptions(vmodule=(("nto.cli.*", 3),)), capsys)[0]
    assert "debug 1" not in emit(LogOptions(verbosity=4, vmodule=(("test_*", 0),)), capsys)[0]


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    lines = emit(LogOptions(logging_format="json"), capsys)
    documents = [json.loads(line) for line in lines]
    assert [d["level"] for d in documents] == ["info", "warning", "error"]
    assert documents[0]["msg"] == "info two"
    assert documents[0]["logger"] == "nto.cli.probe"
    assert documents[0]["caller"].startswith("test_logging.py:")


def test_log_file_and_stderr_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "nto.log"
    lines = emit(LogOptions(logtostderr=False, log_file=str(target)), capsys)
    assert [line.split("] ")[1] for line in lines] == ["error"]  # ERROR and up on stderr
    assert [line.split("] ")[1] for line in target.read_text().splitlines()] == [
        "info two",
        "warning",
        "error",
    ]
    lines = emit(LogOptions(logtostderr=False, log_dir=str(tmp_path), alsologtostderr=True), capsys)
    assert len(lines) == 3
    assert len((tmp_path / "nto-test.log").read_text().splitlines()) == 3


def test_log_file_max_size_starts_the_file_over(tmp_path: Path) -> None:
    target = tmp_path / "nto.log"
    target.write_text("x" * (1024 * 1024 + 10))
    configure_logging(
        LogOptions(logtostderr=False, log_file=str(target), log_file_max_size=1), program="t"
    )
    log.info("after the limit")
    assert target.read_text().endswith("] after the limit\n")
    assert target.stat().st_size < 200


def test_notices_for_flags_without_counterpart(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(LogOptions(one_output=True, log_backtrace_at="main.go:10"), program="t")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith("W")
    assert "--one_output has no effect" in err[0]
    assert "--log_backtrace_at=main.go:10 has no effect" in err[1]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_credentials_never_reach_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    kubeconfig = tmp_path / "kc"
    kubeconfig.write_text(
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        f"users: [{{name: u, user: {{token: '{TOKEN}', password: 'hunter2hunter2'}}}}]\n"
        "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n"
    )
    configure_logging(LogOptions(verbosity=10, logging_format=fmt), program="t")
    connection = load_connection({"KUBECONFIG": str(kubeconfig)})
    log.debug("connection %r", connection)
    log.debug("headers %s", {"Authorization": f"Bearer {TOKEN}"})
    log.debug("request Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==")
    log.info("token=%s other=1", "abcdef123456")
    try:
        raise RuntimeError(f"401 for token {TOKEN}")
    except RuntimeError:
        log.exception("call failed")
    err = capsys.readouterr().err
    for secret in (TOKEN, "hunter2hunter2", "dXNlcjpwYXNzd29yZDEyMw==", "abcdef123456"):
        assert secret not in err
    assert err.count("<redacted>") >= 6
    assert "other=1" in err


def test_cli_flags_reach_the_logging(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.log"
    argv = [
        "version",
        "--logtostderr=false",
        f"--log_file={target}",
        "--skip_headers",
        "--one_output",
        "--add_dir_header",
        "--skip_log_headers",
        "--log_file_max_size=5",
        "--stderrthreshold=WARNING",
        "--alsologtostderr=false",
        "--log_backtrace_at=:0",
        "--vmodule=main=2",
        "--v=1",
    ]
    assert cli_main.main(argv) == 0
    err = capsys.readouterr().err
    assert err == f"{NOTICE}\n"
    assert target.read_text() == err


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("--vmodule=x", "invalid --vmodule entry 'x'"),
        ("--vmodule=a=b", "invalid level 'b'"),
        ("--stderrthreshold=LOUD", "invalid severity 'LOUD'"),
        ("--log_file_max_size=-1", "invalid size '-1'"),
        ("--logging-format=xml", "invalid log format 'xml'"),
    ],
)
def test_bad_log_flags_are_usage_errors(
    flag: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main.main(["version", flag]) == 255
    assert message in capsys.readouterr().err
