"""``latency-test`` through the real CLI: usage errors, the skip variable, --local end to end.

The ``--local`` run is real: cyclictest and oslat from Debian's rt-tests measure this machine
for a few seconds (``hack/install-system-deps.sh`` installs them; the test skips without them).
The machine is busy, so the numbers are bad; the test checks the flow and the files, not values.
hwlatdetect needs the kernel's hwlat tracer; where it is missing the run reports it as skipped.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from nto.cli.main import main
from nto_performance.latency.local import hwlat_unavailable
from nto_performance.latency.parse import evaluate, parse_sections

TOOLS_PRESENT = all(shutil.which(tool) for tool in ("cyclictest", "oslat"))
ROOT = os.geteuid() == 0


@pytest.mark.parametrize(
    ("env", "argv", "message"),
    [
        ({"LATENCY_TEST_RUNTIME": "-1"}, ["--local"], "LATENCY_TEST_RUNTIME has incorrect value"),
        ({}, ["--local", "--cpus=0"], "--cpus has incorrect value '0'"),
        ({}, [], "--profile"),
    ],
    ids=["variable", "flag", "no-target"],
)
def test_usage_errors_exit_255_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    argv: list[str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["latency-test", *argv]) == 255
    err = capsys.readouterr().err
    assert err.startswith("Error: ")
    assert message in err
    assert "Run 'cluster-node-tuning-operator latency-test --help' for usage." in err


def test_latency_test_run_false_skips(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("LATENCY_TEST_RUN", "false")
    assert main(["latency-test", "--local", f"--artifacts-dir={tmp_path / 'out'}"]) == 0
    assert "latency test skipped" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(
    not TOOLS_PRESENT, reason="cyclictest/oslat missing: run hack/install-system-deps.sh"
)
@pytest.mark.skipif(not ROOT, reason="cyclictest and oslat need root for real-time priorities")
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs (main + measured)")
def test_local_run_measures_and_writes_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "results"
    code = main(
        [
            "latency-test",
            "--local",
            "--runtime=2",
            "--tools=oslat,cyclictest",
            "--maximum-latency=2147483647",
            "--output=json",
            f"--artifacts-dir={out}",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    document = json.loads(captured.out)
    assert [tool["tool"] for tool in document["tools"]] == ["oslat", "cyclictest"]
    for tool in document["tools"]:
        assert tool["status"] == "passed", tool["message"]
        assert tool["cpus"]
        assert all(cpu["samples"] > 0 for cpu in tool["cpus"])
    assert sorted(path.name for path in out.iterdir()) == [
        "junit.xml", "latency.svg", "raw.log", "results.json",
    ]  # fmt: skip
    assert (out / "latency.svg").read_text().startswith("<?xml")


@pytest.mark.skipif(not shutil.which("hwlatdetect"), reason="hwlatdetect missing (rt-tests)")
def test_local_hwlatdetect_runs_or_says_why_not(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    reason = hwlat_unavailable()
    code = main(
        ["latency-test", "--local", "--runtime=1", "--tools=hwlatdetect", "--artifacts-dir="]
    )
    out = capsys.readouterr().out
    if reason is not None or "SKIPPED" in out:
        assert "hwlatdetect: SKIPPED:" in out
        assert "hwlat tracer" in out or "root" in out
        pytest.skip(f"hwlatdetect cannot measure here: {reason or out.splitlines()[-1]}")
    assert code == 0
    assert "hwlatdetect: MEASURED:" in out


@pytest.mark.skipif(
    not TOOLS_PRESENT, reason="cyclictest/oslat missing: run hack/install-system-deps.sh"
)
@pytest.mark.skipif(not ROOT, reason="cyclictest needs root for real-time priorities")
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 CPUs (main + measured)")
def test_raw_output_is_what_the_cluster_side_reads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a test pod runs (``--local --output=raw``), read back as the cluster side reads it."""
    monkeypatch.chdir(tmp_path)  # the pod writes no files ('--artifacts-dir=')
    code = main(
        ["latency-test", "--local", "--runtime=1", "--tools=cyclictest", "--output=raw",
         "--artifacts-dir="]
    )  # fmt: skip
    raw = capsys.readouterr().out
    assert code == 0
    (section,) = parse_sections(raw)
    assert (section.tool, section.exit_code) == ("cyclictest", 0)
    assert section.cpus == tuple(sorted(os.sched_getaffinity(0)))[1:]
    result = evaluate(section, None)
    assert result.status == "measured", result.message
    assert [cpu.cpu for cpu in result.cpus] == list(section.cpus)
    assert list(tmp_path.iterdir()) == []
