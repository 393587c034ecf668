"""Kubernetes label selectors (``matchLabels`` + ``matchExpressions``) evaluated over dicts.

Used for MachineConfigPool ``spec.nodeSelector`` (which nodes are in a pool) and
``spec.machineConfigSelector`` (which MachineConfigs a pool renders). A selector that cannot be
parsed (unknown operator, values of the wrong type) matches nothing, as an invalid selector does
in the API machinery. Neighbours: `calculator` (pools for a node), `kargs` (pools for labels).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nto_api.objects import str_map

__all__ = ["is_empty_selector", "selector_matches"]

_SET_OPERATORS = frozenset({"In", "NotIn"})
_EXISTENCE_OPERATORS = frozenset({"Exists", "DoesNotExist"})


def is_empty_selector(selector: Any) -> bool:
    """Whether `selector` is absent or has neither matchLabels nor matchExpressions."""
    if not isinstance(selector, Mapping):
        return True
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def selector_matches(selector: Any, labels: Mapping[str, str]) -> bool:
    """Whether `labels` satisfy `selector`; an empty selector matches everything."""
    if not isinstance(selector, Mapping):
        return True
    match_labels = selector.get("matchLabels")
    if match_labels is not None and not isinstance(match_labels, Mapping):
        return False
    wanted = str_map(match_labels)
    if len(wanted) != len(match_labels or {}):
        return False
    if any(labels.get(key) != value for key, value in wanted.items()):
        return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return False
    return all(_requirement_matches(req, labels) for req in expressions)


def _requirement_matches(requirement: Any, labels: Mapping[str, str]) -> bool:
    if not isinstance(requirement, Mapping):
        return False
    key = requirement.get("key")
    operator = requirement.get("operator")
    values = requirement.get("values") or []
    if not isinstance(key, str) or not isinstance(values, list):
        return False
    if operator in _SET_OPERATORS:
        if not values:
            return False  # the API machinery rejects In/NotIn without values
        if operator == "In":
            return key in labels and labels[key] in values
        return key not in labels or labels[key] not in values
    if operator in _EXISTENCE_OPERATORS:
        if values:
            return False  # the API machinery rejects values for Exists/DoesNotExist
        return (key in labels) is (operator == "Exists")
    return False
