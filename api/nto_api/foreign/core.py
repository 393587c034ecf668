"""Core Kubernetes kinds the operators read or write: Node and RuntimeClass.

Neighbours: `mco` and `config` (other foreign kinds), `nto_api.meta`. Partial models that keep
unknown fields; only what the operators use is typed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from nto_api.meta import DateTime, ObjectMeta, OpenModel

__all__ = [
    "Node",
    "NodeCondition",
    "NodeSpec",
    "NodeStatus",
    "NodeSystemInfo",
    "RuntimeClass",
    "Scheduling",
    "Taint",
    "provider_name",
]


def provider_name(provider_id: str) -> str:
    """The provider part of a ``spec.providerID``: what precedes ``://``, or the whole ID."""
    name, sep, _ = provider_id.partition("://")
    return name if sep else provider_id


class Taint(OpenModel):
    """A node taint."""

    key: str
    value: str | None = None
    effect: str
    """``NoSchedule``, ``PreferNoSchedule`` or ``NoExecute``."""
    time_added: DateTime | None = None


class NodeSpec(OpenModel):
    """Node spec fields the operators read."""

    provider_id: str | None = Field(default=None, alias="providerID")
    """``<provider>://<provider-specific id>``."""
    taints: list[Taint] | None = None
    unschedulable: bool | None = None


class NodeSystemInfo(OpenModel):
    """Facts the kubelet reports about the host."""

    machine_id: str | None = Field(default=None, alias="machineID")
    system_uuid: str | None = Field(default=None, alias="systemUUID")
    boot_id: str | None = Field(default=None, alias="bootID")
    kernel_version: str | None = None
    os_image: str | None = None
    container_runtime_version: str | None = None
    kubelet_version: str | None = None
    operating_system: str | None = None
    """``linux``."""
    architecture: str | None = None
    """``amd64``, ``arm64``..."""


class NodeCondition(OpenModel):
    """A node condition (``Ready``...)."""

    type: str
    status: str
    reason: str | None = None
    message: str | None = None
    last_heartbeat_time: DateTime | None = None
    last_transition_time: DateTime | None = None


class NodeStatus(OpenModel):
    """Node status fields the operators read."""

    capacity: dict[str, str] | None = None
    allocatable: dict[str, str] | None = None
    conditions: list[NodeCondition] | None = None
    node_info: NodeSystemInfo | None = None


class Node(OpenModel):
    """A Node (``v1``)."""

    api_version: Literal["v1"] = "v1"
    kind: Literal["Node"] = "Node"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: NodeSpec | None = None
    status: NodeStatus | None = None

    @property
    def provider_name(self) -> str:
        """Provider name for the node's Profile (``spec.config.providerName``); empty if unknown."""
        return provider_name(self.spec.provider_id or "") if self.spec else ""


class Scheduling(OpenModel):
    """Where pods of a RuntimeClass may run."""

    node_selector: dict[str, str] | None = None
    tolerations: list[dict[str, Any]] | None = None


class RuntimeClass(OpenModel):
    """A RuntimeClass (``node.k8s.io/v1``); its handler names a CRI-O runtime."""

    api_version: Literal["node.k8s.io/v1"] = "node.k8s.io/v1"
    kind: Literal["RuntimeClass"] = "RuntimeClass"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    handler: str
    """CRI runtime handler, ``high-performance``."""
    overhead: dict[str, Any] | None = None
    scheduling: Scheduling | None = None
