"""Node file paths and systemd unit names of the profile's MachineConfig: the interface.

Installers, must-gather, CRI-O, ovnkube-node and the end-to-end suites know these paths and unit
names, so they follow the reference exactly; everything written into them is ours.
Neighbours: :mod:`._files` and :mod:`._units` use them, :mod:`._assets` maps scripts to files.
"""

from __future__ import annotations

from typing import Final

from nto_performance.components.names import WORKLOAD_PINNING_FILE

__all__ = [
    "BIN_DIR",
    "CLEAR_IRQBALANCE_SCRIPT",
    "CLEAR_IRQBALANCE_UNIT",
    "CPUSET_CONFIGURE_SCRIPT",
    "CPUSET_CONFIGURE_UNIT",
    "CRIO_RUNTIMES_FILE",
    "CRIO_WORKLOAD_PINNING_BOOTSTRAP_FILE",
    "CRIO_WORKLOAD_PINNING_FILE",
    "HUGEPAGES_SCRIPT",
    "MIXED_CPUS_FILE",
    "OCP_TUNED_ONE_SHOT_UNIT",
    "OFFLINE_CPUS_SCRIPT",
    "OFFLINE_CPUS_UNIT",
    "OVN_DYNAMIC_CPU_AFFINITY_FILE",
    "OVS_DPDK_SCRIPT",
    "OVS_DPDK_UNIT",
    "OVS_SLICE_DROPIN_NAME",
    "OVS_SLICE_FILE",
    "OVS_SLICE_NAME",
    "OVS_SLICE_SERVICES",
    "RPS_SCRIPT",
    "RPS_SYSCTL_FILE",
    "RPS_UDEV_RULES_FILE",
    "RPS_UNIT",
    "STALLD_BACKEND_FILE",
    "STALLD_DROPIN_FILE",
    "WORKLOAD_PINNING_FILE",
    "hugepages_unit_name",
    "ovs_slice_dropin_file",
    "script_path",
]

BIN_DIR: Final = "/usr/local/bin"

HUGEPAGES_SCRIPT: Final = "hugepages-allocation.sh"
RPS_SCRIPT: Final = "set-rps-mask.sh"
OFFLINE_CPUS_SCRIPT: Final = "set-cpus-offline.sh"
CLEAR_IRQBALANCE_SCRIPT: Final = "clear-irqbalance-banned-cpus.sh"
CPUSET_CONFIGURE_SCRIPT: Final = "cpuset-configure.sh"
OVS_DPDK_SCRIPT: Final = "ovs-dpdk-cpus-configure.sh"

CRIO_RUNTIMES_FILE: Final = "/etc/crio/crio.conf.d/99-runtimes.conf"
CRIO_WORKLOAD_PINNING_FILE: Final = "/etc/crio/crio.conf.d/99-workload-pinning.conf"
CRIO_WORKLOAD_PINNING_BOOTSTRAP_FILE: Final = (
    "/etc/crio/crio.conf.d/01-workload-pinning-default.conf"
)
RPS_SYSCTL_FILE: Final = "/etc/sysctl.d/99-default-rps-mask.conf"
RPS_UDEV_RULES_FILE: Final = "/etc/udev/rules.d/99-netdev-physical-rps.rules"
MIXED_CPUS_FILE: Final = "/etc/kubernetes/openshift-workload-mixed-cpus"

OVS_SLICE_NAME: Final = "ovs.slice"
OVS_SLICE_FILE: Final = "/etc/systemd/system/ovs.slice"
OVS_SLICE_DROPIN_NAME: Final = "01-use-ovs-slice.conf"
OVS_SLICE_SERVICES: Final = ("openvswitch.service", "ovsdb-server.service", "ovs-vswitchd.service")
"""Services moved into the OVS slice, in the order their drop-ins are written."""
OVN_DYNAMIC_CPU_AFFINITY_FILE: Final = "/var/lib/ovn-ic/etc/enable_dynamic_cpu_affinity"

STALLD_BACKEND_FILE: Final = "/etc/sysconfig/stalld-backend"
STALLD_DROPIN_FILE: Final = "/etc/systemd/system/stalld.service.d/stalld-backend.conf"

RPS_UNIT: Final = "update-rps@.service"
CPUSET_CONFIGURE_UNIT: Final = "cpuset-configure.service"
OFFLINE_CPUS_UNIT: Final = "set-cpus-offline.service"
CLEAR_IRQBALANCE_UNIT: Final = "clear-irqbalance-banned-cpus.service"
OCP_TUNED_ONE_SHOT_UNIT: Final = "ocp-tuned-one-shot.service"
OVS_DPDK_UNIT: Final = "ovs-dpdk-cpus-configure.service"


def script_path(script: str) -> str:
    """Where a node script lands: ``/usr/local/bin/<script>``."""
    return f"{BIN_DIR}/{script}"


def hugepages_unit_name(size_kib: int, node: int) -> str:
    """``hugepages-allocation-<size>kB-NUMA<node>.service``: one page size on one NUMA node."""
    return f"hugepages-allocation-{size_kib}kB-NUMA{node}.service"


def ovs_slice_dropin_file(service: str) -> str:
    """The drop-in that moves `service` into the OVS slice."""
    return f"/etc/systemd/system/{service}.d/{OVS_SLICE_DROPIN_NAME}"
