"""``performance.openshift.io/v2`` PerformanceProfile: the storage version.

Neighbours: `common` (parts shared by all versions), `v1` (the conversion hub), `v1alpha1`,
`nto_api.conversion`. The performance plugin works on this version only; objects written in other
versions reach it through the conversion webhook.

Unset optional fields stay ``None``; the ``*_enabled`` / ``effective_*`` accessors of
`PerformanceProfileSpec` (from `nto_api.performance.defaults.SpecDefaults`) apply the
documented defaults.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from nto_api._markers import CrdDefault
from nto_api.meta import ApiModel, ObjectMeta
from nto_api.names import PERFORMANCE_V2
from nto_api.performance.common import (
    HardwareTuning,
    HugePages,
    Net,
    Numa,
    PerformanceProfileStatus,
    RealTimeKernel,
)
from nto_api.performance.defaults import SpecDefaults

__all__ = ["CPU", "PerformanceProfile", "PerformanceProfileSpec", "WorkloadHints"]


class CPU(ApiModel):
    """How the node's CPUs are split; every set is a Linux cpulist such as ``0-3,8``."""

    reserved: str
    """CPUs for housekeeping: kubelet, system daemons and interrupts; never given to containers."""
    isolated: str
    """CPUs for latency-sensitive application threads, with as little other work as possible.
    Reserved and isolated together should cover every online CPU."""
    balance_isolated: bool | None = None
    """Whether the kernel may load-balance tasks over the isolated CPUs; default true. False makes
    the isolated set static: each thread must be pinned explicitly."""
    offlined: str | None = None
    """CPUs to take offline."""
    shared: str | None = None
    """CPUs shared by the containers of pods that request them (mixed-cpus)."""
    ovs_dpdk: str | None = None
    """CPUs reserved for the OVS-DPDK poll-mode driver threads."""


class WorkloadHints(ApiModel):
    """High-level hints that select kernel arguments and TuneD settings for the workload."""

    high_power_consumption: bool | None = None
    """Favour latency over power: disable deep C-states; default false."""
    real_time: Annotated[bool | None, CrdDefault(True)] = None
    """Tune for real-time workloads; default true."""
    per_pod_power_management: bool | None = None
    """Allow power savings per pod through annotations; default false."""
    mixed_cpus: bool | None = None
    """Let pods use shared CPUs next to their exclusive ones (needs ``cpu.shared``); default
    false."""


class PerformanceProfileSpec(SpecDefaults, ApiModel):
    """Desired tuning of the nodes a PerformanceProfile selects.

    The accessors of the documented defaults (``realtime_kernel_enabled``...) come from
    `nto_api.performance.defaults.SpecDefaults`.
    """

    cpu: CPU
    """CPU partitioning."""
    hardware_tuning: HardwareTuning | None = None
    """CPU frequency settings."""
    hugepages: HugePages | None = None
    """Huge pages to allocate at boot."""
    machine_config_label: dict[str, str] | None = None
    """Labels of the MachineConfigs the operator creates; the target MachineConfigPool must select
    them. Default ``machineconfiguration.openshift.io/role: <role>``, with the role taken from
    the node selector key."""
    machine_config_pool_selector: dict[str, str] | None = None
    """Labels selecting the MachineConfigPool for the KubeletConfig the operator creates; default
    as for ``machineConfigLabel``."""
    node_selector: dict[str, str]
    """Labels of the nodes to tune, normally one ``<domain>/<role>: ""`` entry."""
    real_time_kernel: RealTimeKernel | None = None
    """Real-time kernel settings."""
    kernel_page_size: Annotated[str | None, CrdDefault("4k")] = None
    """Kernel page size: ``4k``, or ``64k`` on aarch64 only."""
    additional_kernel_args: list[str] | None = None
    """Extra kernel command line arguments."""
    numa: Numa | None = None
    """NUMA-aware resource alignment."""
    net: Net | None = None
    """Network queue tuning."""
    globally_disable_irq_load_balancing: bool | None = None
    """Disable IRQ load balancing on all isolated CPUs; default false. When false, pods can still
    opt out per CPU with the ``irq-load-balancing.crio.io`` annotation."""
    workload_hints: WorkloadHints | None = None
    """Workload hints."""


class PerformanceProfile(ApiModel):
    """PerformanceProfile describes how to tune a group of nodes for low-latency workloads: CPU
    partitioning, huge pages, real-time kernel, NUMA alignment and network queues."""

    api_version: Literal["performance.openshift.io/v2"] = PERFORMANCE_V2
    kind: Literal["PerformanceProfile"] = "PerformanceProfile"
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PerformanceProfileSpec
    """Desired tuning."""
    status: PerformanceProfileStatus | None = None
    """Observed state, written by the operator."""
