"""The table, the JSON document, JUnit XML and the SVG picture of a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from xml.etree import ElementTree

from nto_performance.latency.parse import Section, evaluate
from nto_performance.latency.picture import svg
from nto_performance.latency.report import REPORT_KIND, failed, json_report, junit_xml, table
from nto_performance.latency.results import ToolResult

Recorded = Callable[[str], str]


def results(recorded: Recorded) -> list[ToolResult]:
    return [
        evaluate(Section("oslat", (0, 1), 0, recorded("oslat-2cpu.txt")), 100),
        evaluate(Section("cyclictest", (3, 4), 0, recorded("cyclictest-2cpu.txt")), None),
        evaluate(Section("hwlatdetect", (), None, "", reason="needs root"), 10),
    ]


def test_table_has_a_row_per_tool_and_cpu_and_a_verdict_per_tool(recorded: Recorded) -> None:
    text = table(results(recorded))
    lines = text.splitlines()
    assert lines[0].split() == [
        "TOOL", "CPU", "SAMPLES", "MIN", "AVG", "P50", "P90", "P99", "P99.9", "P99.99", "MAX",
        "THRESHOLD",
    ]  # fmt: skip
    assert lines[1].split()[:2] == ["oslat", "0"]
    assert lines[1].split()[-1] == "FAIL"
    assert lines[3].split()[:2] == ["cyclictest", "3"]
    assert ">999" in lines[3]  # a percentile in the overflow is never invented
    assert "oslat: FAILED: maximum latency 52008 us on CPU 1 is above the threshold 100 us" in text
    assert "cyclictest: MEASURED:" in text
    assert "hwlatdetect: SKIPPED: needs root" in text


def test_json_report_carries_verdicts_percentiles_and_histograms(recorded: Recorded) -> None:
    document = json.loads(
        json_report(results(recorded), settings={"runtime_s": 3}, target={"node": "w"})
    )
    assert document["kind"] == REPORT_KIND
    assert document["passed"] is False
    oslat = document["tools"][0]
    assert oslat["status"] == "failed"
    assert oslat["threshold_us"] == 100
    cpu0 = oslat["cpus"][0]
    assert set(cpu0["percentiles_us"]) == {"p50", "p90", "p99", "p99.9", "p99.99"}
    assert cpu0["histogram"]["1"] > 1_000_000
    assert cpu0["overflow"] == 10


def test_junit_xml_has_a_case_per_tool(recorded: Recorded) -> None:
    root = ElementTree.fromstring(junit_xml(results(recorded), runtime=3))
    (suite,) = root
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    cases = {case.get("name"): case for case in suite}
    assert cases["oslat maximum latency"].find("failure") is not None
    assert cases["hwlatdetect maximum latency"].find("skipped") is not None
    assert cases["cyclictest maximum latency"].find("system-out") is not None


def test_failed_counts_errors_but_not_skips(recorded: Recorded) -> None:
    measured, skipped = results(recorded)[1:]
    assert not failed([measured, skipped])
    assert failed([evaluate(Section("oslat", (), 1, "garbage"), None)])


def test_svg_is_well_formed_with_a_panel_per_cpu(recorded: Recorded) -> None:
    picture = svg(results(recorded), title="Latency on w & co")
    root = ElementTree.fromstring(picture.encode())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Latency on w & co" in texts
    panels = [text for text in texts if text.startswith(("oslat, CPU", "cyclictest, CPU"))]
    assert len(panels) == 4
    assert "threshold 100 us" in panels[0]
    assert picture == svg(results(recorded), title="Latency on w & co")  # deterministic
