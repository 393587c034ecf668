"""Status conditions as wire dicts: merge one in, compare lists ignoring timestamps.

Used for the Tuned ``Valid`` condition and the ClusterOperator conditions. A merged condition
keeps its ``lastTransitionTime`` while its status stays the same (reason and message may change);
a new status gets the time passed in. Nothing here reads the clock. Neighbours: `validation`,
`status`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from nto_api.objects import JSONDict

__all__ = ["conditions_equal", "find_condition", "format_time", "parse_time", "set_condition"]


def format_time(moment: datetime) -> str:
    """RFC 3339 in UTC with second precision, as the API server writes ``metav1.Time``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: Any) -> datetime | None:
    """The moment in an RFC 3339 timestamp, or None when absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def find_condition(conditions: Sequence[Any], type_: str) -> Mapping[str, Any] | None:
    """The condition of `type_` in `conditions`, if any."""
    for condition in conditions:
        if isinstance(condition, Mapping) and condition.get("type") == type_:
            return condition
    return None


def set_condition(
    conditions: Sequence[Any],
    *,
    type_: str,
    status: str,
    reason: str,
    message: str,
    now: datetime,
) -> list[JSONDict]:
    """`conditions` with `type_` set; others kept in place, a new type appended."""
    old = find_condition(conditions, type_)
    time = format_time(now)
    if old is not None and old.get("status") == status and old.get("lastTransitionTime"):
        time = old["lastTransitionTime"]
    new: JSONDict = {
        "type": type_,
        "status": status,
        "lastTransitionTime": time,
        "reason": reason,
        "message": message,
    }
    merged = [
        new if condition is old else dict(condition)
        for condition in conditions
        if isinstance(condition, Mapping)
    ]
    if old is None:
        merged.append(new)
    return merged


def _key(condition: Any) -> tuple[Any, ...]:
    if not isinstance(condition, Mapping):
        return (repr(condition),)
    return (
        condition.get("type"),
        condition.get("status"),
        condition.get("reason") or "",
        condition.get("message") or "",
    )


def conditions_equal(old: Sequence[Any] | None, new: Sequence[Any] | None) -> bool:
    """Whether both lists hold the same conditions, ignoring order and lastTransitionTime."""
    return sorted(map(_key, old or []), key=repr) == sorted(map(_key, new or []), key=repr)
