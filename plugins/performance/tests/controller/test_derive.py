"""Render options derived from the cluster: pinning mode, feature gate, annotations."""

from __future__ import annotations

import pytest

from nto_performance.controller.derive import feature_gate_enabled, pinning_mode, render_options

from .conftest import model, pp


def gates(*entries: tuple[str, list[str]]) -> dict:
    return {
        "status": {
            "featureGates": [
                {"version": v, "enabled": [{"name": n} for n in names]} for v, names in entries
            ]
        }
    }


@pytest.mark.parametrize(
    ("infrastructure", "expected"),
    [
        pytest.param({"status": {"cpuPartitioning": "AllNodes"}}, "AllNodes", id="all-nodes"),
        pytest.param({"status": {"cpuPartitioning": "None"}}, "None", id="none"),
        pytest.param(None, "None", id="missing"),
        pytest.param({"status": "junk"}, "None", id="junk"),
    ],
)
def test_pinning_mode(infrastructure, expected):
    assert pinning_mode(infrastructure) == expected


@pytest.mark.parametrize(
    ("gate", "expected"),
    [
        pytest.param(gates(("4.99", ["MixedCPUsAllocation"])), True, id="this-version"),
        pytest.param(gates(("4.1", ["MixedCPUsAllocation"])), True, id="only-entry"),
        pytest.param(
            gates(("4.1", ["MixedCPUsAllocation"]), ("4.99", [])), False, id="other-version"
        ),
        pytest.param(gates(("4.99", ["Other"])), False, id="absent"),
        pytest.param(None, False, id="unreadable"),
        pytest.param({"status": {"featureGates": "junk"}}, False, id="junk"),
    ],
)
def test_feature_gate(gate, expected):
    assert feature_gate_enabled(gate, "MixedCPUsAllocation", release_version="4.99") is expected


def test_render_options():
    body = pp(
        cpu={"shared": "4", "ovsDpdk": "5"},
        workloadHints={"mixedCpus": True},
        annotations={
            "performance.openshift.io/dra-resource-management": "true",
            "performance.openshift.io/cpu-load-balancing-ovs-dpdk": "DISABLE",
        },
    )
    options = render_options(
        model(body),
        pool=None,
        infrastructure={"status": {"cpuPartitioning": "AllNodes"}},
        feature_gate=gates(("4.99", ["MixedCPUsAllocation"])),
        release_version="4.99",
    )
    assert options.mixed_cpus_enabled
    assert options.dra_resource_management
    assert options.disable_load_balancing_for_ovs_dpdk
    assert (options.ovs_dpdk_cpus, options.pinning_mode) == ("5", "AllNodes")
    off = render_options(
        model(body), pool=None, infrastructure=None, feature_gate=None, release_version="4.99"
    )
    assert not off.mixed_cpus_enabled
