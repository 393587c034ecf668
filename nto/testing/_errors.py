"""API errors of the emulated API server, rendered as Kubernetes ``Status`` objects.

Every failure the emulator reports (404, 409, 410, 422, admission denials, injected faults) is an
:class:`ApiError`; :mod:`nto.testing._handler` turns it into a JSON ``Status`` response and
:mod:`nto.testing._watch` into an ``ERROR`` watch event. The store (:mod:`nto.testing._store`)
raises them; it never builds HTTP responses itself.
"""

from __future__ import annotations

import json
from typing import Any

_REASONS = {
    400: "BadRequest",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


class ApiError(Exception):
    """A request the emulated API server refuses, with the ``Status`` fields to report."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason or _REASONS.get(code, "Unknown")
        self.details = details or {}
        self.list_continue = ""  # metadata.continue of the Status (paging 410s only)

    def status(self) -> dict[str, Any]:
        """The ``Status`` object a real API server would send for this error."""
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {"continue": self.list_continue} if self.list_continue else {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            body["details"] = self.details
        return body


def _quote(text: str) -> str:
    """``text`` quoted like Go's ``%q``, which every apimachinery error message uses."""
    return json.dumps(text, ensure_ascii=False)


def _details(name: str, group: str, kind: str, **extra: Any) -> dict[str, Any]:
    """``StatusDetails``: ``group`` is ``omitempty``, so the core group leaves it out."""
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = kind
    details.update(extra)
    return details


def not_found(plural: str, group: str, name: str) -> ApiError:
    """404 as apimachinery ``errors.NewNotFound``: ``pods "nope" not found``."""
    qualified = f"{plural}.{group}" if group else plural
    return ApiError(
        404, f"{qualified} {_quote(name)} not found", details=_details(name, group, plural)
    )


def already_exists(plural: str, group: str, name: str) -> ApiError:
    """409 as ``errors.NewAlreadyExists``: ``configmaps "a" already exists``."""
    qualified = f"{plural}.{group}" if group else plural
    return ApiError(
        409,
        f"{qualified} {_quote(name)} already exists",
        reason="AlreadyExists",
        details=_details(name, group, plural),
    )


CONFLICT_DETAIL = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


def conflict(plural: str, group: str, name: str, detail: str = CONFLICT_DETAIL) -> ApiError:
    """409 as ``errors.NewConflict`` for a stale metadata.resourceVersion (or precondition)."""
    qualified = f"{plural}.{group}" if group else plural
    return ApiError(
        409,
        f"Operation cannot be fulfilled on {qualified} {_quote(name)}: {detail}",
        reason="Conflict",
        details=_details(name, group, plural),
    )


Cause = tuple[str, str] | tuple[str, str, str]  # (field, error body[, cause reason])


def invalid(kind: str, group: str, name: str, causes: list[Cause]) -> ApiError:
    """422 as ``errors.NewInvalid``: ``Pod "a/b" is invalid: metadata.name: Invalid value: ...``.

    ``causes`` are (field, error body) pairs, optionally with the cause reason
    (``FieldValueInvalid`` when left out). The message names the kind as a ``GroupKind``
    (``Pod``, ``Deployment.apps``) and aggregates the ``field: body`` lines like
    ``ErrorList.ToAggregate``: one as is, several in ``[a, b]``, duplicates dropped.
    """
    lines: list[str] = []
    entries: list[dict[str, Any]] = []
    for cause in causes:
        field, body = cause[0], cause[1]
        reason = cause[2] if len(cause) == 3 else "FieldValueInvalid"
        line = f"{field}: {body}" if field else body
        if line not in lines:
            lines.append(line)
        entries.append({"reason": reason, "message": body, "field": field})
    summary = lines[0] if len(lines) == 1 else f"[{', '.join(lines)}]"
    group_kind = f"{kind}.{group}" if group else kind
    return ApiError(
        422,
        f"{group_kind} {_quote(name)} is invalid: {summary}",
        reason="Invalid",
        details=_details(name, group, kind, causes=entries),
    )


def bad_request(message: str) -> ApiError:
    """400 as ``errors.NewBadRequest``: the message is passed through unchanged."""
    return ApiError(400, message, reason="BadRequest")


def expired(message: str, *, continue_token: str = "") -> ApiError:
    """410 as ``errors.NewResourceExpired``; a paging error may carry a fresh continue token."""
    error = ApiError(410, message, reason="Expired")
    if continue_token:
        error.list_continue = continue_token
    return error
