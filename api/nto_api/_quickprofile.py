"""Quick-read classes of a PerformanceProfile (v2), mirroring `nto_api.performance.v2`.

Neighbours: `nto_api._quickbase` (machinery), `nto_api.quickread` (entry points).
"""

from __future__ import annotations

from nto_api._quickbase import (
    INT32,
    Field,
    Quick,
    QuickMeta,
    empty_meta,
    flag,
    integer,
    list_of,
    nested,
    text,
    text_list,
    text_map,
    type_fields,
    unmodelled,
)
from nto_api.performance.defaults import SpecDefaults


class QuickCPU(Quick):
    __slots__ = ("balance_isolated", "isolated", "offlined", "ovs_dpdk", "reserved", "shared")
    reserved: str
    isolated: str
    balance_isolated: bool | None
    offlined: str | None
    shared: str | None
    ovs_dpdk: str | None

    FIELDS = (
        Field("reserved", "reserved", text, required=True),
        Field("isolated", "isolated", text, required=True),
        Field("balance_isolated", "balanceIsolated", flag),
        Field("offlined", "offlined", text),
        Field("shared", "shared", text),
        Field("ovs_dpdk", "ovsDpdk", text),
    )


class QuickHardwareTuning(Quick):
    __slots__ = ("isolated_cpu_freq", "reserved_cpu_freq")
    isolated_cpu_freq: int | None
    reserved_cpu_freq: int | None

    FIELDS = (
        Field("isolated_cpu_freq", "isolatedCpuFreq", integer(None)),
        Field("reserved_cpu_freq", "reservedCpuFreq", integer(None)),
    )


class QuickHugePage(Quick):
    __slots__ = ("count", "node", "size")
    size: str | None
    count: int | None
    node: int | None

    FIELDS = (
        Field("size", "size", text),
        Field("count", "count", integer(INT32)),
        Field("node", "node", integer(INT32)),
    )


class QuickHugePages(Quick):
    __slots__ = ("default_hugepages_size", "pages")
    default_hugepages_size: str | None
    pages: list[QuickHugePage] | None

    FIELDS = (
        Field("default_hugepages_size", "defaultHugepagesSize", text),
        Field("pages", "pages", list_of(QuickHugePage)),
    )


class QuickRealTimeKernel(Quick):
    __slots__ = ("enabled",)
    enabled: bool | None

    FIELDS = (Field("enabled", "enabled", flag),)


class QuickNuma(Quick):
    __slots__ = ("topology_policy",)
    topology_policy: str | None

    FIELDS = (Field("topology_policy", "topologyPolicy", text),)


class QuickDevice(Quick):
    __slots__ = ("device_id", "interface_name", "vendor_id")
    interface_name: str | None
    vendor_id: str | None
    device_id: str | None

    FIELDS = (
        Field("interface_name", "interfaceName", text),
        Field("vendor_id", "vendorID", text),
        Field("device_id", "deviceID", text),
    )


class QuickNet(Quick):
    __slots__ = ("devices", "user_level_networking")
    user_level_networking: bool | None
    devices: list[QuickDevice] | None

    FIELDS = (
        Field("user_level_networking", "userLevelNetworking", flag),
        Field("devices", "devices", list_of(QuickDevice)),
    )


class QuickWorkloadHints(Quick):
    __slots__ = ("high_power_consumption", "mixed_cpus", "per_pod_power_management", "real_time")
    high_power_consumption: bool | None
    real_time: bool | None
    per_pod_power_management: bool | None
    mixed_cpus: bool | None

    FIELDS = (
        Field("high_power_consumption", "highPowerConsumption", flag),
        Field("real_time", "realTime", flag),
        Field("per_pod_power_management", "perPodPowerManagement", flag),
        Field("mixed_cpus", "mixedCpus", flag),
    )


class QuickProfileSpec(SpecDefaults, Quick):
    __slots__ = (
        "additional_kernel_args",
        "cpu",
        "globally_disable_irq_load_balancing",
        "hardware_tuning",
        "hugepages",
        "kernel_page_size",
        "machine_config_label",
        "machine_config_pool_selector",
        "net",
        "node_selector",
        "numa",
        "real_time_kernel",
        "workload_hints",
    )
    cpu: QuickCPU
    hardware_tuning: QuickHardwareTuning | None
    hugepages: QuickHugePages | None
    machine_config_label: dict[str, str] | None
    machine_config_pool_selector: dict[str, str] | None
    node_selector: dict[str, str]
    real_time_kernel: QuickRealTimeKernel | None
    kernel_page_size: str | None
    additional_kernel_args: list[str] | None
    numa: QuickNuma | None
    net: QuickNet | None
    globally_disable_irq_load_balancing: bool | None
    workload_hints: QuickWorkloadHints | None

    FIELDS = (
        Field("cpu", "cpu", nested(QuickCPU), required=True),
        Field("hardware_tuning", "hardwareTuning", nested(QuickHardwareTuning)),
        Field("hugepages", "hugepages", nested(QuickHugePages)),
        Field("machine_config_label", "machineConfigLabel", text_map),
        Field("machine_config_pool_selector", "machineConfigPoolSelector", text_map),
        Field("node_selector", "nodeSelector", text_map, required=True),
        Field("real_time_kernel", "realTimeKernel", nested(QuickRealTimeKernel)),
        Field("kernel_page_size", "kernelPageSize", text),
        Field("additional_kernel_args", "additionalKernelArgs", text_list),
        Field("numa", "numa", nested(QuickNuma)),
        Field("net", "net", nested(QuickNet)),
        Field("globally_disable_irq_load_balancing", "globallyDisableIrqLoadBalancing", flag),
        Field("workload_hints", "workloadHints", nested(QuickWorkloadHints)),
    )


class QuickProfile(Quick):
    """A PerformanceProfile v2 without ``status`` (a profile with one goes to the model)."""

    __slots__ = ("api_version", "kind", "metadata", "spec", "status")
    api_version: str
    kind: str
    metadata: QuickMeta
    spec: QuickProfileSpec
    status: None

    FIELDS = (
        *type_fields("performance.openshift.io/v2", "PerformanceProfile"),
        Field("metadata", "metadata", nested(QuickMeta), default=empty_meta),
        Field("spec", "spec", nested(QuickProfileSpec), required=True),
        Field("status", "status", unmodelled),
    )
