"""Reading what the rt-tests tools print (version 2.x, Debian's ``rt-tests``) into `results`.

- cyclictest with ``-q -h LIMIT``: a ``# Histogram`` table (one row per microsecond, one column
  per thread), then ``# Min/Avg/Max Latencies:`` and ``# Histogram Overflows:`` rows. Thread *i*
  runs on the *i*-th measured CPU (we start exactly one thread per CPU with ``-a``).
- oslat: ``Core:`` names the CPUs, ``NNN (us):`` rows hold one count per CPU, the last row
  includes the overflows; ``Minimum:``, ``Average:``, ``Maximum:`` rows.
- hwlatdetect: ``Max Latency: Nus`` (or ``Below threshold``), ``Samples recorded: N`` and one
  ``ts: ..., inner:N, outer:N`` line per sample; not per CPU.

A run's raw output, as ``--local --output=raw`` prints it and a test pod logs it, is one section
per tool, each opened by a ``### nto-latency-test`` header line that records the tool, its CPUs
and its exit code. Malformed output raises `ToolOutputError` naming the tool and the line. Pure.
Neighbours: `nto_performance.latency.results`, `.local`, `.cluster`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nto_performance.latency.results import CpuLatency, ToolResult, verdict

__all__ = [
    "HEADER",
    "Section",
    "ToolOutputError",
    "evaluate",
    "parse_cyclictest",
    "parse_hwlatdetect",
    "parse_oslat",
    "parse_sections",
    "parse_tool",
    "section_header",
]

HEADER = "### nto-latency-test"
MAX_LINES = 200_000
"""Longer output is not what the tools print for the histogram sizes we ask for."""


class ToolOutputError(ValueError):
    """A tool's output cannot be read: it is cut short, from another version, or not its own."""


@dataclass(frozen=True, slots=True)
class Section:
    """One tool's raw output and what its header says about the run."""

    tool: str
    cpus: tuple[int, ...]
    exit_code: int | None
    text: str
    reason: str = ""
    """Why the tool did not run (empty when it ran)."""
    failure: str = ""
    """Why the run produced no output of the tool (its pod failed or timed out)."""


def section_header(tool: str, cpus: Sequence[int], exit_code: int | None, reason: str = "") -> str:
    """The header line of one tool's section (``reason``: why it did not run)."""
    cpu_list = ",".join(str(cpu) for cpu in cpus) or "-"
    code = "-" if exit_code is None else str(exit_code)
    line = f"{HEADER} tool={tool} cpus={cpu_list} exit={code}"
    return f"{line} skipped={reason.replace(chr(10), ' ')}" if reason else line


_HEADER_LINE = re.compile(
    rf"^{re.escape(HEADER)} tool=(?P<tool>\w+) cpus=(?P<cpus>[0-9,]+|-) "
    r"exit=(?P<exit>-?[0-9]+|-)(?: skipped=(?P<reason>.*))?$"
)


def parse_sections(text: str) -> list[Section]:
    """Split raw output into sections; text before the first header is ignored."""
    sections: list[Section] = []
    current: dict[str, object] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            sections.append(Section(**current, text="\n".join(body) + "\n"))  # type: ignore[arg-type]

    for number, line in enumerate(text.splitlines(), start=1):
        if number > MAX_LINES:
            raise ToolOutputError(f"the output has more than {MAX_LINES} lines; it is not ours")
        if not line.startswith(HEADER):
            body.append(line)
            continue
        match = _HEADER_LINE.match(line.rstrip())
        if match is None:
            raise ToolOutputError(f"line {number} is not a valid section header: {line[:200]!r}")
        close()
        body = []
        cpus = match["cpus"]
        current = {
            "tool": match["tool"],
            "cpus": () if cpus == "-" else tuple(int(cpu) for cpu in cpus.split(",") if cpu),
            "exit_code": None if match["exit"] == "-" else int(match["exit"]),
            "reason": match["reason"] or "",
        }
    close()
    return sections


def _numbers(tool: str, line: str, text: str, *, count: int) -> list[str]:
    values = text.split()
    if len(values) != count:
        raise ToolOutputError(
            f"{tool}: expected {count} values in {line[:200]!r}, found {len(values)}"
        )
    return values


def _int(tool: str, line: str, value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise ToolOutputError(f"{tool}: {value!r} in {line[:200]!r} is not a count")
    return int(value)


def _float(tool: str, line: str, value: str) -> float:
    try:
        return float(value)
    except ValueError as error:
        raise ToolOutputError(f"{tool}: {value!r} in {line[:200]!r} is not a number") from error


def parse_cyclictest(text: str, cpus: Sequence[int]) -> list[CpuLatency]:
    """Per-CPU results of ``cyclictest -q -h LIMIT -t N -a CPUS`` (thread i on ``cpus[i]``)."""
    tool = "cyclictest"
    threads = len(cpus)
    histograms: list[dict[int, int]] = [{} for _ in cpus]
    limit: int | None = None
    rows: dict[str, list[str]] = {}
    for line in text.splitlines()[:MAX_LINES]:
        if line.startswith("# ") and ":" in line:
            key, _, rest = line[2:].partition(":")
            if key in ("Min Latencies", "Avg Latencies", "Max Latencies", "Histogram Overflows"):
                rows[key] = _numbers(tool, line, rest, count=threads)
            continue
        fields = line.split()
        if len(fields) == threads + 1 and fields[0].isdigit():
            bucket = _int(tool, line, fields[0])
            limit = bucket if limit is None else max(limit, bucket)
            for index, value in enumerate(fields[1:]):
                count = _int(tool, line, value)
                if count:
                    histograms[index][bucket] = count
    if "Max Latencies" not in rows:
        raise ToolOutputError(
            f"{tool}: no '# Max Latencies:' line with {threads} values; the run was cut short "
            "or was not started with -q and one thread per CPU"
        )
    overflows = rows.get("Histogram Overflows", ["0"] * threads)
    return [
        CpuLatency(
            cpu=cpu,
            max_us=_int(tool, "# Max Latencies", rows["Max Latencies"][index]),
            min_us=(
                _int(tool, "# Min Latencies", rows["Min Latencies"][index])
                if "Min Latencies" in rows
                else None
            ),
            avg_us=(
                _float(tool, "# Avg Latencies", rows["Avg Latencies"][index])
                if "Avg Latencies" in rows
                else None
            ),
            histogram=histograms[index],
            overflow=_int(tool, "# Histogram Overflows", overflows[index]),
            histogram_limit_us=limit,
        )
        for index, cpu in enumerate(cpus)
    ]


_OSLAT_BUCKET = re.compile(
    r"^\s*(?P<bucket>[0-9]+) \(us\):(?P<counts>[\s0-9]*?)(?P<over> \(including overflows\))?\s*$"
)


def _oslat_row(line: str) -> str | None:
    key, sep, _ = line.partition(":")
    if not sep:
        return None
    return key.strip() if key.strip() in ("Core", "Minimum", "Average", "Maximum") else None


def parse_oslat(text: str) -> list[CpuLatency]:
    """Per-CPU results of oslat (the CPUs come from its ``Core:`` line)."""
    tool = "oslat"
    cores: list[int] | None = None
    rows: dict[str, list[str]] = {}
    buckets: list[tuple[int, list[int], bool]] = []
    for line in text.splitlines()[:MAX_LINES]:
        key = _oslat_row(line)
        if key == "Core":
            cores = [_int(tool, line, value) for value in line.partition(":")[2].split()]
            continue
        if cores is None:
            continue
        match = _OSLAT_BUCKET.match(line)
        if match is not None:
            counts = [
                _int(tool, line, value)
                for value in _numbers(tool, line, match["counts"], count=len(cores))
            ]
            buckets.append((_int(tool, line, match["bucket"]), counts, bool(match["over"])))
        elif key is not None:
            values = line.partition(":")[2].replace("(us)", "")
            rows[key] = _numbers(tool, line, values, count=len(cores))
    if cores is None or "Maximum" not in rows:
        raise ToolOutputError(
            f"{tool}: no 'Core:' and 'Maximum:' lines; the run was cut short or failed "
            "(its error is above the histogram, if any)"
        )
    regular = [bucket for bucket in buckets if not bucket[2]]
    overflow_rows = [bucket for bucket in buckets if bucket[2]]
    limit = max((bucket for bucket, _, _ in regular), default=None)
    results = []
    for index, cpu in enumerate(cores):
        histogram = {bucket: counts[index] for bucket, counts, _ in regular if counts[index]}
        results.append(
            CpuLatency(
                cpu=cpu,
                max_us=_int(tool, "Maximum:", rows["Maximum"][index]),
                min_us=_int(tool, "Minimum:", rows["Minimum"][index])
                if "Minimum" in rows
                else None,
                avg_us=(
                    _float(tool, "Average:", rows["Average"][index]) if "Average" in rows else None
                ),
                histogram=histogram,
                overflow=sum(counts[index] for _, counts, _ in overflow_rows),
                histogram_limit_us=limit,
            )
        )
    return results


_HWLAT_SAMPLE = re.compile(r"^ts: \S+, inner:(?P<inner>[0-9]+), outer:(?P<outer>[0-9]+)\s*$")
_HWLAT_MAX = re.compile(r"^Max Latency: (?:(?P<us>[0-9]+)us|Below threshold)\s*$")


def parse_hwlatdetect(text: str) -> list[CpuLatency]:
    """hwlatdetect's result as one whole-machine entry (its samples are not per CPU)."""
    tool = "hwlatdetect"
    maximum: int | None = None
    histogram: dict[int, int] = {}
    for line in text.splitlines()[:MAX_LINES]:
        if (match := _HWLAT_MAX.match(line)) is not None:
            maximum = _int(tool, line, match["us"]) if match["us"] else 0
        elif (match := _HWLAT_SAMPLE.match(line)) is not None:
            worst = max(_int(tool, line, match["inner"]), _int(tool, line, match["outer"]))
            histogram[worst] = histogram.get(worst, 0) + 1
    if maximum is None:
        raise ToolOutputError(
            f"{tool}: no 'Max Latency:' line; the run failed before it finished (a kernel "
            "without the hwlat tracer or no access to tracefs prints a DetectorNotAvailable "
            "error)"
        )
    return [
        CpuLatency(
            cpu=None,
            max_us=maximum,
            min_us=min(histogram, default=None),
            histogram=histogram,
        )
    ]


PARSERS = {"oslat", "cyclictest", "hwlatdetect"}


def parse_tool(tool: str, text: str, cpus: Sequence[int]) -> list[CpuLatency]:
    """Dispatch to the tool's parser (``cpus``: the measured CPUs, for cyclictest)."""
    if tool == "cyclictest":
        return parse_cyclictest(text, cpus)
    if tool == "oslat":
        return parse_oslat(text)
    if tool == "hwlatdetect":
        return parse_hwlatdetect(text)
    raise ToolOutputError(f"unknown tool {tool!r} in the output; expected one of {sorted(PARSERS)}")


def evaluate(
    section: Section, threshold_us: int | None, *, command: Sequence[str] = (), node: str = ""
) -> ToolResult:
    """Judge one tool's section: skipped, an error (with the tool's last words), or a verdict."""
    if section.reason:
        return ToolResult(
            tool=section.tool,
            status="skipped",
            threshold_us=threshold_us,
            message=section.reason,
            command=command,
            node=node,
        )
    if section.tool == "hwlatdetect" and "DetectorNotAvailable" in section.text:
        return ToolResult(
            tool=section.tool,
            status="skipped",
            threshold_us=threshold_us,
            message="the kernel has no hwlat tracer (CONFIG_HWLAT_TRACER); run it "
            "on a node whose kernel has one",
            command=command,
            node=node,
        )
    if section.failure:
        return ToolResult(
            tool=section.tool,
            status="error",
            threshold_us=threshold_us,
            message=f"{section.failure}; last output: {_tail(section.text)}",
            command=command,
            node=node,
        )
    accepted = (0, 1) if section.tool == "hwlatdetect" else (0,)  # 1: above its own hardlimit
    try:
        cpus = parse_tool(section.tool, section.text, section.cpus)
    except ToolOutputError as error:
        return ToolResult(
            tool=section.tool,
            status="error",
            threshold_us=threshold_us,
            message=f"{error}; exit code {section.exit_code}; last output: {_tail(section.text)}",
            command=command,
            node=node,
        )
    if section.exit_code not in accepted:
        return ToolResult(
            tool=section.tool,
            status="error",
            cpus=tuple(cpus),
            threshold_us=threshold_us,
            message=f"{section.tool} exited with code {section.exit_code}: {_tail(section.text)}",
            command=command,
            node=node,
        )
    return verdict(section.tool, cpus, threshold_us, command=command, node=node)


def _tail(text: str, lines: int = 3) -> str:
    last = [line.strip() for line in text.strip().splitlines()[-lines:] if line.strip()]
    return " | ".join(last)[-400:] or "(nothing)"
