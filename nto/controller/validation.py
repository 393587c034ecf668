"""The ``Valid`` condition of each Tuned, and the cluster-wide conflicting-duplicate state.

Reference rules (messages exact):

- any recommend uses ``type: pod`` at any nesting depth ->
  ``Deprecated pod label matching detected.``;
- a TuneD profile name defined elsewhere (in another Tuned, or twice in this one) with different
  ``data`` -> ``Duplicate TuneD profile "<name>" with conflicting content detected.``. Same name
  with the same data is fine. While such a conflict exists no Profile is updated anywhere.

When both apply, the duplicate message wins: it is the one that stops all Profile updates.

Our additions (the CRD cannot express them; the operand turns profile names into directory names
under /var/lib/ocp-tuned/profiles): a profile or recommend that names a TuneD profile that is empty,
longer than 253 characters, contains ``/`` or a NUL character, or is ``.`` or ``..``, and a
recommend priority that is not an integer in 0..2^63-1, make the Tuned invalid with a message that
names the field, the value and the fix. The calculator skips such entries instead of crashing.

Neighbours: `matching` (walks nested rules), `calculator` (uses `unsafe_profile_name`),
`names` (condition type).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from nto.controller.conditions import set_condition
from nto.controller.matching import POD, iter_match_items, match_type
from nto.controller.names import VALID_CONDITION
from nto_api.objects import JSONDict, get_list, name_of

__all__ = [
    "AS_EXPECTED",
    "DEPRECATED_POD_LABEL_MESSAGE",
    "INVALID_CONFIGURATION",
    "MAX_PRIORITY",
    "MAX_PROFILE_NAME_LENGTH",
    "ValidCondition",
    "any_invalid",
    "conflicting_duplicates",
    "go_quote",
    "has_conflicting_duplicate",
    "unsafe_profile_name",
    "uses_pod_labels",
    "valid_condition",
    "valid_conditions",
    "validate_all",
]

AS_EXPECTED: Final = "AsExpected"
INVALID_CONFIGURATION: Final = "InvalidConfiguration"
DEPRECATED_POD_LABEL_MESSAGE: Final = "Deprecated pod label matching detected."
MAX_PROFILE_NAME_LENGTH: Final = 253
MAX_PRIORITY: Final = 2**63 - 1


@dataclass(frozen=True)
class ValidCondition:
    """The computed ``Valid`` condition of one Tuned (lastTransitionTime is the caller's)."""

    status: str
    reason: str
    message: str

    @property
    def valid(self) -> bool:
        """Whether the Tuned is valid."""
        return self.status == "True"


_VALID = ValidCondition("True", AS_EXPECTED, "")


def go_quote(text: str) -> str:
    """`text` double-quoted with escapes, as Go's ``%q`` writes it."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def unsafe_profile_name(value: Any) -> str | None:
    """Why `value` cannot name a TuneD profile on disk, or None when it can."""
    if not isinstance(value, str) or not value:
        return "it must be a non-empty string"
    if len(value) > MAX_PROFILE_NAME_LENGTH:
        return f"it is {len(value)} characters long; the limit is {MAX_PROFILE_NAME_LENGTH}"
    if "/" in value:
        return "it contains '/'"
    if "\x00" in value:
        return "it contains a NUL character"
    if value in {".", ".."}:
        return "it is a relative directory name"
    return None


def uses_pod_labels(tuned: Mapping[str, Any]) -> bool:
    """Whether any recommend of `tuned` matches on pod labels at any depth."""
    return any(
        isinstance(rec, Mapping)
        and any(match_type(item) == POD for item in iter_match_items(rec.get("match")))
        for rec in get_list(tuned, "spec", "recommend")
    )


def _profile_entries(tuned: Mapping[str, Any]) -> list[tuple[str, Any]]:
    entries = []
    for entry in get_list(tuned, "spec", "profile"):
        if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
            entries.append((entry["name"], entry.get("data")))
    return entries


def conflicting_duplicates(tuneds: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Profile names defined with different data, each with the sorted names of the Tuneds."""
    seen: dict[str, dict[Any, set[str]]] = {}
    for tuned in tuneds:
        for profile, data in _profile_entries(tuned):
            key = data if isinstance(data, str) else repr(data)
            seen.setdefault(profile, {}).setdefault(key, set()).add(name_of(tuned))
    return {
        profile: sorted(set().union(*by_data.values()))
        for profile, by_data in sorted(seen.items())
        if len(by_data) > 1
    }


def has_conflicting_duplicate(tuneds: Sequence[Mapping[str, Any]]) -> bool:
    """Whether some profile name has conflicting data: then no Profile may be updated."""
    return bool(conflicting_duplicates(tuneds))


def _field_problems(tuned: Mapping[str, Any]) -> list[str]:
    problems = []
    tuned_name = go_quote(name_of(tuned))
    for index, entry in enumerate(get_list(tuned, "spec", "profile")):
        value = entry.get("name") if isinstance(entry, Mapping) else None
        why = unsafe_profile_name(value)
        if why:
            problems.append(
                f"spec.profile[{index}].name {_show(value)} of Tuned {tuned_name} cannot name a "
                f'TuneD profile: {why}; use a plain name such as "my-profile".'
            )
    for index, raw in enumerate(get_list(tuned, "spec", "recommend")):
        rec: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        value = rec.get("profile")
        why = unsafe_profile_name(value)
        if why:
            problems.append(
                f"spec.recommend[{index}].profile {_show(value)} of Tuned {tuned_name} cannot "
                f'name a TuneD profile: {why}; use a plain name such as "my-profile".'
            )
        priority = rec.get("priority")
        if not _valid_priority(priority):
            problems.append(
                f"spec.recommend[{index}].priority {_show(priority)} of Tuned {tuned_name} is "
                f"not an integer from 0 (highest) to {MAX_PRIORITY}; set one in that range."
            )
    return problems


def _valid_priority(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PRIORITY


def _show(value: Any) -> str:
    text = go_quote(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:60] + "..." + text[-10:]


def valid_condition(
    tuned: Mapping[str, Any],
    conflicts: Mapping[str, list[str]],
) -> ValidCondition:
    """The ``Valid`` condition of `tuned`, given `conflicting_duplicates` of all Tuneds."""
    for profile, _ in _profile_entries(tuned):
        if profile in conflicts:
            message = (
                f"Duplicate TuneD profile {go_quote(profile)} with conflicting content detected."
            )
            return ValidCondition("False", INVALID_CONFIGURATION, message)
    if uses_pod_labels(tuned):
        return ValidCondition("False", INVALID_CONFIGURATION, DEPRECATED_POD_LABEL_MESSAGE)
    problems = _field_problems(tuned)
    if problems:
        return ValidCondition("False", INVALID_CONFIGURATION, " ".join(problems))
    return _VALID


def validate_all(tuneds: Sequence[Mapping[str, Any]]) -> dict[str, ValidCondition]:
    """The ``Valid`` condition of every Tuned, by Tuned name."""
    conflicts = conflicting_duplicates(tuneds)
    return {name_of(tuned): valid_condition(tuned, conflicts) for tuned in tuneds}


def any_invalid(conditions: Mapping[str, ValidCondition]) -> bool:
    """Whether some Tuned is invalid (the ``nto_invalid_tuned_exist_info`` gauge)."""
    return any(not condition.valid for condition in conditions.values())


def valid_conditions(
    old_conditions: Sequence[Any] | None,
    computed: ValidCondition,
    *,
    now: datetime,
) -> list[JSONDict]:
    """``status.conditions`` of a Tuned with `computed` merged in; write only if it changed.

    Compare with `conditions.conditions_equal` to decide whether to write the status.
    """
    return set_condition(
        old_conditions or [],
        type_=VALID_CONDITION,
        status=computed.status,
        reason=computed.reason,
        message=computed.message,
        now=now,
    )
