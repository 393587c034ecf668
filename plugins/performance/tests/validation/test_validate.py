"""The whole validation: the shape check, rule order, aggregation, the Invalid status, and
hostile input answered quickly with field errors."""

from __future__ import annotations

import pytest

from nto_performance.validation import (
    MAX_ERRORS,
    ClusterData,
    ProfileSelector,
    cluster_data,
    invalid_message,
    invalid_status,
    validate,
)


def fields(errors):
    return [error.field for error in errors]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            lambda p: p.pop("spec"),
            [
                "spec: Required value: spec is required; a PerformanceProfile needs at least "
                "spec.cpu and spec.nodeSelector"
            ],
            id="no-spec",
        ),
        pytest.param(
            lambda p: p["spec"].pop("cpu"),
            [
                "spec.cpu: Required value: cpu section required; set spec.cpu.reserved and "
                "spec.cpu.isolated"
            ],
            id="no-cpu",
        ),
        pytest.param(
            lambda p: p["spec"]["cpu"].clear(),
            [
                "spec.cpu.reserved: Required value: reserved CPUs required; set spec.cpu.reserved "
                "to a cpulist such as '0-1'",
                "spec.cpu.isolated: Required value: isolated CPUs required; set spec.cpu.isolated "
                "to a cpulist such as '2-7'",
            ],
            id="no-cpu-sets",
        ),
        pytest.param(
            lambda p: p["spec"].pop("nodeSelector"),
            [
                "spec.nodeSelector: Required value: the nodeSelector is required; select the nodes "
                "to tune with one label such as 'node-role.kubernetes.io/worker-cnf: \"\"'"
            ],
            id="no-node-selector",
        ),
        pytest.param(
            lambda p: p["spec"]["cpu"].update(reserved=5),
            ["spec.cpu.reserved: Invalid value: 5: Input should be a valid string"],
            id="wrong-type",
        ),
        pytest.param(
            lambda p: p["spec"].update(numa="x"),
            [
                'spec.numa: Invalid value: "x": Input should be a valid dictionary or instance of '
                "Numa"
            ],
            id="wrong-kind-of-section",
        ),
        pytest.param(
            lambda p: p["spec"].update(cpus={}),
            [
                "spec.cpus: Invalid value: {}: unknown field; remove it (check the spelling and "
                "the apiVersion)"
            ],
            id="typo-field",
        ),
        pytest.param(
            lambda p: p.update(apiVersion="performance.openshift.io/v9"),
            [
                'apiVersion: Invalid value: "performance.openshift.io/v9": Input should be '
                "'performance.openshift.io/v2'"
            ],
            id="wrong-api-version",
        ),
    ],
)
def test_shape_errors_replace_rule_errors(wire, mutate, expected):
    profile = wire()
    mutate(profile)
    assert [str(e) for e in validate(profile, ClusterData())] == expected


@pytest.mark.parametrize("obj", [None, [], "profile", 3], ids=["null", "list", "string", "number"])
def test_non_objects_are_one_error(obj):
    (error,) = validate(obj, ClusterData())
    assert error.field == "<object>"
    assert "expected a PerformanceProfile object" in error.detail


def test_valid_profile_passes(wire):
    assert (
        validate(
            wire(),
            cluster_data(
                nodes=[
                    {
                        "metadata": {"name": "a"},
                        "status": {"nodeInfo": {"architecture": "amd64"}, "capacity": {"cpu": "8"}},
                    }
                ]
            ),
        )
        == []
    )


def test_errors_of_every_rule_are_aggregated_in_rule_order(wire):
    profile = wire(
        cpu={"isolated": "1-7"},
        nodeSelector={"a/b": "", "c/d": ""},
        hugepages={"pages": [{"size": "1G"}]},
        numa={"topologyPolicy": "x"},
        workloadHints={"highPowerConsumption": True, "perPodPowerManagement": True},
        hardwareTuning={"isolatedCpuFreq": 1},
    )
    cluster = ClusterData(profiles=(ProfileSelector("twin", {"a/b": "", "c/d": ""}),))
    errors = validate(profile, cluster)
    assert fields(errors) == [
        "spec.nodeSelector",
        "spec.cpu",
        "spec.nodeSelector",
        "spec.hugepages.defaultHugepagesSize",
        "spec.numa.topologyPolicy",
        "spec.workloadHints",
        "spec.hardwareTuning",
    ]
    message = invalid_message("manual", errors)
    assert message.startswith('PerformanceProfile.performance.openshift.io "manual" is invalid: [')
    assert all(str(error) in message for error in errors)
    status = invalid_status("manual", errors)
    assert (status["code"], status["reason"]) == (422, "Invalid")
    assert status["details"]["kind"] == "PerformanceProfile"
    assert status["details"]["group"] == "performance.openshift.io"
    assert [c["field"] for c in status["details"]["causes"]] == fields(errors)
    assert status["details"]["causes"][1]["reason"] == "FieldValueForbidden"


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"cpu": {"reserved": ",".join(map(str, range(10000)))}}, id="10k-cpu-list"),
        pytest.param({"cpu": {"isolated": "0-99999999"}}, id="huge-range"),
        pytest.param({"cpu": {"reserved": "0-" + "9" * 5000}}, id="huge-number"),
        pytest.param(
            {
                "hugepages": {
                    "defaultHugepagesSize": "1G",
                    "pages": [{"size": "3M"} for _ in range(10000)],
                }
            },
            id="10k-bad-pages",
        ),
        pytest.param(
            {
                "hugepages": {
                    "defaultHugepagesSize": "1G",
                    "pages": [{"size": "1G"} for _ in range(10000)],
                }
            },
            id="10k-duplicate-pages",
        ),
        pytest.param(
            {"net": {"devices": [{"vendorID": "bad"} for _ in range(10000)]}}, id="10k-devices"
        ),
        pytest.param(
            {"hugepages": {"pages": [{"size": 1} for _ in range(10000)]}}, id="10k-wrong-types"
        ),
    ],
)
def test_hostile_input_gives_a_bounded_list_of_errors(wire, spec):
    errors = validate(wire(**spec), ClusterData())
    assert 1 <= len(errors) <= MAX_ERRORS
    assert len(invalid_message("manual", errors)) < 40_000
    if len(errors) == MAX_ERRORS:
        assert errors[-1].detail.endswith("more errors not shown; fix the ones above first")


def test_cluster_data_reads_hostile_nodes_and_profiles():
    data = cluster_data(
        nodes=[
            None,
            3,
            {"metadata": "x", "status": {"nodeInfo": []}},
            {"status": {"capacity": {"cpu": 4}}},
        ],
        profiles=[
            None,
            {"metadata": {"name": 3}},
            {"metadata": {"name": "p"}, "spec": "x"},
            {"metadata": {"name": "q"}, "spec": {"nodeSelector": {"a": "b"}}},
        ],
    )
    assert {(n.name, n.architecture, n.cpu_capacity) for n in data.nodes} == {("<unnamed>", "", "")}
    assert [(p.name, p.node_selector) for p in data.profiles] == [("p", None), ("q", {"a": "b"})]
