"""The JSONPath subset of CRD ``additionalPrinterColumns``, evaluated for server-side Tables.

Kubernetes columns use "simple JSON paths": ``.metadata.name``, ``.spec.list[0]``,
``.spec.list[*].name``, ``['dotted.key']`` and filters such as
``.status.conditions[?(@.type=="Ready")].status`` (``==``/``!=`` against a quoted string, a
number, ``true``/``false``; or a bare ``@.field`` for presence). :func:`compile_path` parses one
into steps once; :func:`find` returns every match in document order. The Table builder
(:mod:`nto.testing._table`) shows the first match, as the apiserver's CRD table convertor does.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

Step = Callable[[list[Any]], list[Any]]

_TOKEN = re.compile(
    r"""\.\.?(?P<field>[A-Za-z0-9_\-$]+|\*)"""
    r"""|\[\s*(?P<quoted>'[^']*'|"[^"]*")\s*\]"""
    r"""|\[\s*(?P<index>-?\d+|\*)\s*\]"""
    r"""|\[\s*\?\(\s*(?P<filter>[^\]]*?)\s*\)\s*\]"""
)
_FILTER = re.compile(r"""@(?P<path>(?:\.[A-Za-z0-9_\-]+)+)\s*(?:(?P<op>==|!=)\s*(?P<value>.+))?$""")


class JsonPathError(ValueError):
    """A path this subset cannot parse; the message names the path and the position."""


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    return []


def _field(name: str) -> Step:
    if name == "*":
        return lambda values: [child for value in values for child in _children(value)]
    return lambda values: [v[name] for v in values if isinstance(v, dict) and name in v]


def _index(text: str) -> Step:
    if text == "*":
        return lambda values: [item for v in values if isinstance(v, list) for item in v]
    position = int(text)

    def step(values: list[Any]) -> list[Any]:
        found = []
        for value in values:
            if isinstance(value, list) and -len(value) <= position < len(value):
                found.append(value[position])
        return found

    return step


def _literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return json.loads(text)
    except ValueError:
        raise JsonPathError(f"cannot read the filter value {text!r}") from None


def _filter(expression: str, path: str) -> Step:
    match = _FILTER.match(expression)
    if match is None:
        raise JsonPathError(f"unsupported filter {expression!r} in JSONPath {path!r}")
    keys = match["path"].strip(".").split(".")
    op = match["op"]
    expected = _literal(match["value"]) if op else None

    def lookup(item: Any) -> tuple[bool, Any]:
        for key in keys:
            if not isinstance(item, dict) or key not in item:
                return False, None
            item = item[key]
        return True, item

    def keep(item: Any) -> bool:
        present, value = lookup(item)
        if op is None:
            return present
        return present and (value == expected) == (op == "==")

    return lambda values: [
        item for v in values for item in (v if isinstance(v, list) else []) if keep(item)
    ]


@functools.lru_cache(maxsize=256)
def compile_path(path: str) -> tuple[Step, ...]:
    """Parse ``path`` (with or without the ``{...}`` braces kubectl accepts) into steps."""
    text = path.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    if text.startswith("$"):
        text = text[1:]
    steps: list[Step] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise JsonPathError(f"cannot parse JSONPath {path!r} at {text[position:]!r}")
        if match["field"] is not None:
            steps.append(_field(match["field"]))
        elif match["quoted"] is not None:
            steps.append(_field(match["quoted"][1:-1]))
        elif match["index"] is not None:
            steps.append(_index(match["index"]))
        else:
            steps.append(_filter(match["filter"], path))
        position = match.end()
    return tuple(steps)


def find(path: str, document: Any) -> list[Any]:
    """Every value ``path`` selects in ``document``, in document order (empty when none)."""
    values = [document]
    for step in compile_path(path):
        values = step(values)
        if not values:
            break
    return values
