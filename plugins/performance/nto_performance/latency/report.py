"""Latency results as people and CI read them: a table, a JSON document, JUnit XML.

The JSON document (``kind: LatencyTestReport``) carries everything the table shows plus the
histograms, so two runs can be compared by a script; JUnit XML has one test case per tool (a
threshold exceeded is a failure, a tool that could not run is an error or a skip). Pure.
Neighbours: `nto_performance.latency.results`, `.picture`, `.main`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from xml.etree import ElementTree

from nto_performance.latency.results import PERCENTILES, CpuLatency, ToolResult

__all__ = ["REPORT_KIND", "failed", "json_report", "junit_xml", "table"]

REPORT_KIND = "LatencyTestReport"
REPORT_VERSION = 1


def failed(results: Sequence[ToolResult]) -> bool:
    """True when a tool went above its threshold or could not measure."""
    return any(result.status in ("failed", "error") for result in results)


def _us(value: int | None, limit: int | None) -> str:
    if value is None:
        return f">{limit}" if limit is not None else "-"
    return str(value)


def _row(result: ToolResult, cpu: CpuLatency) -> list[str]:
    return [
        result.tool,
        "all" if cpu.cpu is None else str(cpu.cpu),
        str(cpu.samples),
        "-" if cpu.min_us is None else str(cpu.min_us),
        "-" if cpu.avg_us is None else f"{cpu.avg_us:g}",
        *(_us(cpu.percentile(p), cpu.histogram_limit_us) for p in PERCENTILES),
        str(cpu.max_us),
        "-" if result.threshold_us is None else str(result.threshold_us),
        "FAIL" if result.threshold_us is not None and cpu.max_us > result.threshold_us else "",
    ]


def table(results: Sequence[ToolResult]) -> str:
    """A fixed-width table (microseconds), one row per tool and CPU, then one line per tool."""
    header = [
        "TOOL",
        "CPU",
        "SAMPLES",
        "MIN",
        "AVG",
        *(f"P{p:g}" for p in PERCENTILES),
        "MAX",
        "THRESHOLD",
        "",
    ]
    rows = [header]
    rows += [_row(result, cpu) for result in results for cpu in result.cpus]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append("")
    lines += [f"{result.tool}: {result.status.upper()}: {result.message}" for result in results]
    return "\n".join(lines) + "\n"


def json_report(
    results: Sequence[ToolResult],
    *,
    settings: Mapping[str, object],
    target: Mapping[str, object],
) -> str:
    """The whole run as JSON: settings, where it ran, and per tool its verdict and histograms."""
    document = {
        "kind": REPORT_KIND,
        "version": REPORT_VERSION,
        "passed": not failed(results),
        "settings": dict(settings),
        "target": dict(target),
        "tools": [result.to_json() for result in results],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def junit_xml(results: Sequence[ToolResult], *, runtime: int) -> str:
    """JUnit XML with one ``testcase`` per tool in one ``testsuite`` named ``latency-test``."""
    suite = ElementTree.Element(
        "testsuite",
        {
            "name": "latency-test",
            "tests": str(len(results)),
            "failures": str(sum(result.status == "failed" for result in results)),
            "errors": str(sum(result.status == "error" for result in results)),
            "skipped": str(sum(result.status == "skipped" for result in results)),
        },
    )
    for result in results:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            {
                "classname": "latency-test",
                "name": f"{result.tool} maximum latency",
                "time": str(runtime if result.status != "skipped" else 0),
            },
        )
        if result.status == "failed":
            ElementTree.SubElement(case, "failure", {"message": result.message}).text = table(
                [result]
            )
        elif result.status == "error":
            ElementTree.SubElement(case, "error", {"message": result.message})
        elif result.status == "skipped":
            ElementTree.SubElement(case, "skipped", {"message": result.message})
        else:
            ElementTree.SubElement(case, "system-out").text = table([result])
    suites = ElementTree.Element("testsuites")
    suites.append(suite)
    ElementTree.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(suites, encoding="unicode")
        + "\n"
    )
