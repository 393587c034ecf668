"""The patch functions on their own: merge, JSON patch and strategic merge."""

from __future__ import annotations

import pytest

from nto.testing._errors import ApiError
from nto.testing._patch import json_patch, merge_patch, strategic_merge_patch


@pytest.mark.parametrize(
    ("target", "patch", "expected"),
    [
        ({"a": 1}, {"a": None}, {}),
        ({"a": {"b": 1}}, {"a": {"c": 2}}, {"a": {"b": 1, "c": 2}}),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
        ({"a": 1}, {"b": {"c": None}}, {"a": 1, "b": {}}),
    ],
    ids=["null-deletes", "nested-merge", "lists-replace", "null-inside-new"],
)
def test_merge_patch(target, patch, expected):
    assert merge_patch(target, patch) == expected


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        ([{"op": "add", "path": "/l/-", "value": 3}], {"l": [1, 2, 3], "m": {"a/b": 1}}),
        ([{"op": "add", "path": "/l/0", "value": 0}], {"l": [0, 1, 2], "m": {"a/b": 1}}),
        ([{"op": "remove", "path": "/m/a~1b"}], {"l": [1, 2], "m": {}}),
        ([{"op": "replace", "path": "/l/1", "value": 9}], {"l": [1, 9], "m": {"a/b": 1}}),
        ([{"op": "move", "from": "/l", "path": "/k"}], {"k": [1, 2], "m": {"a/b": 1}}),
        ([{"op": "copy", "from": "/l/0", "path": "/c"}], {"l": [1, 2], "m": {"a/b": 1}, "c": 1}),
        ([{"op": "test", "path": "/l/0", "value": 1}], {"l": [1, 2], "m": {"a/b": 1}}),
    ],
    ids=["append", "insert", "escaped-remove", "replace", "move", "copy", "test"],
)
def test_json_patch(ops, expected):
    target = {"l": [1, 2], "m": {"a/b": 1}}
    assert json_patch(target, ops) == expected
    assert target == {"l": [1, 2], "m": {"a/b": 1}}


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "test", "path": "/l/0", "value": 5}],
        [{"op": "test", "path": "/l/0", "value": True}],
        [{"op": "add", "path": "/l/01", "value": 1}],
        [{"op": "move", "from": "/l", "path": "/l/0"}],
        [{"op": "replace", "path": "/missing", "value": 1}],
        [{"op": "add", "path": "/l/9", "value": 1}],
        [{"op": "add", "path": "no-slash", "value": 1}],
        [{"op": "frobnicate", "path": "/l"}],
        [{"op": "add", "path": "/l/x", "value": 1}],
        [{"path": "/l"}],
        [{"op": "add", "path": "/x"}],
        "nope",
    ],
    ids=[
        "test-fails",
        "test-true-is-not-1",
        "leading-zero-index",
        "move-into-own-child",
        "replace-missing",
        "index-range",
        "bad-pointer",
        "unknown-op",
        "non-index",
        "no-op",
        "no-value",
        "not-a-list",
    ],
)
def test_json_patch_rejects(ops):
    with pytest.raises(ApiError):
        json_patch({"l": [1, 2]}, ops)


@pytest.mark.parametrize(
    ("target", "patch", "expected"),
    [
        pytest.param(
            {"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}]},
            {
                "env": [
                    {"name": "A", "value": "1"},
                    {"name": "B", "value": "3"},
                    {"name": "C", "value": "4"},
                ]
            },
            id="env-by-name",
        ),
        pytest.param(
            {"conditions": [{"type": "Ready", "status": "False"}]},
            {"conditions": [{"type": "Ready", "status": "True"}]},
            {"conditions": [{"type": "Ready", "status": "True"}]},
            id="conditions-by-type",
        ),
        pytest.param(
            {"volumes": [{"name": "a"}, {"name": "b"}]},
            {"volumes": [{"name": "a", "$patch": "delete"}]},
            {"volumes": [{"name": "b"}]},
            id="patch-delete-item",
        ),
        pytest.param(
            {"ownerReferences": [{"uid": "1", "name": "x"}]},
            {"ownerReferences": [{"uid": "2", "name": "y"}]},
            {"ownerReferences": [{"uid": "1", "name": "x"}, {"uid": "2", "name": "y"}]},
            id="owner-refs-by-uid",
        ),
        pytest.param(
            {"spec": {"a": 1, "b": 2}},
            {"spec": {"$patch": "replace", "c": 3}},
            {"spec": {"c": 3}},
            id="patch-replace",
        ),
        pytest.param({"args": ["a"]}, {"args": ["b"]}, {"args": ["b"]}, id="plain-list-replaces"),
        pytest.param(
            {"finalizers": ["a"]},
            {"finalizers": ["b", "a"]},
            {"finalizers": ["a", "b"]},
            id="finalizers-union",
        ),
    ],
)
def test_strategic_merge(target, patch, expected):
    assert strategic_merge_patch(target, patch) == expected


def test_strategic_merge_requires_merge_key():
    with pytest.raises(ApiError, match="merge key"):
        strategic_merge_patch({"containers": []}, {"containers": [{"image": "x"}]})
