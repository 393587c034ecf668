"""The documented defaults of a PerformanceProfile v2 spec, written once for two kinds of class.

`SpecDefaults` is mixed into the pydantic `nto_api.performance.v2.PerformanceProfileSpec` and into
the plain spec of `nto_api.quickread`, so both answer ``realtime_kernel_enabled`` and the other
accessors the same way. No pydantic here. Neighbours: `nto_api.views` (the protocols),
`nto_api.performance.annotations`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from nto_api.views import CPUView, NetView, NumaView, RealTimeKernelView, WorkloadHintsView

__all__ = ["DEFAULT_TOPOLOGY_POLICY", "SpecDefaults"]

DEFAULT_TOPOLOGY_POLICY: Final = "best-effort"
"""The operator's ``numa.topologyPolicy`` when the profile sets none."""


class SpecDefaults:
    """The documented defaults of a PerformanceProfile spec, as properties.

    Mixed into `nto_api.performance.v2.PerformanceProfileSpec` and
    `nto_api.quickread.QuickProfileSpec`.
    """

    __slots__ = ()

    if TYPE_CHECKING:
        cpu: CPUView
        real_time_kernel: RealTimeKernelView | None
        workload_hints: WorkloadHintsView | None
        globally_disable_irq_load_balancing: bool | None
        net: NetView | None
        kernel_page_size: str | None
        numa: NumaView | None

    @property
    def balance_isolated_enabled(self) -> bool:
        """``cpu.balanceIsolated`` with its default (true)."""
        return self.cpu.balance_isolated is not False

    @property
    def realtime_kernel_enabled(self) -> bool:
        """``realTimeKernel.enabled`` with its default (false)."""
        return bool(self.real_time_kernel and self.real_time_kernel.enabled)

    @property
    def realtime_hint_enabled(self) -> bool:
        """``workloadHints.realTime`` with its default (true, also when the hints are absent)."""
        return not (self.workload_hints and self.workload_hints.real_time is False)

    @property
    def high_power_consumption_enabled(self) -> bool:
        """``workloadHints.highPowerConsumption`` with its default (false)."""
        return bool(self.workload_hints and self.workload_hints.high_power_consumption)

    @property
    def per_pod_power_management_enabled(self) -> bool:
        """``workloadHints.perPodPowerManagement`` with its default (false)."""
        return bool(self.workload_hints and self.workload_hints.per_pod_power_management)

    @property
    def mixed_cpus_enabled(self) -> bool:
        """``workloadHints.mixedCpus`` with its default (false)."""
        return bool(self.workload_hints and self.workload_hints.mixed_cpus)

    @property
    def irq_load_balancing_globally_disabled(self) -> bool:
        """``globallyDisableIrqLoadBalancing`` with its v2 default (false)."""
        return bool(self.globally_disable_irq_load_balancing)

    @property
    def user_level_networking_enabled(self) -> bool:
        """``net.userLevelNetworking`` with its default (false)."""
        return bool(self.net and self.net.user_level_networking)

    @property
    def effective_kernel_page_size(self) -> str:
        """``kernelPageSize`` with its CRD default (``4k``)."""
        return self.kernel_page_size or "4k"

    @property
    def effective_topology_policy(self) -> str:
        """``numa.topologyPolicy`` with the operator's default (``best-effort``)."""
        return (self.numa and self.numa.topology_policy) or DEFAULT_TOPOLOGY_POLICY
