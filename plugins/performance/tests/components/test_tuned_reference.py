"""Tuned renderer on the reference render inputs in ../shared/reference/render (read-only).

The reference's expected outputs here hold no Tuned (only KubeletConfig and RuntimeClass), so the
golden comparison skips until one appears; the facts spec section 4 states about the Tuned of each
scenario are checked on our render instead.
"""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components.options import RenderOptions
from nto_performance.components.tuned import render

REFERENCE = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "render"
INPUTS = {
    "default": "inputs/manual-cluster/performance/performance_profile.yaml",
    "cpuFrequency": "inputs/manual-cluster/cpuFrequency/performance_cpuFrequency_profile.yaml",
    "arm": "inputs/manual-cluster/arm/performance_profile.yaml",
}
EXPECTED = {
    "default": "expected/default/manual_tuned.yaml",
    "cpuFrequency": "expected/default/cpuFrequency/manual_tuned.yaml",
    "arm": "expected/default/arm/manual_tuned.yaml",
}


def _load(relative: str) -> Any:
    path = REFERENCE / relative
    if not path.is_file():
        pytest.skip(f"reference file {path} is absent (read-only data in ../shared/reference)")
    return yaml.safe_load(path.read_text())


def _bootloader(tuned: dict[str, Any], index: int) -> dict[str, str]:
    parser = configparser.ConfigParser(delimiters=("=",), strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(tuned["spec"]["profile"][index]["data"])
    return dict(parser["bootloader"]) if parser.has_section("bootloader") else {}


def _render(scenario: str) -> dict[str, Any]:
    profile = PerformanceProfile.model_validate(_load(INPUTS[scenario]))
    return render(profile, RenderOptions())


@pytest.mark.parametrize(
    ("scenario", "hugepages", "intel_pstate"),
    [
        pytest.param(
            "default",
            "+default_hugepagesz=1G hugepagesz=2M hugepages=128",
            "intel_pstate=${f:intel_recommended_pstate}",
            id="default",
        ),
        pytest.param(
            "cpuFrequency",
            "+default_hugepagesz=1G hugepagesz=2M hugepages=128",
            "intel_pstate=active",
            id="cpuFrequency",
        ),
        pytest.param(
            "arm",
            "+default_hugepagesz=32M hugepagesz=512M hugepages=1",
            "intel_pstate=${f:intel_recommended_pstate}",
            id="arm",
        ),
    ],
)
def test_reference_inputs(scenario: str, hugepages: str, intel_pstate: str) -> None:
    tuned = _render(scenario)
    assert tuned["metadata"]["name"] == "openshift-node-performance-manual"
    assert tuned["spec"]["recommend"][0]["machineConfigLabels"] == {
        "machineconfiguration.openshift.io/role": "worker-cnf"
    }
    assert _bootloader(tuned, 0)["cmdline_hugepages"] == hugepages
    assert _bootloader(tuned, 4)["cmdline_pstate"] == intel_pstate
    has_sysfs = "[sysfs]" in tuned["spec"]["profile"][0]["data"]
    assert has_sysfs == (scenario == "cpuFrequency")


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_against_reference_output(scenario: str) -> None:
    expected = _load(EXPECTED[scenario])
    tuned = _render(scenario)
    assert tuned["metadata"]["name"] == expected["metadata"]["name"]
    assert tuned["metadata"]["namespace"] == expected["metadata"]["namespace"]
    assert [p["name"] for p in tuned["spec"]["profile"]] == [
        p["name"] for p in expected["spec"]["profile"]
    ]
    for ours, theirs in zip(tuned["spec"]["recommend"], expected["spec"]["recommend"], strict=True):
        assert ours["profile"] == theirs["profile"]
        assert ours["priority"] == theirs["priority"]
    for index in range(len(tuned["spec"]["profile"])):
        ours_keys = {k for k in _bootloader(tuned, index) if k.startswith("cmdline")}
        theirs_keys = {k for k in _bootloader(expected, index) if k.startswith("cmdline")}
        assert ours_keys == theirs_keys
