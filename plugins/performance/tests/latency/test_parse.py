"""Reading recorded rt-tests outputs (``data/``), and judging them against thresholds."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nto_performance.latency.parse import (
    Section,
    ToolOutputError,
    evaluate,
    parse_cyclictest,
    parse_hwlatdetect,
    parse_oslat,
    parse_sections,
    section_header,
)
from nto_performance.latency.results import CpuLatency

Recorded = Callable[[str], str]


def test_cyclictest_two_threads_map_to_the_measured_cpus(recorded: Recorded) -> None:
    cpus = parse_cyclictest(recorded("cyclictest-2cpu.txt"), [3, 4])
    assert [(cpu.cpu, cpu.min_us, cpu.avg_us, cpu.max_us) for cpu in cpus] == [
        (3, 11, 29.0, 1149),
        (4, 13, 38.0, 770),
    ]
    first = cpus[0]
    assert first.histogram_limit_us == 999
    assert first.overflow == 1  # the 1149 us sample is above the 1000-bucket histogram
    assert first.samples == 2998 + 1  # "# Total:" counts the histogram only, plus the overflow
    assert first.percentile(100.0) is None  # in the overflow: reported as ">999", not invented
    assert 11 <= (first.percentile(50.0) or 0) <= 1149


def test_cyclictest_one_thread(recorded: Recorded) -> None:
    (cpu,) = parse_cyclictest(recorded("cyclictest-1cpu.txt"), [1])
    assert cpu.cpu == 1
    assert cpu.max_us >= (cpu.percentile(99.0) or 0) >= (cpu.percentile(50.0) or 0) > 0


def test_oslat_reads_cores_buckets_and_overflows(recorded: Recorded) -> None:
    cpus = parse_oslat(recorded("oslat-2cpu.txt"))
    assert [(cpu.cpu, cpu.min_us, cpu.avg_us, cpu.max_us) for cpu in cpus] == [
        (0, 1, 1.001, 44062),
        (1, 1, 1.001, 52008),
    ]
    assert [cpu.overflow for cpu in cpus] == [10, 4]  # the "(including overflows)" bucket
    assert cpus[0].histogram_limit_us == 1023
    assert cpus[0].percentile(50.0) == 1


def test_oslat_one_core(recorded: Recorded) -> None:
    (cpu,) = parse_oslat(recorded("oslat-1cpu.txt"))
    assert cpu.cpu == 1


def test_hwlatdetect_samples_and_below_threshold(recorded: Recorded) -> None:
    (whole,) = parse_hwlatdetect(recorded("hwlatdetect-samples.txt"))
    assert (whole.cpu, whole.max_us, whole.samples) == (None, 17, 4)
    assert whole.histogram == {3: 3, 17: 1}
    (quiet,) = parse_hwlatdetect(recorded("hwlatdetect-below.txt"))
    assert (quiet.max_us, quiet.samples) == (0, 0)


@pytest.mark.parametrize(
    ("tool", "text", "message"),
    [
        ("cyclictest", "# /dev/cpu_dma_latency set to 0us\n", "no '# Max Latencies:'"),
        ("cyclictest", "# Max Latencies: 00010\n", "expected 2 values"),
        ("cyclictest", "# Max Latencies: 00010 x\n", "is not a count"),
        ("oslat", "oslat V 2.40\n", "no 'Core:' and 'Maximum:'"),
        ("oslat", "Core:\t 1 2\n    001 (us):\t 5\n", "expected 2 values"),
        ("hwlatdetect", "", "no 'Max Latency:' line"),
    ],
)
def test_malformed_output_is_an_error_naming_the_tool(tool: str, text: str, message: str) -> None:
    parse = {
        "cyclictest": lambda: parse_cyclictest(text, [1, 2]),
        "oslat": lambda: parse_oslat(text),
        "hwlatdetect": lambda: parse_hwlatdetect(text),
    }[tool]
    with pytest.raises(ToolOutputError) as raised:
        parse()
    assert str(raised.value).startswith(tool)
    assert message in str(raised.value)


def test_sections_round_trip_through_headers(recorded: Recorded) -> None:
    raw = (
        "noise before the first header\n"
        f"{section_header('oslat', [1, 2], 0)}\n{recorded('oslat-2cpu.txt')}"
        f"{section_header('hwlatdetect', [], None, 'needs root')}\n"
    )
    oslat, hwlat = parse_sections(raw)
    assert (oslat.tool, oslat.cpus, oslat.exit_code, oslat.reason) == ("oslat", (1, 2), 0, "")
    assert "Maximum:" in oslat.text
    assert (hwlat.tool, hwlat.exit_code, hwlat.reason) == ("hwlatdetect", None, "needs root")


def test_a_forged_header_is_refused() -> None:
    with pytest.raises(ToolOutputError, match="not a valid section header"):
        parse_sections("### nto-latency-test tool=oslat cpus=a exit=0\n")


@pytest.mark.parametrize(
    ("threshold", "status"),
    [(None, "measured"), (52008, "passed"), (52007, "failed")],
    ids=["report-only", "at-threshold", "above"],
)
def test_verdict_against_threshold(recorded: Recorded, threshold: int | None, status: str) -> None:
    section = Section("oslat", (0, 1), 0, recorded("oslat-2cpu.txt"))
    result = evaluate(section, threshold)
    assert result.status == status
    assert result.max_us == 52008
    assert "on CPU 1" in result.message


def test_evaluate_skips_errors_and_missing_tracer(recorded: Recorded) -> None:
    skipped = evaluate(Section("oslat", (), None, "", reason="needs 2 CPUs"), 10)
    assert (skipped.status, skipped.message) == ("skipped", "needs 2 CPUs")
    no_tracer = evaluate(Section("hwlatdetect", (), 1, recorded("hwlatdetect-no-tracer.txt")), 10)
    assert no_tracer.status == "skipped"
    assert "hwlat tracer" in no_tracer.message
    crashed = evaluate(
        Section("cyclictest", (1,), 255, "mlockall failed: Operation not permitted"), 10
    )
    assert crashed.status == "error"
    assert "exit code 255" in crashed.message
    assert "mlockall failed" in crashed.message
    timed_out = evaluate(Section("oslat", (), None, "pulling", failure="the pod timed out"), 10)
    assert timed_out.status == "error"
    assert timed_out.message == "the pod timed out; last output: pulling"
    above_hardlimit = evaluate(
        Section("hwlatdetect", (), 1, recorded("hwlatdetect-samples.txt")), 20
    )
    assert above_hardlimit.status == "passed"  # hwlatdetect's exit 1 is its own verdict


def test_percentiles_of_a_small_histogram() -> None:
    cpu = CpuLatency(
        cpu=0, max_us=2000, histogram={1: 50, 2: 40, 10: 9}, overflow=1, histogram_limit_us=999
    )
    assert [cpu.percentile(p) for p in (50.0, 90.0, 99.0, 99.9)] == [1, 2, 10, None]
