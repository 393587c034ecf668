"""``performance.openshift.io/v1alpha1`` PerformanceProfile: the first, deprecated version.

Neighbours: `common` (shared parts), `v1` (the hub it converts to and from), `nto_api.conversion`.
It carries CPU partitioning, huge pages, selectors, the real-time kernel, kernel arguments and
NUMA only, and nothing is required.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nto_api.meta import ApiModel, ObjectMeta
from nto_api.names import PERFORMANCE_V1ALPHA1
from nto_api.performance.common import HugePages, Numa, PerformanceProfileStatus, RealTimeKernel

__all__ = ["CPU", "PerformanceProfile", "PerformanceProfileSpec"]


class CPU(ApiModel):
    """How the node's CPUs are split; every set is a Linux cpulist such as ``0-3,8``."""

    reserved: str | None = None
    """CPUs for housekeeping: kubelet, system daemons and interrupts; never given to containers."""
    isolated: str | None = None
    """CPUs for latency-sensitive application threads, with as little other work as possible."""
    balance_isolated: bool | None = None
    """Whether the kernel may load-balance tasks over the isolated CPUs; default true."""


class PerformanceProfileSpec(ApiModel):
    """Desired tuning of the nodes a PerformanceProfile selects."""

    cpu: CPU | None = None
    """CPU partitioning."""
    hugepages: HugePages | None = None
    """Huge pages to allocate at boot."""
    machine_config_label: dict[str, str] | None = None
    """Labels of the MachineConfigs the operator creates."""
    machine_config_pool_selector: dict[str, str] | None = None
    """Labels selecting the MachineConfigPool for the KubeletConfig the operator creates."""
    node_selector: dict[str, str] | None = None
    """Labels of the nodes to tune."""
    real_time_kernel: RealTimeKernel | None = None
    """Real-time kernel settings."""
    additional_kernel_args: list[str] | None = None
    """Extra kernel command line arguments."""
    numa: Numa | None = None
    """NUMA-aware resource alignment."""


class PerformanceProfile(ApiModel):
    """PerformanceProfile describes how to tune a group of nodes for low-latency workloads.
    Deprecated: use performance.openshift.io/v2."""

    api_version: Literal["performance.openshift.io/v1alpha1"] = PERFORMANCE_V1ALPHA1
    kind: Literal["PerformanceProfile"] = "PerformanceProfile"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PerformanceProfileSpec | None = None
    """Desired tuning."""
    status: PerformanceProfileStatus | None = None
    """Observed state, written by the operator."""
