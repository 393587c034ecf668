"""JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386) over JSON-like values.

The one JSON Patch of the emulated API server: :mod:`nto.testing._patch` calls it for
``application/json-patch+json``, ``application/merge-patch+json`` and server-side apply PATCH
requests (turning :class:`JsonPatchError` into a 422), and :mod:`nto.testing._admission` for the
patches that mutating webhooks return. Both functions return a new document and never
modify their inputs; both work at any nesting depth. A patch that cannot be applied raises
:class:`JsonPatchError` naming the operation, its index and the path; the document is then
left as it was (operations apply to a private copy, all or nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nto.testing._schema_values import copy_json, json_equal, short_json

__all__ = ["JsonPatchError", "apply_json_patch", "merge_patch", "parse_pointer"]

_OPS = frozenset({"add", "remove", "replace", "move", "copy", "test"})


class JsonPatchError(ValueError):
    """A JSON patch is malformed or does not apply to the document."""


def parse_pointer(pointer: str) -> list[str]:
    """The reference tokens of a JSON pointer (RFC 6901): ``"/a~1b/0"`` -> ``["a/b", "0"]``."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise JsonPatchError(f"JSON pointer {pointer!r} must be empty or start with '/'")
    tokens = pointer[1:].split("/")
    for token in tokens:
        rest = token.replace("~0", "").replace("~1", "")
        if "~" in rest:
            raise JsonPatchError(f"JSON pointer {pointer!r} has a '~' not followed by 0 or 1")
    return [token.replace("~1", "/").replace("~0", "~") for token in tokens]


def apply_json_patch(doc: Any, patch: Sequence[Mapping[str, Any]]) -> Any:
    """``doc`` with the operations of ``patch`` applied in order (RFC 6902)."""
    if not isinstance(patch, list | tuple):
        raise JsonPatchError(
            f"a JSON patch must be an array of operations, got {short_json(patch)}"
        )
    result = copy_json(doc)
    for number, operation in enumerate(patch):
        result = _apply_one(result, operation, number)
    return result


def _apply_one(doc: Any, operation: Any, number: int) -> Any:
    if not isinstance(operation, Mapping):
        raise JsonPatchError(f"operation {number} must be an object, got {short_json(operation)}")
    op, path = operation.get("op"), operation.get("path")
    if op not in _OPS:
        raise JsonPatchError(
            f"operation {number} has op {op!r}; use one of {', '.join(sorted(_OPS))}"
        )
    if not isinstance(path, str):
        raise JsonPatchError(f"{op} operation {number} needs a string path, got {path!r}")
    where = f"{op} operation {number} at {path!r}"
    tokens = _tokens(path, where)
    if op in {"add", "replace", "test"} and "value" not in operation:
        raise JsonPatchError(f"{where} needs a value")
    if op == "add":
        return _add(doc, tokens, copy_json(operation["value"]), where)
    if op == "remove":
        return _remove(doc, tokens, where)[0]
    if op == "replace":
        if not tokens:
            return copy_json(operation["value"])
        _get(doc, tokens, where)
        return _add(_remove(doc, tokens, where)[0], tokens, copy_json(operation["value"]), where)
    if op == "test":
        actual = _get(doc, tokens, where)
        if not json_equal(actual, operation["value"]):
            raise JsonPatchError(
                f"{where} failed: found {short_json(actual)}, "
                f"expected {short_json(operation['value'])}"
            )
        return doc
    source = operation.get("from")
    if not isinstance(source, str):
        raise JsonPatchError(f"{where} needs a string from, got {source!r}")
    from_tokens = _tokens(source, where)
    if op == "copy":
        return _add(doc, tokens, copy_json(_get(doc, from_tokens, where)), where)
    if tokens[: len(from_tokens)] == from_tokens and len(tokens) > len(from_tokens):
        raise JsonPatchError(f"{where} cannot move {source!r} into one of its own children")
    doc, value = _remove(doc, from_tokens, where)
    return _add(doc, tokens, value, where)


def _tokens(pointer: str, where: str) -> list[str]:
    try:
        return parse_pointer(pointer)
    except JsonPatchError as error:
        raise JsonPatchError(f"{where}: {error}") from None


def _index(container: list[Any], token: str, where: str, *, inserting: bool) -> int:
    limit = len(container) if inserting else len(container) - 1
    if token == "-" and inserting:
        return len(container)
    if not token.isdigit() or not token.isascii() or (len(token) > 1 and token[0] == "0"):
        raise JsonPatchError(f"{where}: {token!r} is not an array index")
    position = int(token)
    if position > limit:
        raise JsonPatchError(f"{where}: index {position} is out of range (length {len(container)})")
    return position


def _parent(doc: Any, tokens: list[str], where: str) -> Any:
    """The container that holds the last token of ``tokens``."""
    node = doc
    for depth, token in enumerate(tokens[:-1]):
        if isinstance(node, dict):
            if token not in node:
                missing = "/" + "/".join(tokens[: depth + 1])
                raise JsonPatchError(f"{where}: {missing!r} does not exist")
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, where, inserting=False)]
        else:
            raise JsonPatchError(f"{where}: cannot descend into a {type(node).__name__} value")
    return node


def _get(doc: Any, tokens: list[str], where: str) -> Any:
    if not tokens:
        return doc
    parent, token = _parent(doc, tokens, where), tokens[-1]
    if isinstance(parent, dict):
        if token not in parent:
            raise JsonPatchError(f"{where}: the path does not exist")
        return parent[token]
    if isinstance(parent, list):
        return parent[_index(parent, token, where, inserting=False)]
    raise JsonPatchError(f"{where}: cannot descend into a {type(parent).__name__} value")


def _add(doc: Any, tokens: list[str], value: Any, where: str) -> Any:
    if not tokens:
        return value
    parent, token = _parent(doc, tokens, where), tokens[-1]
    if isinstance(parent, dict):
        parent[token] = value
    elif isinstance(parent, list):
        parent.insert(_index(parent, token, where, inserting=True), value)
    else:
        raise JsonPatchError(f"{where}: cannot add to a {type(parent).__name__} value")
    return doc


def _remove(doc: Any, tokens: list[str], where: str) -> tuple[Any, Any]:
    """``doc`` without the value at ``tokens``, and that value."""
    if not tokens:
        raise JsonPatchError(f"{where}: cannot remove the whole document")
    parent, token = _parent(doc, tokens, where), tokens[-1]
    if isinstance(parent, dict):
        if token not in parent:
            raise JsonPatchError(f"{where}: the path does not exist")
        return doc, parent.pop(token)
    if isinstance(parent, list):
        return doc, parent.pop(_index(parent, token, where, inserting=False))
    raise JsonPatchError(f"{where}: cannot remove from a {type(parent).__name__} value")


def merge_patch(doc: Any, patch: Any) -> Any:
    """``doc`` with the JSON merge patch ``patch`` applied (RFC 7386): ``null`` deletes a key,
    objects merge recursively, anything else replaces."""
    if not isinstance(patch, dict):
        return copy_json(patch)
    root: dict[Any, Any] = copy_json(doc) if isinstance(doc, dict) else {}
    stack: list[tuple[dict[Any, Any], dict[Any, Any]]] = [(root, patch)]
    while stack:
        target, changes = stack.pop()
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            elif isinstance(value, dict):
                child = target.get(key)
                if not isinstance(child, dict):
                    child = target[key] = {}
                stack.append((child, value))
            else:
                target[key] = copy_json(value)
    return root
