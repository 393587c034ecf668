"""Label selectors, parsed from query strings or from ``LabelSelector`` objects.

Used by the store (:mod:`nto.testing._store`) for lists, watches and deleteCollection, and by
admission (:mod:`nto.testing._admission`) for webhooks' ``objectSelector``/``namespaceSelector``.
A selector is a predicate over an object dict; bad syntax raises
:class:`~nto.testing._errors.ApiError` 400 naming the selector and the bad term. Field selectors,
which depend on the kind, are in :mod:`nto.testing._fields` (it shares the term syntax here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from nto.testing._errors import ApiError
from nto_api.objects import labels_of

Predicate = Callable[[Mapping[str, Any]], bool]

_SET_TERM = re.compile(r"^\s*(!?)\s*([\w./-]+)\s*(?:(in|notin)\s*\(([^)]*)\))?\s*$")
_EQ_TERM = re.compile(r"^\s*([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)\s*$")


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not inside ``( ... )`` value sets."""
    terms, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    terms.append(current)
    return [term for term in terms if term.strip()]


def _labels(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return labels_of(obj)


def _label_term(term: str, selector: str) -> Predicate:
    if match := _EQ_TERM.match(term):
        key, op, value = match.groups()
        if op == "!=":
            return lambda obj: _labels(obj).get(key) != value
        return lambda obj: _labels(obj).get(key) == value
    if match := _SET_TERM.match(term):
        negated, key, op, values_text = match.groups()
        if op is None:
            if negated:
                return lambda obj: key not in _labels(obj)
            return lambda obj: key in _labels(obj)
        if not negated:
            values = {v.strip() for v in values_text.split(",") if v.strip()}
            if op == "in":
                return lambda obj: _labels(obj).get(key) in values
            return lambda obj: _labels(obj).get(key) not in values
    raise ApiError(
        400,
        f"unable to parse requirement {term.strip()!r} in labelSelector {selector!r};"
        " use key=value, key!=value, key in (a,b), key notin (a,b), key or !key",
    )


def parse_label_selector(selector: str | None) -> Predicate | None:
    """A predicate for a ``labelSelector`` query value, or None when it selects everything."""
    if not selector or not selector.strip():
        return None
    predicates = [_label_term(term, selector) for term in _split_terms(selector)]
    return lambda obj: all(predicate(obj) for predicate in predicates)


def from_label_selector_object(selector: Mapping[str, Any] | None) -> Predicate | None:
    """A predicate for a structured ``LabelSelector`` (matchLabels and matchExpressions)."""
    if not selector:
        return None
    terms = [f"{key}={value}" for key, value in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In":
            terms.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            terms.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            terms.append(str(key))
        elif op == "DoesNotExist":
            terms.append(f"!{key}")
        else:
            raise ApiError(400, f"label selector operator {op!r} for key {key!r} is not valid")
    return parse_label_selector(",".join(terms))
