"""The Valid condition of Tuned CRs and the conflicting-duplicate state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from nto.controller.conditions import conditions_equal
from nto.controller.default_tuned import default_tuned
from nto.controller.validation import (
    ValidCondition,
    any_invalid,
    conflicting_duplicates,
    go_quote,
    has_conflicting_duplicate,
    valid_conditions,
    validate_all,
)

from .conftest import load_yaml, make_tuned, rec

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
VALID = ValidCondition("True", "AsExpected", "")
POD = "Deprecated pod label matching detected."


def _pod_rule(depth: int) -> dict[str, Any]:
    inner: dict[str, Any] = {"label": "p", "type": "pod"}
    for _ in range(depth):
        inner = {"label": "n", "match": [inner]}
    return inner


CASES = [
    ("default CR", [default_tuned()], {"default": VALID}),
    (
        "pod label at top",
        [make_tuned("t", recommend=[rec("x", 1, _pod_rule(0))])],
        {"t": ValidCondition("False", "InvalidConfiguration", POD)},
    ),
    (
        "pod label at depth 3",
        [make_tuned("t", recommend=[rec("x", 1, _pod_rule(3))])],
        {"t": ValidCondition("False", "InvalidConfiguration", POD)},
    ),
    (
        "pod label at depth 1000",
        [make_tuned("t", recommend=[rec("x", 1, _pod_rule(1000))])],
        {"t": ValidCondition("False", "InvalidConfiguration", POD)},
    ),
    (
        "same name, same data is fine",
        [make_tuned("a", profiles={"p": "[main]\n"}), make_tuned("b", profiles={"p": "[main]\n"})],
        {"a": VALID, "b": VALID},
    ),
    (
        "same name, different data: both invalid",
        [
            make_tuned("a", profiles={"p": "[main]\n"}),
            make_tuned("b", profiles={"p": "[main]\n#x\n"}),
        ],
        {
            "a": ValidCondition(
                "False",
                "InvalidConfiguration",
                'Duplicate TuneD profile "p" with conflicting content detected.',
            ),
            "b": ValidCondition(
                "False",
                "InvalidConfiguration",
                'Duplicate TuneD profile "p" with conflicting content detected.',
            ),
        },
    ),
    (
        "duplicate wins over pod label",
        [
            make_tuned("a", profiles={"p": "1"}, recommend=[rec("p", 1, _pod_rule(0))]),
            make_tuned("b", profiles={"p": "2"}),
        ],
        {
            "a": ValidCondition(
                "False",
                "InvalidConfiguration",
                'Duplicate TuneD profile "p" with conflicting content detected.',
            ),
            "b": ValidCondition(
                "False",
                "InvalidConfiguration",
                'Duplicate TuneD profile "p" with conflicting content detected.',
            ),
        },
    ),
]


@pytest.mark.parametrize(("tuneds", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_valid_condition(tuneds, expected):
    assert validate_all(tuneds) == expected


FIX = 'use a plain name such as "my-profile".'


def _bad_name(shown: str, why: str) -> str:
    return f'spec.profile[0].name {shown} of Tuned "t" cannot name a TuneD profile: {why}; {FIX}'


HOSTILE = [
    ("slash", {"a/b": "x"}, _bad_name('"a/b"', "it contains '/'")),
    ("dotdot", {"..": "x"}, _bad_name('".."', "it is a relative directory name")),
    ("nul", {"a\x00b": "x"}, _bad_name('"a\\x00b"', "it contains a NUL character")),
    (
        "too long",
        {"p" * 300: "x"},
        _bad_name(f'"{"p" * 59}...{"p" * 9}"', "it is 300 characters long; the limit is 253"),
    ),
]


@pytest.mark.parametrize(
    ("profiles", "message"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE]
)
def test_hostile_profile_names_are_invalid_with_a_clear_message(profiles, message):
    tuned = make_tuned("t", profiles=profiles)
    assert validate_all([tuned])["t"] == ValidCondition("False", "InvalidConfiguration", message)


@pytest.mark.parametrize(
    ("priority", "shown"),
    [(-1, "-1"), (2**63, str(2**63)), ("5", '"5"'), (None, "None"), (True, "True")],
    ids=["negative", "over int64", "string", "missing", "bool"],
)
def test_bad_priorities_are_invalid(priority, shown):
    tuned = make_tuned("t", recommend=[{"profile": "p", "priority": priority}])
    assert validate_all([tuned])["t"].message == (
        f'spec.recommend[0].priority {shown} of Tuned "t" is not an integer from 0 (highest) '
        f"to {2**63 - 1}; set one in that range."
    )


@pytest.mark.parametrize("priority", [0, 2**63 - 1])
def test_priority_bounds_are_valid(priority):
    assert validate_all([make_tuned("t", recommend=[rec("p", priority)])])["t"] == VALID


def test_recommend_with_unusable_profile_is_invalid():
    message = validate_all([make_tuned("t", recommend=[rec("../etc", 1)])])["t"].message
    assert message.startswith('spec.recommend[0].profile "../etc" of Tuned "t" cannot name')


def test_duplicate_inside_one_tuned_is_a_conflict():
    tuned = make_tuned("t")
    tuned["spec"]["profile"] = [{"name": "p", "data": "1"}, {"name": "p", "data": "2"}]
    assert conflicting_duplicates([tuned]) == {"p": ["t"]}


def test_conflicting_duplicates_lists_every_tuned():
    tuneds = [make_tuned(n, profiles={"p": d}) for n, d in [("c", "1"), ("a", "2"), ("b", "1")]]
    assert conflicting_duplicates(tuneds) == {"p": ["a", "b", "c"]}
    assert has_conflicting_duplicate(tuneds)
    assert not has_conflicting_duplicate(tuneds[:1])


def test_any_invalid():
    assert not any_invalid(validate_all([default_tuned()]))
    assert any_invalid(validate_all([make_tuned("t", recommend=[rec("x", 1, _pod_rule(0))])]))


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("p", '"p"'),
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("x\ny", '"x\\ny"'),
        ("zürich", '"zürich"'),
        ("\x7f", '"\\x7f"'),
    ],
)
def test_go_quote(text, quoted):
    assert go_quote(text) == quoted


def test_valid_conditions_keep_time_while_status_holds():
    first = valid_conditions(None, VALID, now=NOW)
    assert first == [
        {
            "type": "Valid",
            "status": "True",
            "lastTransitionTime": "2026-01-02T03:04:05Z",
            "reason": "AsExpected",
            "message": "",
        }
    ]
    later = datetime(2026, 1, 3, tzinfo=UTC)
    assert valid_conditions(first, VALID, now=later) == first
    flipped = valid_conditions(
        first, ValidCondition("False", "InvalidConfiguration", POD), now=later
    )
    assert flipped[0]["lastTransitionTime"] == "2026-01-03T00:00:00Z"
    assert not conditions_equal(first, flipped)


def test_reference_duplicate_crs(reference_dir):
    one = load_yaml(reference_dir / "e2e" / "conflict-01.yaml")
    two = load_yaml(reference_dir / "e2e" / "conflict-02.yaml")
    assert validate_all([default_tuned(), one])[one["metadata"]["name"]] == VALID
    both = validate_all([default_tuned(), one, two])
    message = 'Duplicate TuneD profile "openshift-profile" with conflicting content detected.'
    assert both[one["metadata"]["name"]].message == both[two["metadata"]["name"]].message == message
    assert both["default"] == VALID


def test_reference_examples_validate(reference_dir):
    results = {}
    for path in sorted((reference_dir / "examples").glob("*.yaml")):
        doc = load_yaml(path)
        if doc.get("kind") == "Tuned":
            results[path.stem] = validate_all([doc])[doc["metadata"]["name"]].message
    assert results["ingress"] == POD
    assert results["hugepages"] == ""
