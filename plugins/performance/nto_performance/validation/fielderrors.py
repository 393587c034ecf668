"""Field errors of PerformanceProfile validation, and the one ``Invalid`` status they add up to.

The rules (:mod:`nto_performance.validation.rules`) return :class:`FieldError` values; the
admission webhook (:mod:`nto_performance.webhooks.admission`) turns the whole list into one
Kubernetes ``Status`` with reason ``Invalid`` (HTTP 422), GroupKind
``performance.openshift.io/PerformanceProfile`` and one ``details.causes`` entry per error, the way
the API server reports ``field.ErrorList`` values.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from nto_api.names import PERFORMANCE_GROUP, PERFORMANCE_KIND

__all__ = ["ErrorType", "FieldError", "invalid_message", "invalid_status", "summarize"]

_MAX_VALUE_CHARS: Final = 80
_MAX_LISTED: Final = 5


class ErrorType(enum.Enum):
    """Kinds of field error; the values are the API's ``StatusCause`` reasons."""

    REQUIRED = "FieldValueRequired"
    INVALID = "FieldValueInvalid"
    FORBIDDEN = "FieldValueForbidden"
    DUPLICATE = "FieldValueDuplicate"
    NOT_SUPPORTED = "FieldValueNotSupported"

    @property
    def label(self) -> str:
        """The words the API server puts between the field path and the detail."""
        return _LABELS[self]


_LABELS: Final = {
    ErrorType.REQUIRED: "Required value",
    ErrorType.INVALID: "Invalid value",
    ErrorType.FORBIDDEN: "Forbidden",
    ErrorType.DUPLICATE: "Duplicate value",
    ErrorType.NOT_SUPPORTED: "Unsupported value",
}
_SHOWS_VALUE: Final = {ErrorType.INVALID, ErrorType.DUPLICATE, ErrorType.NOT_SUPPORTED}


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``spec.cpu.reserved: Invalid value: "0-1x": <detail>``."""

    type: ErrorType
    field: str
    detail: str
    value: Any = None

    def __str__(self) -> str:
        if self.type in _SHOWS_VALUE and self.value is not None:
            return f"{self.field}: {self.type.label}: {_show(self.value)}: {self.detail}"
        return f"{self.field}: {self.type.label}: {self.detail}"

    def cause(self) -> dict[str, str]:
        """The ``details.causes`` entry of this error."""
        text = str(self)
        return {"reason": self.type.value, "message": text, "field": self.field}


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        return f"{text[: _MAX_VALUE_CHARS - 20]}... ({len(text)} characters)"
    return text


def summarize(items: Sequence[str], limit: int = _MAX_LISTED) -> str:
    """``a, b, c`` or ``a, b, c, d, e and 95 more``: keeps messages short for hostile input."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def invalid_message(name: str, errors: Sequence[FieldError]) -> str:
    """``PerformanceProfile.performance.openshift.io "manual" is invalid: [...]``."""
    listing = ", ".join(str(error) for error in errors)
    return f"{PERFORMANCE_KIND}.{PERFORMANCE_GROUP} {json.dumps(name)} is invalid: [{listing}]"


def invalid_status(name: str, errors: Sequence[FieldError]) -> dict[str, Any]:
    """The ``Status`` (reason Invalid, code 422) that denies a profile with these errors."""
    return {
        "status": "Failure",
        "code": 422,
        "reason": "Invalid",
        "message": invalid_message(name, errors),
        "details": {
            "name": name,
            "group": PERFORMANCE_GROUP,
            "kind": PERFORMANCE_KIND,
            "causes": [error.cause() for error in errors],
        },
    }
