"""The desired Profile object and the update decision."""

from __future__ import annotations

import pytest

from nto.controller.computed import NodeFacts
from nto.controller.default_tuned import default_tuned
from nto.controller.profile_diff import desired_profile, profile_differences, updated_profile

from .conftest import calculate_profile, make_tuned, rec

DEPS_KEY = "tuned.openshift.io/bootcmdline-deps"
DEFERRED_KEY = "tuned.openshift.io/deferred"


def _computed(deferred=None, operand=None, provider_id="aws:///z/i"):
    annotations = {DEFERRED_KEY: deferred} if deferred else None
    tuned = make_tuned(
        "custom",
        annotations=annotations,
        profiles={"p": "[main]\n"},
        recommend=[rec("p", 1, operand=operand)],
    )
    return calculate_profile(
        [tuned, default_tuned()],
        NodeFacts("w1", {}, provider_id=provider_id),
        release_version="4.20.0",
    )


def test_desired_profile():
    profile = desired_profile(_computed(deferred="always"), default_uid="uid-1")
    assert profile == {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Profile",
        "metadata": {
            "name": "w1",
            "namespace": "openshift-cluster-node-tuning-operator",
            "annotations": {DEPS_KEY: "4.20.0,custom:1,default:0", DEFERRED_KEY: "always"},
            "ownerReferences": [
                {
                    "apiVersion": "tuned.openshift.io/v1",
                    "kind": "Tuned",
                    "name": "default",
                    "uid": "uid-1",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "config": {
                "tunedProfile": "p",
                "debug": False,
                "verbosity": 0,
                "tunedConfig": {},
                "providerName": "aws",
            },
            "profile": [
                {"name": "openshift", "data": default_tuned()["spec"]["profile"][0]["data"]},
                {"name": "p", "data": "[main]\n"},
            ],
        },
    }


def test_never_deferred_has_no_annotation():
    assert (
        DEFERRED_KEY not in desired_profile(_computed(), default_uid="u")["metadata"]["annotations"]
    )


def test_fresh_profile_needs_no_update():
    computed = _computed()
    assert profile_differences(desired_profile(computed, default_uid="u"), computed) == []


def _existing(**config_overrides):
    profile = desired_profile(_computed(), default_uid="u")
    profile["spec"]["config"].update(config_overrides)
    return profile


DIFF_CASES = [
    ("tunedProfile", _existing(tunedProfile="other"), _computed(), ["spec.config.tunedProfile"]),
    ("debug", _existing(debug=True), _computed(), ["spec.config.debug"]),
    ("verbosity", _existing(verbosity=2), _computed(), ["spec.config.verbosity"]),
    (
        "tunedConfig",
        _existing(),
        _computed(operand={"tunedConfig": {"reapply_sysctl": False}}),
        ["spec.config.tunedConfig"],
    ),
    ("providerName", _existing(providerName="gce"), _computed(), ["spec.config.providerName"]),
    (
        "deferred annotation",
        _existing(),
        _computed(deferred="update"),
        [f"metadata.annotations[{DEFERRED_KEY}]"],
    ),
    (
        "absent defaults are equal",
        _existing(debug=None, verbosity=None, tunedConfig=None),
        _computed(),
        [],
    ),
    ("empty provider vs absent", _existing(providerName=None), _computed(provider_id=""), []),
]


@pytest.mark.parametrize(
    ("existing", "computed", "expected"),
    [c[1:] for c in DIFF_CASES],
    ids=[c[0] for c in DIFF_CASES],
)
def test_profile_differences(existing, computed, expected):
    assert profile_differences(existing, computed) == expected


def test_profile_list_and_deps_differences():
    existing = _existing()
    existing["spec"]["profile"] = []
    existing["metadata"]["annotations"][DEPS_KEY] = "old"
    assert profile_differences(existing, _computed()) == [
        "spec.profile",
        f"metadata.annotations[{DEPS_KEY}]",
    ]


def test_status_and_unrelated_changes_do_not_count():
    existing = _existing()
    existing["status"] = {"tunedProfile": "x"}
    existing["metadata"]["annotations"]["someone/else"] = "1"
    existing["metadata"]["labels"] = {"l": "v"}
    assert profile_differences(existing, _computed()) == []


def test_updated_profile_keeps_foreign_fields_and_drops_stale_deferred():
    existing = desired_profile(_computed(deferred="always"), default_uid="u")
    existing["metadata"]["annotations"]["someone/else"] = "1"
    existing["metadata"]["resourceVersion"] = "42"
    existing["status"] = {"tunedProfile": "p"}
    computed = _computed()
    updated = updated_profile(existing, computed)
    assert updated["metadata"]["annotations"] == {
        "someone/else": "1",
        DEPS_KEY: computed.bootcmdline_deps,
    }
    assert updated["metadata"]["resourceVersion"] == "42"
    assert updated["status"] == {"tunedProfile": "p"}
    assert profile_differences(updated, computed) == []
    assert existing["metadata"]["annotations"][DEFERRED_KEY] == "always", "input untouched"


def test_garbage_existing_profile_needs_an_update_and_can_be_fixed():
    computed = _computed()
    garbage = {"metadata": {"name": "w1", "annotations": None}, "spec": "junk"}
    assert "spec.config.tunedProfile" in profile_differences(garbage, computed)
    assert profile_differences(updated_profile(garbage, computed), computed) == []
