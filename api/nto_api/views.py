"""Read-only shapes of the kinds the renderers read, without pydantic.

The renderers (``nto_performance.components``) and the offline ``render`` command read a
PerformanceProfile (v2), a MachineConfigPool and the Infrastructure, the profile creator also
Nodes; they never write to them. They
are typed against the protocols here, which two families of classes satisfy:

- the pydantic models (`nto_api.performance.v2`, `nto_api.foreign.mco`, `nto_api.foreign.config`),
  used by the controller, the webhooks and the tests;
- the plain classes of `nto_api.quickread`, which the offline ``render`` command builds from its
  input files without importing pydantic (pydantic alone costs more than the whole Go command).

The documented defaults of a profile's spec (`nto_api.performance.defaults`) and label-selector
matching (`nto_api.selectors`) are written once and serve both. Members are read-only properties,
so a model's ``list[HugePage]`` satisfies a view's ``Sequence[HugePageView]``. Import this module
for type checking only: building protocol classes costs milliseconds the ``render`` command
does not need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = [
    "CPUView",
    "DeviceView",
    "HardwareTuningView",
    "HugePageView",
    "HugePagesView",
    "InfrastructureStatusView",
    "InfrastructureView",
    "LabelSelectorView",
    "NetView",
    "NodeSpecView",
    "NodeStatusView",
    "NodeSystemInfoView",
    "NodeView",
    "NumaView",
    "ObjectMetaView",
    "PoolSpecView",
    "PoolView",
    "ProfileSpecView",
    "ProfileView",
    "RealTimeKernelView",
    "RequirementView",
    "TaintView",
    "WorkloadHintsView",
]


class ObjectMetaView(Protocol):
    """The metadata fields renderers read."""

    @property
    def name(self) -> str | None: ...
    @property
    def uid(self) -> str | None: ...
    @property
    def labels(self) -> dict[str, str] | None: ...
    @property
    def annotations(self) -> dict[str, str] | None: ...


class RequirementView(Protocol):
    """One ``matchExpressions`` entry."""

    @property
    def key(self) -> str: ...
    @property
    def operator(self) -> str: ...
    @property
    def values(self) -> list[str] | None: ...


class LabelSelectorView(Protocol):
    """A label selector that can test a set of labels."""

    @property
    def match_labels(self) -> dict[str, str] | None: ...
    @property
    def match_expressions(self) -> Sequence[RequirementView] | None: ...
    def matches(self, labels: dict[str, str]) -> bool: ...


class PoolSpecView(Protocol):
    @property
    def node_selector(self) -> LabelSelectorView | None: ...


class PoolView(Protocol):
    """A MachineConfigPool as render and the renderers read it."""

    @property
    def metadata(self) -> ObjectMetaView: ...
    @property
    def spec(self) -> PoolSpecView: ...


class TaintView(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def value(self) -> str | None: ...
    @property
    def effect(self) -> str: ...


class NodeSpecView(Protocol):
    @property
    def taints(self) -> Sequence[TaintView] | None: ...


class NodeSystemInfoView(Protocol):
    @property
    def architecture(self) -> str | None: ...


class NodeStatusView(Protocol):
    @property
    def node_info(self) -> NodeSystemInfoView | None: ...


class NodeView(Protocol):
    """A Node as the profile creator reads it."""

    @property
    def metadata(self) -> ObjectMetaView: ...
    @property
    def spec(self) -> NodeSpecView | None: ...
    @property
    def status(self) -> NodeStatusView | None: ...


class InfrastructureStatusView(Protocol):
    @property
    def control_plane_topology(self) -> str | None: ...
    @property
    def cpu_partitioning(self) -> str | None: ...


class InfrastructureView(Protocol):
    """``Infrastructure/cluster`` as render reads it (workload pinning, topology)."""

    @property
    def status(self) -> InfrastructureStatusView | None: ...


class CPUView(Protocol):
    @property
    def reserved(self) -> str: ...
    @property
    def isolated(self) -> str: ...
    @property
    def balance_isolated(self) -> bool | None: ...
    @property
    def offlined(self) -> str | None: ...
    @property
    def shared(self) -> str | None: ...
    @property
    def ovs_dpdk(self) -> str | None: ...


class HardwareTuningView(Protocol):
    @property
    def isolated_cpu_freq(self) -> int | None: ...
    @property
    def reserved_cpu_freq(self) -> int | None: ...


class HugePageView(Protocol):
    @property
    def size(self) -> str | None: ...
    @property
    def count(self) -> int | None: ...
    @property
    def node(self) -> int | None: ...


class HugePagesView(Protocol):
    @property
    def default_hugepages_size(self) -> str | None: ...
    @property
    def pages(self) -> Sequence[HugePageView] | None: ...


class RealTimeKernelView(Protocol):
    @property
    def enabled(self) -> bool | None: ...


class NumaView(Protocol):
    @property
    def topology_policy(self) -> str | None: ...


class DeviceView(Protocol):
    @property
    def interface_name(self) -> str | None: ...
    @property
    def vendor_id(self) -> str | None: ...
    @property
    def device_id(self) -> str | None: ...


class NetView(Protocol):
    @property
    def user_level_networking(self) -> bool | None: ...
    @property
    def devices(self) -> Sequence[DeviceView] | None: ...


class WorkloadHintsView(Protocol):
    @property
    def high_power_consumption(self) -> bool | None: ...
    @property
    def real_time(self) -> bool | None: ...
    @property
    def per_pod_power_management(self) -> bool | None: ...
    @property
    def mixed_cpus(self) -> bool | None: ...


class ProfileSpecView(Protocol):
    """A PerformanceProfile v2 spec: its fields and the accessors of
    `nto_api.performance.defaults.SpecDefaults`."""

    @property
    def cpu(self) -> CPUView: ...
    @property
    def hardware_tuning(self) -> HardwareTuningView | None: ...
    @property
    def hugepages(self) -> HugePagesView | None: ...
    @property
    def machine_config_label(self) -> dict[str, str] | None: ...
    @property
    def machine_config_pool_selector(self) -> dict[str, str] | None: ...
    @property
    def node_selector(self) -> dict[str, str]: ...
    @property
    def real_time_kernel(self) -> RealTimeKernelView | None: ...
    @property
    def kernel_page_size(self) -> str | None: ...
    @property
    def additional_kernel_args(self) -> list[str] | None: ...
    @property
    def numa(self) -> NumaView | None: ...
    @property
    def net(self) -> NetView | None: ...
    @property
    def globally_disable_irq_load_balancing(self) -> bool | None: ...
    @property
    def workload_hints(self) -> WorkloadHintsView | None: ...
    @property
    def balance_isolated_enabled(self) -> bool: ...
    @property
    def realtime_kernel_enabled(self) -> bool: ...
    @property
    def realtime_hint_enabled(self) -> bool: ...
    @property
    def high_power_consumption_enabled(self) -> bool: ...
    @property
    def per_pod_power_management_enabled(self) -> bool: ...
    @property
    def mixed_cpus_enabled(self) -> bool: ...
    @property
    def irq_load_balancing_globally_disabled(self) -> bool: ...
    @property
    def user_level_networking_enabled(self) -> bool: ...
    @property
    def effective_kernel_page_size(self) -> str: ...
    @property
    def effective_topology_policy(self) -> str: ...


class ProfileView(Protocol):
    """A PerformanceProfile v2 as the renderers read it."""

    @property
    def api_version(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def metadata(self) -> ObjectMetaView: ...
    @property
    def spec(self) -> ProfileSpecView: ...
