"""Models of ``tuned.openshift.io/v1``: the `Tuned` and `Profile` custom resources.

Neighbours: `meta` (bases, metadata, conditions), `names` (group and kinds), `crdgen` (turns these
classes into the ``tuneds`` and ``profiles`` CRDs). The operator core computes Profiles from Tuned
objects; the operand reads its node's Profile and writes its status.

Nested recommend ``match`` entries are not validated by the CRD (recursive schemas are not
allowed), so `TunedNestedMatch` keeps unknown fields and makes every field optional.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import Field

from nto_api._markers import Format, Int64, OpaqueItems
from nto_api.meta import ApiModel, Condition, ObjectMeta, OpenModel
from nto_api.names import TUNED_V1

__all__ = [
    "BOOTCMDLINE_ANNOTATION",
    "BOOTCMDLINE_DEPS_ANNOTATION",
    "CLUSTER_OPERATOR_NAME",
    "DEFAULT_TUNED_NAME",
    "DEFERRED_ANNOTATION",
    "GENERATED_BY_CONTROLLER_VERSION_ANNOTATION",
    "LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION",
    "MAX_PROFILE_DATA_CHARS",
    "OPERAND_NAME",
    "RENDERED_TUNED_NAME",
    "OperandConfig",
    "Profile",
    "ProfileConfig",
    "ProfileSpec",
    "ProfileStatus",
    "Tuned",
    "TunedConfig",
    "TunedMatch",
    "TunedNestedMatch",
    "TunedProfile",
    "TunedRecommend",
    "TunedSpec",
    "TunedStatus",
]

DEFAULT_TUNED_NAME: Final = "default"
RENDERED_TUNED_NAME: Final = "rendered"
"""Legacy Tuned name; only deleted when found."""
CLUSTER_OPERATOR_NAME: Final = "node-tuning"
OPERAND_NAME: Final = "ocp-tuned"

MAX_PROFILE_DATA_CHARS: Final = 1024 * 1024
"""Longest ``spec.profile[].data`` the CRD accepts: every Profile carries every TuneD profile and
the operator keeps those under 1 MiB per Profile (etcd stores objects up to 1.5 MiB), so a longer
profile could never be delivered to any node. Real ``tuned.conf`` files are a few KB."""

BOOTCMDLINE_ANNOTATION: Final = "tuned.openshift.io/bootcmdline"
BOOTCMDLINE_DEPS_ANNOTATION: Final = "tuned.openshift.io/bootcmdline-deps"
DEFERRED_ANNOTATION: Final = "tuned.openshift.io/deferred"
LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION: Final = (
    "tuned.openshift.io/last-stable-daemonset-generation"
)
GENERATED_BY_CONTROLLER_VERSION_ANNOTATION: Final = (
    "tuned.openshift.io/generated-by-controller-version"
)

MatchType = Literal["node", "pod"]


class TunedProfile(ApiModel):
    """A named TuneD profile: the full ``tuned.conf`` text."""

    name: str = Field(min_length=1)
    """Name of the TuneD profile, used by recommend entries and ``include=`` lines."""
    data: str = Field(max_length=MAX_PROFILE_DATA_CHARS)
    """The TuneD profile in TuneD's INI format (``tuned.conf``), at most 1 MiB of text."""


class TunedNestedMatch(OpenModel):
    """A nested match rule, joined to its parent by logical AND.

    The CRD does not validate nested levels, so every field is optional and unknown fields are kept.
    """

    label: str | None = None
    """Node or pod label name."""
    value: str | None = None
    """Label value; when absent the label only has to be present."""
    type: str | None = None
    """``node`` or ``pod``; absent means ``node``."""
    match: list[TunedNestedMatch] | None = None
    """Further rules joined by logical AND."""


class TunedMatch(ApiModel):
    """A top-level match rule; the rules of one recommend entry are joined by logical OR."""

    label: str
    """Node or pod label name."""
    value: str | None = None
    """Label value; when absent the label only has to be present."""
    type: MatchType | None = None
    """Match type, ``node`` or ``pod`` (deprecated); absent means ``node``."""
    match: Annotated[list[TunedNestedMatch] | None, OpaqueItems()] = None
    """Additional rules joined to this one by logical AND; nested levels are not validated."""

    @property
    def effective_type(self) -> str:
        """The match type with the documented default applied (``node``)."""
        return self.type or "node"


class TunedConfig(ApiModel):
    """Options passed to the TuneD daemon."""

    reapply_sysctl: bool | None = Field(default=None, alias="reapply_sysctl")
    """Whether TuneD reapplies sysctls from /etc/sysctl.d and friends; unset means true."""

    @property
    def reapply_sysctl_enabled(self) -> bool:
        """`reapply_sysctl` with the documented default (true) applied."""
        return True if self.reapply_sysctl is None else self.reapply_sysctl


class OperandConfig(ApiModel):
    """Configuration of the per-node operand for nodes matching this recommend entry."""

    debug: bool | None = None
    """Turn on TuneD debug logging; default false."""
    verbosity: int | None = None
    """klog verbosity of the operand."""
    tuned_config: TunedConfig | None = None
    """Options for the TuneD daemon."""


class TunedRecommend(ApiModel):
    """Selection rule for one TuneD profile."""

    profile: str = Field(min_length=1)
    """Name of the TuneD profile to recommend."""
    priority: Annotated[int, Field(ge=0, le=2**63 - 1), Format("int64")]
    """Priority of the rule; 0 is the highest, lower numbers win."""
    match: list[TunedMatch] | None = None
    """Rules joined by logical OR; no rules means the profile applies to every node."""
    machine_config_labels: dict[str, str] | None = None
    """Labels of a MachineConfig the operator creates for kernel arguments of this profile; the
    profile then applies to nodes of MachineConfigPools selecting these labels."""
    operand: OperandConfig | None = None
    """Operand configuration for nodes matching this rule."""


class TunedSpec(ApiModel):
    """Desired state of a Tuned object: profiles and the rules that select them."""

    management_state: str | None = Field(
        default=None, pattern=r"^(Managed|Unmanaged|Force|Removed)$"
    )
    """Whether the operator manages the cluster's tuning; honoured on the ``default`` Tuned only."""
    profile: list[TunedProfile] | None = None
    """TuneD profiles defined by this object."""
    recommend: list[TunedRecommend] | None = None
    """Rules selecting a TuneD profile per node."""


class TunedStatus(ApiModel):
    """Observed state of a Tuned object."""

    conditions: list[Condition] | None = None
    """Conditions; the only type is ``Valid``."""


class Tuned(ApiModel):
    """Tuned is a set of TuneD profiles and the rules that pick one per node.

    The operator computes each node's profile from all Tuned objects and writes it into that
    node's Profile object; the per-node operand applies it with TuneD.
    """

    api_version: Literal["tuned.openshift.io/v1"] = TUNED_V1
    kind: Literal["Tuned"] = "Tuned"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: TunedSpec | None = None
    """Desired tuning."""
    status: TunedStatus | None = None
    """Observed state, written by the operator."""


class ProfileConfig(ApiModel):
    """The TuneD profile chosen for a node and the operand options for it."""

    tuned_profile: str
    """Name of the TuneD profile the node must run."""
    debug: bool | None = None
    """Turn on TuneD debug logging."""
    verbosity: int | None = None
    """klog verbosity of the operand."""
    tuned_config: TunedConfig | None = None
    """Options for the TuneD daemon."""
    provider_name: str | None = None
    """Cloud provider of the node: the part of ``spec.providerID`` before ``://``."""


class ProfileSpec(ApiModel):
    """Desired state of a node's Profile."""

    config: ProfileConfig
    """The selected TuneD profile and operand options."""
    profile: list[TunedProfile] | None = None
    """Every TuneD profile of every Tuned object, de-duplicated and sorted by name."""


class ProfileStatus(ApiModel):
    """State reported by the node's operand."""

    tuned_profile: str
    """The TuneD profile active on the node."""
    conditions: list[Condition] | None = None
    """Conditions of types ``Applied`` and ``Degraded``."""
    observed_generation: Int64 | None = None
    """Generation of the Profile the operand last acted on."""


class Profile(ApiModel):
    """Profile holds the TuneD profile computed for one node; its name is the node's name."""

    api_version: Literal["tuned.openshift.io/v1"] = TUNED_V1
    kind: Literal["Profile"] = "Profile"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: ProfileSpec
    """The profile the node must run."""
    status: ProfileStatus | None = None
    """What the node's operand reports."""
