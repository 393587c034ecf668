"""JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386) in nto.testing._jsonpatch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nto.testing._jsonpatch import JsonPatchError, apply_json_patch, merge_patch, parse_pointer

DOC: dict[str, Any] = {
    "metadata": {"labels": {"a/b": "1", "m~n": "2"}},
    "spec": {"list": [1, 2, 3], "flag": True, "n": 1},
}

L, F, N = [1, 2, 3], True, 1  # the spec of DOC: list, flag, n

APPLY_CASES = [
    pytest.param(
        [{"op": "add", "path": "/spec/x", "value": {"y": 1}}],
        {"list": L, "flag": F, "n": N, "x": {"y": 1}},
        id="add",
    ),
    pytest.param(
        [{"op": "add", "path": "/spec/list/1", "value": 9}],
        {"list": [1, 9, 2, 3], "flag": F, "n": N},
        id="add-insert",
    ),
    pytest.param(
        [{"op": "add", "path": "/spec/list/-", "value": 4}],
        {"list": [1, 2, 3, 4], "flag": F, "n": N},
        id="add-dash-appends",
    ),
    pytest.param(
        [{"op": "add", "path": "/spec/list/3", "value": 4}],
        {"list": [1, 2, 3, 4], "flag": F, "n": N},
        id="add-at-length",
    ),
    pytest.param(
        [{"op": "add", "path": "/spec/n", "value": 5}],
        {"list": L, "flag": F, "n": 5},
        id="add-replaces-member",
    ),
    pytest.param(
        [{"op": "remove", "path": "/spec/list/0"}],
        {"list": [2, 3], "flag": F, "n": N},
        id="remove-item",
    ),
    pytest.param([{"op": "remove", "path": "/spec/flag"}], {"list": L, "n": N}, id="remove-member"),
    pytest.param(
        [{"op": "replace", "path": "/spec/flag", "value": None}],
        {"list": L, "flag": None, "n": N},
        id="replace",
    ),
    pytest.param(
        [{"op": "replace", "path": "/spec/list/2", "value": 0}],
        {"list": [1, 2, 0], "flag": F, "n": N},
        id="replace-item",
    ),
    pytest.param(
        [{"op": "move", "from": "/spec/n", "path": "/spec/m"}],
        {"list": L, "flag": F, "m": N},
        id="move",
    ),
    pytest.param(
        [{"op": "move", "from": "/spec/list/0", "path": "/spec/list/-"}],
        {"list": [2, 3, 1], "flag": F, "n": N},
        id="move-within-list",
    ),
    pytest.param(
        [{"op": "copy", "from": "/spec/list", "path": "/spec/copy"}],
        {"list": L, "flag": F, "n": N, "copy": L},
        id="copy",
    ),
    pytest.param(
        [{"op": "test", "path": "/spec/n", "value": 1.0}, {"op": "remove", "path": "/spec/n"}],
        {"list": L, "flag": F},
        id="test-then-remove",
    ),
]


@pytest.mark.parametrize(("patch", "expected_spec"), APPLY_CASES)
def test_apply(patch: list[dict[str, Any]], expected_spec: dict[str, Any]) -> None:
    snapshot = json.dumps(DOC, sort_keys=True)
    result = apply_json_patch(DOC, patch)
    assert json.dumps(DOC, sort_keys=True) == snapshot, "input must not change"
    assert result["spec"] == expected_spec
    assert result["metadata"] == DOC["metadata"]


def test_escaped_pointers() -> None:
    patch = [
        {"op": "replace", "path": "/metadata/labels/a~1b", "value": "x"},
        {"op": "remove", "path": "/metadata/labels/m~0n"},
        {"op": "add", "path": "/metadata/labels/~01", "value": "y"},
    ]
    assert apply_json_patch(DOC, patch)["metadata"]["labels"] == {"a/b": "x", "~1": "y"}


def test_root_operations() -> None:
    assert apply_json_patch(DOC, [{"op": "add", "path": "", "value": [1]}]) == [1]
    assert apply_json_patch(DOC, [{"op": "replace", "path": "", "value": {}}]) == {}


def test_added_values_are_copies() -> None:
    value = {"nested": [1]}
    result = apply_json_patch({}, [{"op": "add", "path": "/a", "value": value}])
    result["a"]["nested"].append(2)
    assert value == {"nested": [1]}


ERROR_CASES = [
    pytest.param({"op": "jump", "path": "/a"}, "operation 0 has op 'jump'", id="unknown-op"),
    pytest.param({"path": "/a"}, "operation 0 has op None", id="missing-op"),
    pytest.param({"op": "add", "value": 1}, "add operation 0 needs a string path", id="no-path"),
    pytest.param({"op": "add", "path": "/spec/z"}, "at '/spec/z' needs a value", id="no-value"),
    pytest.param({"op": "add", "path": "spec", "value": 1}, "must be empty or start", id="no-/"),
    pytest.param({"op": "add", "path": "/a~2", "value": 1}, "'~' not followed", id="bad-escape"),
    pytest.param({"op": "remove", "path": "/spec/nope"}, "the path does not exist", id="rm-miss"),
    pytest.param(
        {"op": "replace", "path": "/spec/nope", "value": 1}, "does not exist", id="replace-missing"
    ),
    pytest.param(
        {"op": "add", "path": "/nope/deeper", "value": 1}, "'/nope' does not exist", id="no-parent"
    ),
    pytest.param(
        {"op": "add", "path": "/spec/list/5", "value": 1}, "index 5 is out of range", id="index-hi"
    ),
    pytest.param(
        {"op": "add", "path": "/spec/list/01", "value": 1}, "'01' is not an array index", id="lz"
    ),
    pytest.param({"op": "remove", "path": "/spec/list/-"}, "'-' is not an array index", id="rm-"),
    pytest.param(
        {"op": "add", "path": "/spec/n/x", "value": 1}, "cannot add to a int value", id="scalar"
    ),
    pytest.param({"op": "remove", "path": ""}, "cannot remove the whole document", id="rm-root"),
    pytest.param(
        {"op": "test", "path": "/spec/flag", "value": 1},
        "failed: found true, expected 1",
        id="test-bool-is-not-1",
    ),
    pytest.param(
        {"op": "move", "from": "/spec", "path": "/spec/child"}, "into one of its own", id="mv-in"
    ),
    pytest.param({"op": "copy", "path": "/x"}, "needs a string from", id="copy-no-from"),
    pytest.param("not-an-op", "operation 0 must be an object", id="op-not-object"),
]


@pytest.mark.parametrize(("operation", "fragment"), ERROR_CASES)
def test_errors_name_op_and_path(operation: Any, fragment: str) -> None:
    with pytest.raises(JsonPatchError) as caught:
        apply_json_patch(DOC, [operation])
    assert fragment in str(caught.value)


def test_failed_patch_leaves_document_alone() -> None:
    snapshot = json.dumps(DOC, sort_keys=True)
    patch = [{"op": "remove", "path": "/spec/n"}, {"op": "remove", "path": "/spec/nope"}]
    with pytest.raises(JsonPatchError, match="operation 1"):
        apply_json_patch(DOC, patch)
    assert json.dumps(DOC, sort_keys=True) == snapshot


def test_patch_must_be_a_list() -> None:
    with pytest.raises(JsonPatchError, match="must be an array"):
        apply_json_patch(DOC, {"op": "add"})  # type: ignore[arg-type]
    assert issubclass(JsonPatchError, ValueError)


@pytest.mark.parametrize(
    ("pointer", "tokens"),
    [("", []), ("/", [""]), ("/a~1b/~0/0", ["a/b", "~", "0"]), ("/~01", ["~1"])],
)
def test_parse_pointer(pointer: str, tokens: list[str]) -> None:
    assert parse_pointer(pointer) == tokens


def test_deep_documents() -> None:
    doc: Any = {}
    for _ in range(5_000):
        doc = {"a": doc}
    path = "/a" * 4_999 + "/leaf"
    result = apply_json_patch(doc, [{"op": "add", "path": path, "value": 1}])
    node = result
    for _ in range(4_999):
        node = node["a"]
    assert node == {"a": {}, "leaf": 1}


MERGE_CASES = [
    pytest.param({"a": "b"}, {"a": "c"}, {"a": "c"}, id="replace"),
    pytest.param({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}, id="add"),
    pytest.param({"a": "b"}, {"a": None}, {}, id="delete"),
    pytest.param({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}, id="delete-one"),
    pytest.param({"a": ["b"]}, {"a": "c"}, {"a": "c"}, id="list-replaced-by-scalar"),
    pytest.param({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}, id="scalar-replaced-by-list"),
    pytest.param({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}, id="nested"),
    pytest.param({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}, id="lists-replaced"),
    pytest.param(["a", "b"], ["c", "d"], ["c", "d"], id="root-list"),
    pytest.param({"a": "b"}, ["c"], ["c"], id="root-replaced"),
    pytest.param({"a": "foo"}, None, None, id="null-patch"),
    pytest.param({"e": None}, {"a": 1}, {"e": None, "a": 1}, id="existing-null-kept"),
    pytest.param([1, 2], {"a": "b", "c": None}, {"a": "b"}, id="list-target-becomes-object"),
    pytest.param({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}, id="nulls-in-new-object"),
]


@pytest.mark.parametrize(("doc", "patch", "expected"), MERGE_CASES)
def test_merge_patch_rfc7386_examples(doc: Any, patch: Any, expected: Any) -> None:
    snapshot = json.dumps(doc)
    assert merge_patch(doc, patch) == expected
    assert json.dumps(doc) == snapshot


def test_merge_patch_deep_and_copied() -> None:
    patch: Any = {"leaf": [1]}
    for _ in range(5_000):
        patch = {"a": patch}
    result = merge_patch({}, patch)
    node = result
    for _ in range(5_000):
        node = node["a"]
    node["leaf"].append(2)
    inner = patch
    for _ in range(5_000):
        inner = inner["a"]
    assert inner == {"leaf": [1]}
