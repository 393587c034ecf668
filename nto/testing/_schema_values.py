"""JSON value helpers shared by :mod:`nto.testing.schema` and :mod:`nto.testing._jsonpatch`.

Everything here works on JSON-like values (dict, list, str, int, float, bool, None) and survives
hostile ones: copies are iterative, so a document nested 10,000 levels deep is copied without a
``RecursionError``. The ``go_*`` helpers print values the way kube-apiserver's Go code prints them
in field errors (``%q`` for strings, ``%v`` for numbers), so our messages read like the real ones.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Status cause reasons, as kube-apiserver names them in ``details.causes[].reason``.
REASON_REQUIRED = "FieldValueRequired"
REASON_INVALID = "FieldValueInvalid"
REASON_NOT_SUPPORTED = "FieldValueNotSupported"
REASON_TOO_LONG = "FieldValueTooLong"
REASON_TOO_MANY = "FieldValueTooMany"
REASON_DUPLICATE = "FieldValueDuplicate"
REASON_FORBIDDEN = "FieldValueForbidden"


@dataclass(frozen=True)
class FieldError:
    """One validation failure, shaped like a kube-apiserver ``field.Error``.

    ``field`` is the path (``spec.cpu.reserved``, ``spec.recommend[0].priority``, map entries as
    ``spec.machineConfigLabels.foo``); ``message`` is the error body without the path
    (``Required value``); ``reason`` is the Status cause reason. ``str()`` gives
    ``"<field>: <message>"``, the line kubectl prints.
    """

    field: str
    message: str
    reason: str = REASON_INVALID

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


def copy_json(value: Any) -> Any:
    """Deep-copy dicts and lists iteratively (any depth); other values are shared."""
    if not isinstance(value, dict | list):
        return value
    root: Any = {} if isinstance(value, dict) else []
    stack: list[tuple[Any, Any]] = [(value, root)]
    while stack:
        source, target = stack.pop()
        pairs = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in pairs:
            if isinstance(item, dict):
                copied: Any = {}
                stack.append((item, copied))
            elif isinstance(item, list):
                copied = []
                stack.append((item, copied))
            else:
                copied = item
            if isinstance(target, dict):
                target[key] = copied
            else:
                target.append(copied)
    return root


def type_name(value: Any) -> str:
    """The JSON type name of ``value`` as kube-openapi spells it (``object``, ``null``...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def go_quote(text: str) -> str:
    """A string quoted like Go's ``%q`` (close enough: JSON escapes, unicode kept)."""
    return json.dumps(text, ensure_ascii=False)


def go_float(number: float) -> str:
    """A float printed like Go's ``%v``: ``1.5``, ``100000``, ``1e+06``, ``1e-05``, ``NaN``."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    sign, digits, exponent = Decimal(repr(number)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    point = len(digits) + exponent  # position of the decimal point in ``text``
    exp = point - 1
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:  # Go's shortest %v switches to exponent form here
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{prefix}0.{'0' * -point}{text}"
    if point >= len(text):
        return prefix + text + "0" * (point - len(text))
    return f"{prefix}{text[:point]}.{text[point:]}"


def go_number(value: int | float) -> str:
    """An int printed plainly, a float printed like Go's ``%v``."""
    return go_float(value) if isinstance(value, float) else str(value)


def go_value(value: Any) -> str:
    """A bad value as kube-apiserver prints it after ``Invalid value:``.

    Strings are quoted, numbers and booleans printed bare, ``null`` for None; objects and arrays
    are printed as compact JSON (Go prints its own struct syntax there, which helps nobody).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return go_number(value)
    if isinstance(value, str):
        return go_quote(value)
    return short_json(value)


def short_json(value: Any, *, limit: int = 200) -> str:
    """Compact JSON of ``value``, cut at ``limit`` characters; never raises."""
    try:
        text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = f"<{type_name(value)}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def identity_key(value: Any) -> Any:
    """A hashable key equal for equal JSON values (``1`` and ``true`` stay apart); never raises.

    Containers are keyed by their canonical JSON text, so ``{"a": 1}`` and ``{"a": 1.0}`` differ.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type_name(value), value)
    if isinstance(value, int | float):
        return ("number", value)  # 2 and 2.0 are one JSON number (kube-openapi converts too)
    try:
        return ("json", json.dumps(value, separators=(",", ":"), sort_keys=True))
    except (TypeError, ValueError, RecursionError):
        return ("identity", id(value))


def json_equal(left: Any, right: Any) -> bool:
    """JSON equality: numbers compare by value, booleans are not numbers; any depth."""
    stack: list[tuple[Any, Any]] = [(left, right)]
    while stack:
        a, b = stack.pop()
        if isinstance(a, dict) and isinstance(b, dict):
            if a.keys() != b.keys():
                return False
            stack.extend((a[key], b[key]) for key in a)
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                return False
            stack.extend(zip(a, b, strict=True))
        elif _scalars_differ(a, b):
            return False
    return True


def _scalars_differ(a: Any, b: Any) -> bool:
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return True  # a container against anything but its own kind
    if type_name(a) != type_name(b) and not _both_numbers(a, b):
        return True
    return bool(a != b)


def _both_numbers(a: Any, b: Any) -> bool:
    return type_name(a) in {"integer", "number"} and type_name(b) in {"integer", "number"}
