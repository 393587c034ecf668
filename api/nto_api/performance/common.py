"""Parts of ``performance.openshift.io`` PerformanceProfile shared by v1alpha1, v1 and v2.

Neighbours: `v2`, `v1`, `v1alpha1` compose these into their specs; `nto_api.conversion` moves
objects between versions. Field meanings follow the reference API; defaults that the reference
documents but does not put in the CRD are applied by accessors on `v2.PerformanceProfileSpec`.
The annotation keys are defined in the pydantic-free `annotations` and re-exported here.
"""

from __future__ import annotations

from pydantic import Field

from nto_api._markers import Int32
from nto_api.meta import ApiModel, DateTime
from nto_api.performance.annotations import (
    CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION,
    DEFAULT_TOPOLOGY_POLICY,
    DRA_RESOURCE_MANAGEMENT_ANNOTATION,
    ENABLE_PHYSICAL_DEV_RPS_ANNOTATION,
    ENABLE_RPS_ANNOTATION,
    EXEC_CPU_AFFINITY_ANNOTATION,
    KUBELETCONFIG_EXPERIMENTAL_ANNOTATION,
    PAUSE_RECONCILE_ANNOTATION,
    TOPOLOGY_POLICIES,
    WEAK_OWNER_REFERENCE_NAME_LABEL,
)

__all__ = [
    "CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION",
    "DEFAULT_TOPOLOGY_POLICY",
    "DRA_RESOURCE_MANAGEMENT_ANNOTATION",
    "ENABLE_PHYSICAL_DEV_RPS_ANNOTATION",
    "ENABLE_RPS_ANNOTATION",
    "EXEC_CPU_AFFINITY_ANNOTATION",
    "KUBELETCONFIG_EXPERIMENTAL_ANNOTATION",
    "PAUSE_RECONCILE_ANNOTATION",
    "TOPOLOGY_POLICIES",
    "WEAK_OWNER_REFERENCE_NAME_LABEL",
    "Device",
    "HardwareTuning",
    "HugePage",
    "HugePages",
    "Net",
    "Numa",
    "PerformanceCondition",
    "PerformanceProfileStatus",
    "RealTimeKernel",
]


class HardwareTuning(ApiModel):
    """CPU frequencies to set for the isolated and the reserved CPUs."""

    isolated_cpu_freq: int | None = None
    """Frequency of the isolated CPUs, in kHz."""
    reserved_cpu_freq: int | None = None
    """Frequency of the reserved CPUs, in kHz."""


class HugePage(ApiModel):
    """A number of huge pages of one size, on one NUMA node or spread over all of them."""

    size: str | None = None
    """Huge page size such as ``2M`` or ``1G`` (kernel argument ``hugepagesz``)."""
    count: Int32 | None = None
    """Number of pages of that size (kernel argument ``hugepages``)."""
    node: Int32 | None = None
    """NUMA node to allocate the pages on; when unset they are spread evenly over NUMA nodes."""


class HugePages(ApiModel):
    """Huge pages to allocate at boot; several sizes may be combined."""

    default_hugepages_size: str | None = None
    """Default huge page size (kernel argument ``default_hugepagesz``)."""
    pages: list[HugePage] | None = None
    """Huge pages to allocate."""


class RealTimeKernel(ApiModel):
    """Real-time kernel settings."""

    enabled: bool | None = None
    """Install and boot the real-time kernel; default false."""


class Numa(ApiModel):
    """NUMA-aware resource alignment."""

    topology_policy: str | None = None
    """Kubelet Topology Manager policy: ``none``, ``best-effort`` (the operator's default),
    ``restricted`` or ``single-numa-node``."""


class Device(ApiModel):
    """A network device, selected by interface name pattern and/or PCI vendor and device ids."""

    interface_name: str | None = None
    """Interface name; shell-style wildcards, a leading ``!`` negates."""
    vendor_id: str | None = Field(default=None, alias="vendorID")
    """PCI vendor id as a hexadecimal number, ``0x8086``."""
    device_id: str | None = Field(default=None, alias="deviceID")
    """PCI device (model) id as a hexadecimal number, ``0x1583``."""


class Net(ApiModel):
    """Network queue tuning."""

    user_level_networking: bool | None = None
    """Set the queue count of the selected devices to the number of reserved CPUs; default false."""
    devices: list[Device] | None = None
    """Devices whose queues are tuned; all devices when empty."""


class PerformanceCondition(ApiModel):
    """A status condition of a PerformanceProfile (``Available``, ``Upgradeable``, ``Progressing``,
    ``Degraded``)."""

    type: str
    """Condition type."""
    status: str
    """``True``, ``False`` or ``Unknown``."""
    reason: str | None = None
    """One-word CamelCase reason."""
    message: str | None = None
    """Human-readable details."""
    last_heartbeat_time: DateTime | None = None
    """When the condition was last checked."""
    last_transition_time: DateTime | None = None
    """When the status last changed."""


class PerformanceProfileStatus(ApiModel):
    """Observed state of a PerformanceProfile; the same in every version."""

    conditions: list[PerformanceCondition] | None = None
    """Latest observations of the profile's state."""
    tuned: str | None = None
    """The Tuned object holding the generated tuning, as ``<namespace>/<name>``."""
    runtime_class: str | None = None
    """Name of the RuntimeClass created for this profile."""
