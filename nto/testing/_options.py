"""List and watch query parameters, checked as the kube-apiserver checks its ``ListOptions``.

A real server refuses contradictory parameters with ``422 Invalid`` on ``ListOptions.meta.k8s.io``
before it reads anything; a client that gets away with them here would fail on a real cluster.
The rules (the WatchList feature on, as in current servers):

- watch: ``sendInitialEvents`` (either value) needs ``resourceVersionMatch=NotOlderThan``;
  ``resourceVersionMatch`` needs ``sendInitialEvents``, accepts only ``NotOlderThan`` and not
  with ``continue``;
- list: ``resourceVersionMatch`` needs ``resourceVersion``, not with ``continue``, only
  ``Exact``/``NotOlderThan``, and ``Exact`` not at ``"0"``; ``sendInitialEvents`` is refused.

``sendInitialEvents=true`` without ``allowWatchBookmarks=true`` is accepted, as a real server
does, but then no ``k8s.io/initial-events-end`` bookmark is sent (the router,
:mod:`nto.testing._handler`, asks :func:`initial_events` and :func:`bookmarks_allowed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from nto.testing._errors import ApiError

NOT_OLDER_THAN: Final = "NotOlderThan"
EXACT: Final = "Exact"
_TRUE: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_FALSE: Final = frozenset({"0", "f", "F", "FALSE", "false", "False"})
_MATCH: Final = "resourceVersionMatch"
_INITIAL: Final = "sendInitialEvents"


def _flag(query: Mapping[str, str], name: str) -> bool | None:
    """A boolean query parameter as Go's ParseBool reads it; None when absent."""
    value = query.get(name)
    if value is None:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ApiError(400, f"query parameter {name}={value!r} is not a boolean; use true or false")


def initial_events(query: Mapping[str, str]) -> bool | None:
    """``sendInitialEvents``: True, False, or None when the client did not say."""
    return _flag(query, _INITIAL)


def bookmarks_allowed(query: Mapping[str, str]) -> bool:
    return bool(_flag(query, "allowWatchBookmarks"))


def timeout_seconds(query: Mapping[str, str], default: float = 1800) -> float:
    """``timeoutSeconds`` of a watch: a whole number of seconds (400 otherwise)."""
    value = query.get("timeoutSeconds")
    if not value:
        return default
    try:
        seconds = int(value)
    except ValueError:
        raise ApiError(
            400, f"query parameter timeoutSeconds={value!r} is not a whole number of seconds"
        ) from None
    return float(max(seconds, 0))


def _forbidden(field: str, detail: str) -> tuple[str, str, str]:
    return ("FieldValueForbidden", field, f"Forbidden: {detail}")


def _unsupported(field: str, value: str, supported: tuple[str, ...]) -> tuple[str, str, str]:
    values = ", ".join(f'"{v}"' for v in supported)
    message = f'Unsupported value: "{value}": supported values: {values}'
    return ("FieldValueNotSupported", field, message)


def _watch_errors(query: Mapping[str, str]) -> list[tuple[str, str, str]]:
    errors = []
    match = query.get(_MATCH) or ""
    if initial_events(query) is not None and match != NOT_OLDER_THAN:
        errors.append(
            _forbidden(_MATCH, f"sendInitialEvents requires setting {_MATCH} to {NOT_OLDER_THAN}")
        )
    if match:
        if initial_events(query) is None:
            errors.append(
                _forbidden(_MATCH, f"{_MATCH} is forbidden for watch unless {_INITIAL} is provided")
            )
        if match != NOT_OLDER_THAN:
            errors.append(_unsupported(_MATCH, match, (NOT_OLDER_THAN,)))
        if query.get("continue"):
            errors.append(_forbidden(_MATCH, f"{_MATCH} is forbidden when continue is provided"))
    return errors


def _list_errors(query: Mapping[str, str]) -> list[tuple[str, str, str]]:
    errors = []
    match = query.get(_MATCH) or ""
    version = query.get("resourceVersion") or ""
    if match:
        if not version:
            errors.append(
                _forbidden(_MATCH, f"{_MATCH} is forbidden unless resourceVersion is provided")
            )
        if query.get("continue"):
            errors.append(_forbidden(_MATCH, f"{_MATCH} is forbidden when continue is provided"))
        if match not in (EXACT, NOT_OLDER_THAN):
            errors.append(_unsupported(_MATCH, match, (EXACT, NOT_OLDER_THAN, "")))
        if match == EXACT and version == "0":
            errors.append(
                _forbidden(_MATCH, f'{_MATCH} "exact" is forbidden for resourceVersion "0"')
            )
    if initial_events(query) is not None:
        errors.append(_forbidden(_INITIAL, f"{_INITIAL} is forbidden for list"))
    return errors


def check_list_options(query: Mapping[str, str], *, watch: bool) -> None:
    """Raise the real server's 422 when the list/watch parameters contradict each other."""
    errors = _watch_errors(query) if watch else _list_errors(query)
    if not errors:
        return
    rendered = [f"{field}: {message}" for _, field, message in errors]
    summary = rendered[0] if len(rendered) == 1 else f"[{', '.join(rendered)}]"
    raise ApiError(
        422,
        f'ListOptions.meta.k8s.io "" is invalid: {summary}',
        reason="Invalid",
        details={
            "group": "meta.k8s.io",
            "kind": "ListOptions",
            "causes": [
                {"reason": reason, "message": message, "field": field}
                for reason, field, message in errors
            ],
        },
    )
