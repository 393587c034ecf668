"""Recommend match rules: OR/AND semantics, types, hostile nesting."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from nto.controller.matching import compile_match, iter_match_items, matches


def _chain(depth: int, *, last_value: str = "v") -> list[dict[str, Any]]:
    """A rule nested `depth` levels deep, built without recursion."""
    innermost: dict[str, Any] = {"label": f"l{depth - 1}", "value": last_value}
    for level in range(depth - 2, -1, -1):
        innermost = {"label": f"l{level}", "value": "v", "match": [innermost]}
    return [innermost]


CASES = [
    ("empty list is catch-all", [], {}, {}, True),
    ("presence only", [{"label": "a"}], {"a": ""}, {}, True),
    ("absent label", [{"label": "a"}], {"b": ""}, {}, False),
    ("value equal", [{"label": "a", "value": "1"}], {"a": "1"}, {}, True),
    ("value differs", [{"label": "a", "value": "1"}], {"a": "2"}, {}, False),
    ("empty value must equal", [{"label": "a", "value": ""}], {"a": "x"}, {}, False),
    ("OR: second item", [{"label": "a"}, {"label": "b"}], {"b": ""}, {}, True),
    (
        "AND: nested holds",
        [{"label": "a", "match": [{"label": "b"}]}],
        {"a": "", "b": ""},
        {},
        True,
    ),
    ("AND: nested fails", [{"label": "a", "match": [{"label": "b"}]}], {"a": ""}, {}, False),
    ("AND: empty nested list", [{"label": "a", "match": []}], {"a": ""}, {}, True),
    (
        "nested OR inside AND",
        [{"label": "a", "match": [{"label": "x"}, {"label": "y"}]}],
        {"a": "", "y": ""},
        {},
        True,
    ),
    (
        "first item's nested fails, second item holds",
        [{"label": "a", "match": [{"label": "x"}]}, {"label": "b"}],
        {"a": "", "b": ""},
        {},
        True,
    ),
    ("explicit node type", [{"label": "a", "type": "node"}], {"a": ""}, {}, True),
    ("pod type uses pods", [{"label": "a", "type": "pod"}], {"a": ""}, {}, False),
    ("pod label present", [{"label": "a", "type": "pod"}], {}, {"a": {"1"}}, True),
    ("pod label value", [{"label": "a", "type": "pod", "value": "2"}], {}, {"a": {"1", "2"}}, True),
    (
        "pod label wrong value",
        [{"label": "a", "type": "pod", "value": "3"}],
        {},
        {"a": {"1"}},
        False,
    ),
    (
        "node AND pod",
        [{"label": "n", "match": [{"label": "p", "type": "pod"}]}],
        {"n": ""},
        {"p": {""}},
        True,
    ),
    ("type is case-sensitive", [{"label": "a", "type": "Node"}], {"a": ""}, {}, False),
    ("unknown type never matches", [{"label": "a", "type": "host"}], {"a": ""}, {}, False),
    (
        "nested item without label",
        [{"label": "a", "match": [{"value": "x"}]}],
        {"a": ""},
        {},
        False,
    ),
    ("non-string value", [{"label": "a", "value": 1}], {"a": "1"}, {}, False),
    ("non-dict item", ["a", {"label": "b"}], {"b": ""}, {}, True),
    (
        "unicode label value",
        [{"label": "zone", "value": "zürich-🚀"}],
        {"zone": "zürich-🚀"},
        {},
        True,
    ),
]


@pytest.mark.parametrize(
    ("match", "node_labels", "pods", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_match_semantics(match, node_labels, pods, expected):
    assert matches(compile_match(match), node_labels, pods) is expected


@pytest.mark.parametrize("depth", [1_000, 20_000])
@pytest.mark.parametrize(("last_value", "expected"), [("v", True), ("other", False)])
def test_deep_nesting_needs_no_recursion(depth, last_value, expected):
    rule = _chain(depth, last_value=last_value)
    labels = {f"l{i}": "v" for i in range(depth)}
    assert depth > sys.getrecursionlimit() or depth == 1_000
    compiled = compile_match(rule)
    assert matches(compiled, labels, {}) is expected
    assert sum(1 for _ in iter_match_items(rule)) == depth


def test_deep_nesting_fails_fast_on_missing_top_label():
    compiled = compile_match(_chain(5_000))
    assert matches(compiled, {}, {}) is False


def test_self_referencing_rule_does_not_loop():
    item: dict[str, Any] = {"label": "a"}
    item["match"] = [item]
    compiled = compile_match([item])
    assert matches(compiled, {"a": ""}, {}) is True
    assert len(list(iter_match_items([item]))) == 2  # the outer list, then the cycle once


def test_iter_match_items_visits_parents_before_children_in_order():
    rule = [
        {"label": "a", "match": [{"label": "a1"}, {"label": "a2"}]},
        {"label": "b"},
    ]
    assert [i["label"] for i in iter_match_items(rule)] == ["a", "b", "a1", "a2"]
