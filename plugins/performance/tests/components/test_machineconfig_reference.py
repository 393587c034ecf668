"""MachineConfig renderer against the reference data in ../shared/reference/render (read-only).

The expected outputs there hold no MachineConfig today; the inputs are rendered and checked
against the facts of the spec, and a reference MachineConfig is compared by structure when present.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components.machineconfig import render
from nto_performance.components.options import RenderOptions

REFERENCE = Path(__file__).resolve().parents[4] / ".." / "shared" / "reference" / "render"
RPS_SCRIPT = "/usr/local/bin/set-rps-mask.sh"


def file_paths(mc: dict[str, Any]) -> list[str]:
    return [f["path"] for f in mc["spec"]["config"].get("storage", {}).get("files", [])]


def unit_names(mc: dict[str, Any]) -> list[str]:
    return [u["name"] for u in mc["spec"]["config"].get("systemd", {}).get("units", [])]


def _reference_profile(relative: str) -> PerformanceProfile:
    path = REFERENCE / "inputs" / relative
    if not path.is_file():
        pytest.skip(f"reference input {path} is absent (read-only data in ../shared/reference)")
    return PerformanceProfile.model_validate(yaml.safe_load(path.read_text()))


def _reference_machineconfigs() -> list[dict[str, Any]]:
    expected = REFERENCE / "expected" / "default"
    docs = []
    for path in sorted(expected.rglob("*.yaml")) if expected.is_dir() else []:
        docs += [
            d
            for d in yaml.safe_load_all(path.read_text())
            if d and d.get("kind") == "MachineConfig"
        ]
    return docs


@pytest.mark.parametrize(
    ("relative", "kernel", "hugepage_units", "offline"),
    [
        (
            "manual-cluster/performance/performance_profile.yaml",
            "realtime",
            ["hugepages-allocation-1048576kB-NUMA0.service"],
            True,
        ),
        (
            "manual-cluster/performance-norps/performance_profile.yaml",
            "realtime",
            ["hugepages-allocation-1048576kB-NUMA0.service"],
            True,
        ),
        (
            "manual-cluster/arm/performance_profile.yaml",
            "64k-pages",
            ["hugepages-allocation-32768kB-NUMA0.service"],
            True,
        ),
        (
            "manual-cluster/cpuFrequency/performance_cpuFrequency_profile.yaml",
            "realtime",
            ["hugepages-allocation-1048576kB-NUMA0.service"],
            False,
        ),
    ],
    ids=["default", "norps", "arm", "cpu-frequency"],
)
def test_reference_inputs_render_as_the_spec_says(
    relative: str,
    kernel: str,
    hugepage_units: list[str],
    offline: bool,
) -> None:
    mc = render(_reference_profile(relative), RenderOptions())
    assert mc["metadata"]["name"] == "50-performance-manual"
    assert mc["metadata"]["labels"] == {"machineconfiguration.openshift.io/role": "worker-cnf"}
    assert mc["spec"]["kernelType"] == kernel
    units = unit_names(mc)
    assert [u for u in units if u.startswith("hugepages-")] == hugepage_units
    assert ("set-cpus-offline.service" in units) is offline
    assert "update-rps@.service" not in units
    assert RPS_SCRIPT not in file_paths(mc)


def test_reference_expected_machineconfig_structure() -> None:
    references = _reference_machineconfigs()
    if not references:
        pytest.skip(
            f"no MachineConfig in {REFERENCE / 'expected' / 'default'}; checked against the spec"
        )
    profile = _reference_profile("manual-cluster/performance/performance_profile.yaml")
    mc = render(profile, RenderOptions())
    reference = next(r for r in references if r["metadata"]["name"] == mc["metadata"]["name"])
    config = reference["spec"]["config"]
    assert file_paths(mc) == [f["path"] for f in config["storage"]["files"]]
    assert unit_names(mc) == [u["name"] for u in config["systemd"]["units"]]
    assert mc["spec"]["kernelType"] == reference["spec"]["kernelType"]
    labels = dict(reference["metadata"]["labels"])
    labels.pop("performance.openshift.io/weak-owner-reference-name", None)
    assert mc["metadata"]["labels"] == labels
