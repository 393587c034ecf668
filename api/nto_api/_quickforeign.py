"""Quick-read classes of the foreign kinds: MachineConfigPool, Infrastructure and Node,
mirroring `nto_api.foreign.mco`, `nto_api.foreign.config` and `nto_api.foreign.core`.

Neighbours: `nto_api._quickbase` (machinery), `nto_api.quickread` (entry points).
"""

from __future__ import annotations

from typing import Any

from nto_api._quickbase import (
    INT32,
    INT64,
    Field,
    Quick,
    QuickLabelSelector,
    QuickMeta,
    empty_meta,
    flag,
    integer,
    json_object,
    list_of,
    nested,
    text,
    text_map,
    type_fields,
)


class QuickPoolSpec(Quick):
    __slots__ = ("machine_config_selector", "node_selector", "paused")
    OPEN = True
    machine_config_selector: QuickLabelSelector | None
    node_selector: QuickLabelSelector | None
    paused: bool | None

    FIELDS = (
        Field("machine_config_selector", "machineConfigSelector", nested(QuickLabelSelector)),
        Field("node_selector", "nodeSelector", nested(QuickLabelSelector)),
        Field("paused", "paused", flag),
    )


class QuickPoolCondition(Quick):
    __slots__ = ("last_transition_time", "message", "reason", "status", "type")
    OPEN = True
    type: str
    status: str
    reason: str | None
    message: str | None
    last_transition_time: str | None

    FIELDS = (
        Field("type", "type", text, required=True),
        Field("status", "status", text, required=True),
        Field("reason", "reason", text),
        Field("message", "message", text),
        Field("last_transition_time", "lastTransitionTime", text),
    )


class QuickPoolStatus(Quick):
    __slots__ = (
        "conditions",
        "configuration",
        "degraded_machine_count",
        "machine_count",
        "observed_generation",
        "ready_machine_count",
        "unavailable_machine_count",
        "updated_machine_count",
    )
    OPEN = True
    observed_generation: int | None
    machine_count: int | None
    updated_machine_count: int | None
    ready_machine_count: int | None
    unavailable_machine_count: int | None
    degraded_machine_count: int | None
    conditions: list[QuickPoolCondition] | None
    configuration: dict[str, Any] | None

    FIELDS = (
        Field("observed_generation", "observedGeneration", integer(INT64)),
        Field("machine_count", "machineCount", integer(INT32)),
        Field("updated_machine_count", "updatedMachineCount", integer(INT32)),
        Field("ready_machine_count", "readyMachineCount", integer(INT32)),
        Field("unavailable_machine_count", "unavailableMachineCount", integer(INT32)),
        Field("degraded_machine_count", "degradedMachineCount", integer(INT32)),
        Field("conditions", "conditions", list_of(QuickPoolCondition)),
        Field("configuration", "configuration", json_object),
    )


class QuickPool(Quick):
    """A MachineConfigPool."""

    __slots__ = ("api_version", "kind", "metadata", "spec", "status")
    OPEN = True
    api_version: str
    kind: str
    metadata: QuickMeta
    spec: QuickPoolSpec
    status: QuickPoolStatus | None

    FIELDS = (
        *type_fields("machineconfiguration.openshift.io/v1", "MachineConfigPool"),
        Field("metadata", "metadata", nested(QuickMeta), default=empty_meta),
        Field("spec", "spec", nested(QuickPoolSpec), default=lambda: QuickPoolSpec.read({})),
        Field("status", "status", nested(QuickPoolStatus)),
    )


class QuickPlatformStatus(Quick):
    __slots__ = ("type",)
    OPEN = True
    type: str | None

    FIELDS = (Field("type", "type", text),)


class QuickInfrastructureStatus(Quick):
    __slots__ = (
        "api_server_url",
        "control_plane_topology",
        "cpu_partitioning",
        "infrastructure_name",
        "infrastructure_topology",
        "platform_status",
    )
    OPEN = True
    control_plane_topology: str | None
    infrastructure_topology: str | None
    cpu_partitioning: str | None
    platform_status: QuickPlatformStatus | None
    infrastructure_name: str | None
    api_server_url: str | None

    FIELDS = (
        Field("control_plane_topology", "controlPlaneTopology", text),
        Field("infrastructure_topology", "infrastructureTopology", text),
        Field("cpu_partitioning", "cpuPartitioning", text),
        Field("platform_status", "platformStatus", nested(QuickPlatformStatus)),
        Field("infrastructure_name", "infrastructureName", text),
        Field("api_server_url", "apiServerURL", text),
    )


class QuickInfrastructure(Quick):
    __slots__ = ("api_version", "kind", "metadata", "spec", "status")
    OPEN = True
    api_version: str
    kind: str
    metadata: QuickMeta
    spec: dict[str, Any] | None
    status: QuickInfrastructureStatus | None

    FIELDS = (
        *type_fields("config.openshift.io/v1", "Infrastructure"),
        Field("metadata", "metadata", nested(QuickMeta), default=empty_meta),
        Field("spec", "spec", json_object),
        Field("status", "status", nested(QuickInfrastructureStatus)),
    )


class QuickTaint(Quick):
    __slots__ = ("effect", "key", "time_added", "value")
    OPEN = True
    key: str
    value: str | None
    effect: str
    time_added: str | None

    FIELDS = (
        Field("key", "key", text, required=True),
        Field("value", "value", text),
        Field("effect", "effect", text, required=True),
        Field("time_added", "timeAdded", text),
    )


class QuickNodeSpec(Quick):
    __slots__ = ("provider_id", "taints", "unschedulable")
    OPEN = True
    provider_id: str | None
    taints: list[QuickTaint] | None
    unschedulable: bool | None

    FIELDS = (
        Field("provider_id", "providerID", text),
        Field("taints", "taints", list_of(QuickTaint)),
        Field("unschedulable", "unschedulable", flag),
    )


class QuickNodeSystemInfo(Quick):
    __slots__ = (
        "architecture",
        "boot_id",
        "container_runtime_version",
        "kernel_version",
        "kubelet_version",
        "machine_id",
        "operating_system",
        "os_image",
        "system_uuid",
    )
    OPEN = True
    machine_id: str | None
    system_uuid: str | None
    boot_id: str | None
    kernel_version: str | None
    os_image: str | None
    container_runtime_version: str | None
    kubelet_version: str | None
    operating_system: str | None
    architecture: str | None

    FIELDS = (
        Field("machine_id", "machineID", text),
        Field("system_uuid", "systemUUID", text),
        Field("boot_id", "bootID", text),
        Field("kernel_version", "kernelVersion", text),
        Field("os_image", "osImage", text),
        Field("container_runtime_version", "containerRuntimeVersion", text),
        Field("kubelet_version", "kubeletVersion", text),
        Field("operating_system", "operatingSystem", text),
        Field("architecture", "architecture", text),
    )


class QuickNodeCondition(Quick):
    __slots__ = (
        "last_heartbeat_time",
        "last_transition_time",
        "message",
        "reason",
        "status",
        "type",
    )
    OPEN = True
    type: str
    status: str
    reason: str | None
    message: str | None
    last_heartbeat_time: str | None
    last_transition_time: str | None

    FIELDS = (
        Field("type", "type", text, required=True),
        Field("status", "status", text, required=True),
        Field("reason", "reason", text),
        Field("message", "message", text),
        Field("last_heartbeat_time", "lastHeartbeatTime", text),
        Field("last_transition_time", "lastTransitionTime", text),
    )


class QuickNodeStatus(Quick):
    __slots__ = ("allocatable", "capacity", "conditions", "node_info")
    OPEN = True
    capacity: dict[str, str] | None
    allocatable: dict[str, str] | None
    conditions: list[QuickNodeCondition] | None
    node_info: QuickNodeSystemInfo | None

    FIELDS = (
        Field("capacity", "capacity", text_map),
        Field("allocatable", "allocatable", text_map),
        Field("conditions", "conditions", list_of(QuickNodeCondition)),
        Field("node_info", "nodeInfo", nested(QuickNodeSystemInfo)),
    )


class QuickNode(Quick):
    """A Node (the parts `nto_api.foreign.core.Node` models; other keys are ignored)."""

    __slots__ = ("api_version", "kind", "metadata", "spec", "status")
    OPEN = True
    api_version: str
    kind: str
    metadata: QuickMeta
    spec: QuickNodeSpec | None
    status: QuickNodeStatus | None

    FIELDS = (
        *type_fields("v1", "Node"),
        Field("metadata", "metadata", nested(QuickMeta), default=empty_meta),
        Field("spec", "spec", nested(QuickNodeSpec)),
        Field("status", "status", nested(QuickNodeStatus)),
    )
