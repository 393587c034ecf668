"""A `TunedReport` to the Profile's ``Applied`` and ``Degraded`` conditions (first match wins).

Reasons and messages are the reference's; the operator's ClusterOperator status and users'
scripts read them. One addition of ours: `InvalidProfile` (Degraded) when the Profile cannot be
unpacked safely, which the reference has no guard for. Pure; the caller passes the clock.
Neighbours: `logparse` (the report), `daemon` (writes ``status``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from nto.operand.logparse import TunedReport

APPLIED: Final = "Applied"
DEGRADED: Final = "Degraded"

DEFERRED_APPLIED_MSG: Final = "The TuneD daemon profile is waiting for the next node restart"
APPLIED_MSG: Final = "TuneD profile applied."
FAILED_MSG: Final = "The TuneD daemon profile not yet applied, or application failed."
ERROR_MSG: Final = (
    "TuneD daemon issued one or more error message(s) during profile application. TuneD stderr: "
)
DEFERRED_DEGRADED_MSG: Final = "Profile will be applied at the next node restart"
SYSCTL_MSG: Final = (
    "TuneD daemon issued one or more sysctl override message(s) during profile application. "
    "Use reapply_sysctl=true or remove conflicting sysctl "
)
WARNING_MSG: Final = (
    "No error messages observed by applying the TuneD daemon profile, only warning(s). "
    "TuneD stderr: "
)
CLEAN_MSG: Final = "No warning or error messages observed applying the TuneD daemon profile."
INVALID_REASON: Final = "InvalidProfile"

Condition = dict[str, str]


def _with_suffix(text: str, message: str) -> str:
    return f"{text}: {message}" if message else text


def _condition(kind: str, status: str, reason: str, message: str) -> Condition:
    return {"type": kind, "status": status, "reason": reason, "message": message}


def applied_condition(report: TunedReport) -> Condition:
    """The ``Applied`` condition (without lastTransitionTime)."""
    if report.unknown:
        return _condition(APPLIED, "Unknown", "Unknown", "")
    if report.deferred:
        return _condition(
            APPLIED, "False", "Deferred", _with_suffix(DEFERRED_APPLIED_MSG, report.message)
        )
    if report.applied:
        return _condition(APPLIED, "True", "AsExpected", APPLIED_MSG)
    return _condition(APPLIED, "False", "Failed", FAILED_MSG)


def degraded_condition(report: TunedReport) -> Condition:
    """The ``Degraded`` condition (without lastTransitionTime)."""
    if report.unknown:
        return _condition(DEGRADED, "Unknown", "Unknown", "")
    if report.error:
        return _condition(DEGRADED, "True", "TunedError", ERROR_MSG + report.message)
    if report.deferred:
        return _condition(
            DEGRADED,
            "True",
            "TunedDeferredUpdate",
            _with_suffix(DEFERRED_DEGRADED_MSG, report.message),
        )
    if report.sysctl_override:
        return _condition(DEGRADED, "True", "TunedSysctlOverride", SYSCTL_MSG + report.message)
    if report.warning:
        return _condition(DEGRADED, "False", "TunedWarning", WARNING_MSG + report.message)
    return _condition(DEGRADED, "False", "AsExpected", CLEAN_MSG)


def invalid_conditions(message: str) -> list[Condition]:
    """Conditions for a Profile the operand refused to unpack."""
    return [
        _condition(APPLIED, "False", "Failed", FAILED_MSG),
        _condition(DEGRADED, "True", INVALID_REASON, message),
    ]


def compute_conditions(report: TunedReport) -> list[Condition]:
    """``[Applied, Degraded]`` for `report`."""
    return [applied_condition(report), degraded_condition(report)]


def stamp(
    new: Sequence[Condition],
    old: Sequence[Mapping[str, Any]] | None,
    now: str,
) -> list[dict[str, str]]:
    """Add lastTransitionTime: kept from `old` when the status did not change, else `now`."""
    previous = {c.get("type"): c for c in old or [] if isinstance(c, Mapping)}
    stamped = []
    for condition in new:
        before = previous.get(condition["type"])
        keep = before is not None and before.get("status") == condition["status"]
        time = str(before.get("lastTransitionTime") or now) if keep and before else now
        stamped.append({**condition, "lastTransitionTime": time})
    return stamped


def same_conditions(a: Sequence[Mapping[str, Any]] | None, b: Sequence[Mapping[str, Any]]) -> bool:
    """Equal ignoring lastTransitionTime and order."""

    def key(items: Sequence[Mapping[str, Any]] | None) -> list[tuple[Any, ...]]:
        return sorted(
            (c.get("type"), c.get("status"), c.get("reason"), c.get("message"))
            for c in items or []
            if isinstance(c, Mapping)
        )

    return key(a) == key(b)
