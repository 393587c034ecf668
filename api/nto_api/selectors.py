"""Label-selector matching, written once for the pydantic models and `nto_api.quickread`.

`nto_api.meta.LabelSelector.matches` and `nto_api.quickread.QuickLabelSelector.matches` both
call `selector_matches`. No pydantic here. Neighbours: `nto_api.meta`, `nto_api.views`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nto_api.views import RequirementView

__all__ = ["selector_matches"]


def selector_matches(
    match_labels: Mapping[str, str] | None,
    match_expressions: Sequence[RequirementView] | None,
    labels: Mapping[str, str],
) -> bool:
    """Whether `labels` satisfy a label selector; an empty selector matches everything and an
    unknown operator never matches."""
    for key, value in (match_labels or {}).items():
        if labels.get(key) != value:
            return False
    return all(_requirement_matches(req, labels) for req in match_expressions or [])


def _requirement_matches(requirement: RequirementView, labels: Mapping[str, str]) -> bool:
    present = requirement.key in labels
    values = requirement.values or []
    if requirement.operator == "In":
        return present and labels[requirement.key] in values
    if requirement.operator == "NotIn":
        return not present or labels[requirement.key] not in values
    if requirement.operator == "Exists":
        return present
    if requirement.operator == "DoesNotExist":
        return not present
    return False
