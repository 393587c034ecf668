"""Common model bases and the Kubernetes metadata types shared by every kind.

Neighbours: `tuned`, `performance.*` and `foreign.*` build their kinds from `ApiModel` (closed, the
CRD schema rejects unknown fields) and `OpenModel` (unknown fields are kept, as Kubernetes keeps
them in maps and in objects we only partly model). `_schemagen` reads these models to write CRDs.

Conventions: Python names are snake_case, wire names camelCase (aliases); `model_dump()` writes
aliases. Optional fields are ``None`` when unset, so a round-trip through
``model_dump(exclude_none=True)`` gives back the input. Validation is strict: ``"1"`` is not an
integer and ``"true"`` is not a boolean, as in the API server.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from nto_api._markers import Format, Int64
from nto_api.selectors import selector_matches

__all__ = [
    "ApiModel",
    "Condition",
    "DateTime",
    "LabelSelector",
    "LabelSelectorRequirement",
    "ObjectMeta",
    "OpenModel",
    "OwnerReference",
]

DateTime = Annotated[str, Format("date-time")]
"""An RFC 3339 timestamp, kept as the text the API server wrote."""


class ApiModel(BaseModel):
    """Base of closed models: unknown fields are rejected, as a structural CRD schema does.

    Validators are built on first use (``defer_build``): a command that parses one kind does not
    pay for the other fifty. Field docstrings are read only by CRD generation (`_fielddocs`).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        strict=True,
        extra="forbid",
        defer_build=True,
    )


class OpenModel(ApiModel):
    """Base of open models: unknown fields are kept and written back unchanged."""

    model_config = ConfigDict(extra="allow")


class OwnerReference(OpenModel):
    """A reference to the object that owns this one (garbage collection, controller)."""

    api_version: str
    """apiVersion of the owner."""
    kind: str
    """Kind of the owner."""
    name: str
    """Name of the owner."""
    uid: str
    """UID of the owner."""
    controller: bool | None = None
    """True when the owner is the managing controller."""
    block_owner_deletion: bool | None = None
    """True when the owner cannot be deleted before this object is."""


class ObjectMeta(OpenModel):
    """Standard object metadata; fields not listed here (managedFields...) are kept as they are."""

    name: str | None = None
    """Name, unique within a namespace (or the cluster for cluster-scoped kinds)."""
    generate_name: str | None = None
    """Prefix the API server uses to generate a name when none is given."""
    namespace: str | None = None
    """Namespace of a namespaced object."""
    uid: str | None = None
    """Unique id set by the API server."""
    resource_version: str | None = None
    """Opaque version used for optimistic concurrency."""
    generation: Int64 | None = None
    """Sequence number of the desired state, bumped on spec changes."""
    creation_timestamp: DateTime | None = None
    """When the object was created."""
    deletion_timestamp: DateTime | None = None
    """When deletion was requested; finalizers still hold the object."""
    deletion_grace_period_seconds: Int64 | None = None
    """Seconds allowed for graceful termination."""
    labels: dict[str, str] | None = None
    """Labels used by selectors."""
    annotations: dict[str, str] | None = None
    """Free-form annotations."""
    owner_references: list[OwnerReference] | None = None
    """Owners of this object."""
    finalizers: list[str] | None = None
    """Finalizers that must be removed before the object is deleted."""


class Condition(ApiModel):
    """A status condition in the ``metav1``-like shape used by Tuned and Profile.

    ``lastTransitionTime`` is required.
    """

    type: str
    """Condition type, for example ``Valid``, ``Applied`` or ``Degraded``."""
    status: str
    """``True``, ``False`` or ``Unknown``."""
    last_transition_time: DateTime
    """When the status last changed."""
    reason: str | None = None
    """One-word CamelCase reason for the last transition."""
    message: str | None = None
    """Human-readable details about the last transition."""


class LabelSelectorRequirement(OpenModel):
    """One ``matchExpressions`` entry: ``key operator values``."""

    key: str
    """Label key the requirement applies to."""
    operator: str
    """``In``, ``NotIn``, ``Exists`` or ``DoesNotExist``."""
    values: list[str] | None = None
    """Values for ``In`` and ``NotIn``; empty for ``Exists`` and ``DoesNotExist``."""

    def matches(self, labels: dict[str, str]) -> bool:
        """Whether `labels` satisfy this requirement (unknown operators never match)."""
        return selector_matches(None, [self], labels)


class LabelSelector(OpenModel):
    """A Kubernetes label selector: all ``matchLabels`` and all ``matchExpressions`` must hold."""

    match_labels: dict[str, str] | None = None
    """Labels that must be present with these exact values."""
    match_expressions: list[LabelSelectorRequirement] | None = Field(default=None)
    """Set-based requirements."""

    def matches(self, labels: dict[str, str]) -> bool:
        """Whether `labels` satisfy the selector; an empty selector matches everything."""
        return selector_matches(self.match_labels, self.match_expressions, labels)
