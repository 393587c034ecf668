"""``config.openshift.io/v1`` kinds the operator reads or writes: ClusterOperator and
Infrastructure.

Neighbours: `mco` and `core` (other foreign kinds), `nto_api.meta`. Partial models that keep
unknown fields, so status updates built from them lose nothing.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import Field

from nto_api.meta import DateTime, ObjectMeta, OpenModel

__all__ = [
    "SINGLE_REPLICA_TOPOLOGY",
    "ClusterOperator",
    "ClusterOperatorCondition",
    "ClusterOperatorStatus",
    "Infrastructure",
    "InfrastructureStatus",
    "ObjectReference",
    "OperandVersion",
    "PlatformStatus",
]

SINGLE_REPLICA_TOPOLOGY: Final = "SingleReplica"
"""``controlPlaneTopology`` / ``infrastructureTopology`` value of single-node clusters."""


class ClusterOperatorCondition(OpenModel):
    """A ClusterOperator condition (``Available``, ``Progressing``, ``Degraded``...)."""

    type: str
    status: str
    last_transition_time: DateTime | None = None
    reason: str | None = None
    message: str | None = None


class OperandVersion(OpenModel):
    """A named version an operator reports (``operator``, ``ocp-tuned``)."""

    name: str
    version: str


class ObjectReference(OpenModel):
    """A related object listed for must-gather and the console."""

    group: str
    resource: str
    name: str
    namespace: str | None = None


class ClusterOperatorStatus(OpenModel):
    """What an operator reports about itself."""

    conditions: list[ClusterOperatorCondition] | None = None
    versions: list[OperandVersion] | None = None
    related_objects: list[ObjectReference] | None = None
    extension: dict[str, Any] | None = None

    def condition(self, type_: str) -> ClusterOperatorCondition | None:
        """The condition of `type_`, if reported."""
        return next((c for c in self.conditions or [] if c.type == type_), None)


class ClusterOperator(OpenModel):
    """A ClusterOperator (``config.openshift.io/v1``)."""

    api_version: Literal["config.openshift.io/v1"] = "config.openshift.io/v1"
    kind: Literal["ClusterOperator"] = "ClusterOperator"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: dict[str, Any] | None = None
    status: ClusterOperatorStatus | None = None


class PlatformStatus(OpenModel):
    """Platform details; only ``type`` is modelled (``AWS``, ``BareMetal``, ``None``...)."""

    type: str | None = None


class InfrastructureStatus(OpenModel):
    """Cluster infrastructure facts."""

    control_plane_topology: str | None = None
    """``HighlyAvailable``, ``SingleReplica`` or ``External``."""
    infrastructure_topology: str | None = None
    """``HighlyAvailable`` or ``SingleReplica``."""
    cpu_partitioning: str | None = None
    """``None`` or ``AllNodes`` (workload partitioning enabled at install)."""
    platform_status: PlatformStatus | None = None
    infrastructure_name: str | None = None
    api_server_url: str | None = Field(default=None, alias="apiServerURL")

    @property
    def single_node(self) -> bool:
        """Whether the control plane runs on a single node."""
        return self.control_plane_topology == SINGLE_REPLICA_TOPOLOGY

    @property
    def cpu_partitioning_enabled(self) -> bool:
        """Whether workload partitioning is enabled on all nodes."""
        return self.cpu_partitioning == "AllNodes"


class Infrastructure(OpenModel):
    """The cluster's Infrastructure object (``config.openshift.io/v1``, name ``cluster``)."""

    api_version: Literal["config.openshift.io/v1"] = "config.openshift.io/v1"
    kind: Literal["Infrastructure"] = "Infrastructure"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: dict[str, Any] | None = None
    status: InfrastructureStatus | None = None
