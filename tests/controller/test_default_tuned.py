"""Our default Tuned CR and its reset rule."""

from __future__ import annotations

from nto.controller.default_tuned import default_tuned, needs_reset, reset_default

from .conftest import load_yaml


def test_default_cr_matches_the_reference_facts(reference_dir):
    reference = load_yaml(reference_dir / "default-cr-tuned.yaml")
    ours = default_tuned()
    assert ours["metadata"] == reference["metadata"]
    assert ours["spec"]["recommend"] == reference["spec"]["recommend"]
    assert [p["name"] for p in ours["spec"]["profile"]] == ["openshift"]
    ref_include = [
        line
        for line in reference["spec"]["profile"][0]["data"].splitlines()
        if line.startswith("include=")
    ]
    our_include = [
        line
        for line in ours["spec"]["profile"][0]["data"].splitlines()
        if line.startswith("include=")
    ]
    assert our_include == ref_include
    assert "managementState" not in ours["spec"]


def test_reset_keeps_management_state_labels_annotations_and_status():
    existing = default_tuned()
    existing["metadata"] |= {
        "labels": {"l": "1"},
        "annotations": {"a": "2"},
        "resourceVersion": "9",
    }
    existing["spec"] = {
        "managementState": "Unmanaged",
        "profile": [{"name": "mine", "data": "x"}],
        "recommend": [{"profile": "mine", "priority": 0}],
    }
    existing["status"] = {"conditions": []}
    assert needs_reset(existing)
    reset = reset_default(existing)
    assert reset["spec"] == {"managementState": "Unmanaged", **default_tuned()["spec"]}
    assert reset["metadata"] == existing["metadata"]
    assert reset["status"] == {"conditions": []}
    assert existing["spec"]["profile"] == [{"name": "mine", "data": "x"}], "input untouched"
    assert not needs_reset(reset)


def test_reset_survives_garbage_spec():
    broken = {"metadata": {"name": "default"}, "spec": "nonsense"}
    assert needs_reset(broken)
    assert reset_default(broken)["spec"] == default_tuned()["spec"]


def test_fresh_copies_are_independent():
    one, two = default_tuned(), default_tuned()
    one["spec"]["recommend"][0]["priority"] = 1
    assert two["spec"]["recommend"][0]["priority"] == 30


def test_the_go_operators_default_cr_is_kept(reference_dir):
    """The default CR as the Go operator stores it (the reference's wording, and an empty
    ``operand`` in every recommend) means the same as ours: it is not rewritten on handover."""
    stored = load_yaml(reference_dir / "default-cr-tuned.yaml")
    for recommend in stored["spec"]["recommend"]:
        recommend["operand"] = {"tunedConfig": {}}
    assert stored["spec"]["profile"] != default_tuned()["spec"]["profile"], "wording differs"
    assert not needs_reset(stored)


def test_anything_but_the_summary_still_resets():
    changed = default_tuned()
    data = changed["spec"]["profile"][0]["data"]
    changed["spec"]["profile"][0]["data"] = data.replace("include=-provider-", "include=provider-")
    assert needs_reset(changed)
    extra = default_tuned()
    extra["spec"]["profile"][0]["data"] += "[sysctl]\nsummary=not a description here\n"
    assert needs_reset(extra)
    operand = default_tuned()
    operand["spec"]["recommend"][1]["operand"] = {"debug": True}
    assert needs_reset(operand)
    reworded = default_tuned()
    reworded["spec"]["profile"][0]["data"] = data.replace("summary=", "summary = Another; ")
    assert not needs_reset(reworded)
