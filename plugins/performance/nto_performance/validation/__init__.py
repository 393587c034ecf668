"""Validation of v2 PerformanceProfiles: pure rules, no I/O, used by the admission webhook.

Public names::

    from nto_performance.validation import ClusterData, validate

    errors = validate(wire_object, ClusterData(nodes=..., profiles=...))

Modules: :mod:`.shape` (is it a v2 profile at all), :mod:`.rules` (the rule table, in the
reference's order, and the entry points), :mod:`.hardware` (node, page size and hugepage rules),
:mod:`.cluster` (cluster facts as input), :mod:`.fielderrors` (errors and the Invalid status).
"""

from __future__ import annotations

from nto_performance.validation.cluster import (
    ClusterData,
    NodeFacts,
    ProfileSelector,
    cluster_data,
    node_facts,
    profile_selector,
)
from nto_performance.validation.fielderrors import (
    ErrorType,
    FieldError,
    invalid_message,
    invalid_status,
)
from nto_performance.validation.rules import (
    MAX_ERRORS,
    RULES,
    cap_errors,
    validate,
    validate_profile,
)
from nto_performance.validation.subject import Rule, Subject

__all__ = [
    "MAX_ERRORS",
    "RULES",
    "ClusterData",
    "ErrorType",
    "FieldError",
    "NodeFacts",
    "ProfileSelector",
    "Rule",
    "Subject",
    "cap_errors",
    "cluster_data",
    "invalid_message",
    "invalid_status",
    "node_facts",
    "profile_selector",
    "validate",
    "validate_profile",
]
