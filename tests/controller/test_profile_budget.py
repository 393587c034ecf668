"""The Profile size budget: which Tuneds' TuneD profiles go into every Profile."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nto.controller.calculator import Calculator
from nto.controller.computed import NodeFacts
from nto.controller.profile_budget import (
    MAX_PROFILE_DATA_CHARS,
    PROFILE_DATA_BUDGET,
    PROFILES_TOO_LARGE,
    admit_tuneds,
    entry_bytes,
)
from nto.controller.profile_diff import desired_profile


def make_tuned(name: str, created: str, **profiles: str) -> dict[str, Any]:
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": {"name": name, "creationTimestamp": created, "generation": 1},
        "spec": {
            "profile": [{"name": k, "data": v} for k, v in profiles.items()],
            "recommend": [
                {"profile": next(iter(profiles)), "priority": 10, "match": [{"label": "x"}]}
            ],
        },
    }


DEFAULT = make_tuned("default", "2026-01-01T00:00:00Z", **{"openshift-node": "[main]\n"})
BIG = "[main]\n" + "# padding\n" * 76_000


def test_entry_bytes_is_the_encoded_size():
    entry = {"name": "p", "data": 'a"b\nc\u00e9'}
    assert (
        entry_bytes("p", entry["data"])
        == len(json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()) + 1
    )


def test_everything_fits():
    tuneds = [DEFAULT, make_tuned("a", "2026-01-02T00:00:00Z", a="[main]\n")]
    budget = admit_tuneds(tuneds)
    assert budget.admitted == tuneds
    assert budget.oversized == {}


def test_the_newest_tuned_that_breaks_the_budget_is_left_out():
    older = make_tuned("zz-older", "2026-01-02T00:00:00Z", older=BIG)
    newer = make_tuned("aa-newer", "2026-01-03T00:00:00Z", newer=BIG)
    budget = admit_tuneds([newer, DEFAULT, older])
    assert [t["metadata"]["name"] for t in budget.admitted] == ["default", "zz-older"]
    (left_out,) = budget.oversized.values()
    assert left_out.tuned == "aa-newer"
    assert left_out.carried == budget.carried
    assert left_out.carried + left_out.adds > PROFILE_DATA_BUDGET
    verdict = left_out.verdict
    assert (verdict.status, verdict.reason) == ("False", PROFILES_TOO_LARGE)
    assert f"over the budget of {PROFILE_DATA_BUDGET} bytes" in verdict.message
    assert 'Tuned "aa-newer"' in verdict.message


def test_a_smaller_later_tuned_still_fits_after_one_is_left_out():
    older = make_tuned("older", "2026-01-02T00:00:00Z", older=BIG)
    newer = make_tuned("newer", "2026-01-03T00:00:00Z", newer=BIG)
    small = make_tuned("small", "2026-01-04T00:00:00Z", small="[main]\n")
    budget = admit_tuneds([DEFAULT, older, newer, small])
    assert set(budget.oversized) == {"newer"}


def test_profiles_defined_again_with_the_same_data_count_once():
    older = make_tuned("older", "2026-01-02T00:00:00Z", shared=BIG)
    again = make_tuned("again", "2026-01-03T00:00:00Z", shared=BIG)
    assert admit_tuneds([DEFAULT, older, again]).oversized == {}


def test_the_default_tuned_is_always_admitted():
    huge_default = make_tuned("default", "2026-01-01T00:00:00Z", **{"openshift-node": BIG + BIG})
    assert admit_tuneds([huge_default]).oversized == {}


@pytest.mark.parametrize("size", [PROFILE_DATA_BUDGET - 200, PROFILE_DATA_BUDGET + 1])
def test_profiles_written_from_admitted_tuneds_stay_under_the_budget(size):
    tuned = make_tuned("one", "2026-01-02T00:00:00Z", one="x" * size)
    budget = admit_tuneds([DEFAULT, tuned])
    calculator = Calculator(budget.admitted, pools=[], release_version="4.99.0")
    computed = calculator.calculate(NodeFacts(name="n", labels={}), [])
    profile = desired_profile(computed, default_uid="uid")
    encoded = len(json.dumps(profile["spec"]["profile"], separators=(",", ":")).encode())
    assert encoded <= PROFILE_DATA_BUDGET + 2
    assert (size <= PROFILE_DATA_BUDGET - 200) == (budget.oversized == {})


def test_crd_refuses_profile_data_longer_than_the_budget():
    from nto_api.crds import load_crds

    (crd,) = [c for c in load_crds() if c["spec"]["names"]["kind"] == "Tuned"]
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    data = schema["properties"]["spec"]["properties"]["profile"]["items"]["properties"]["data"]
    assert data["maxLength"] == MAX_PROFILE_DATA_CHARS
