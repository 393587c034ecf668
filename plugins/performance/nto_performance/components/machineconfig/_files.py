"""The ``storage.files`` of the profile's MachineConfig, in the reference's order.

1. node scripts (the RPS one only with RPS); 2. CRI-O runtimes; 3. RPS sysctl and udev rule;
4. workload pinning (AllNodes); 5. cpuset-configure script (reserved CPUs set); 6. OVS slice and
its drop-ins; 7. OVS-DPDK script; 8. stalld backend; 9. mixed-cpus.
Neighbours: :mod:`._settings` (inputs), :mod:`._crio` (CRI-O/kubelet contents), :mod:`._paths`,
:mod:`._ignition`; :mod:`._units` runs the scripts.
"""

from __future__ import annotations

from typing import Any, Final

from nto_performance.components.machineconfig import _crio
from nto_performance.components.machineconfig._ignition import (
    CONFIG_MODE,
    SCRIPT_MODE,
    asset,
    file_entry,
)
from nto_performance.components.machineconfig._paths import (
    CLEAR_IRQBALANCE_SCRIPT,
    CPUSET_CONFIGURE_SCRIPT,
    CRIO_RUNTIMES_FILE,
    CRIO_WORKLOAD_PINNING_FILE,
    HUGEPAGES_SCRIPT,
    MIXED_CPUS_FILE,
    OFFLINE_CPUS_SCRIPT,
    OVN_DYNAMIC_CPU_AFFINITY_FILE,
    OVS_DPDK_SCRIPT,
    OVS_SLICE_FILE,
    OVS_SLICE_NAME,
    OVS_SLICE_SERVICES,
    RPS_SCRIPT,
    RPS_SYSCTL_FILE,
    RPS_UDEV_RULES_FILE,
    RPS_UNIT,
    STALLD_BACKEND_FILE,
    STALLD_DROPIN_FILE,
    WORKLOAD_PINNING_FILE,
    ovs_slice_dropin_file,
    script_path,
)
from nto_performance.components.machineconfig._settings import MachineConfigSettings

__all__ = ["machine_config_files", "script_file"]

_OVS_SLICE: Final = (
    "[Unit]\n"
    "Description=Top level slice for the Open vSwitch daemons, apart from system.slice\n"
    "\n"
    "[Slice]\n"
)
_OVN_DYNAMIC_AFFINITY: Final = (
    "# Present: ovnkube-node pins the Open vSwitch daemons to the CPUs that no pod holds\n"
    "# exclusively, following the kubelet's CPU manager state.\n"
    "# Written by the Node Tuning Operator.\n"
)
_STALLD_BACKEND: Final = 'BE="-b sched_debug"\n'
_STALLD_DROPIN: Final = f"[Service]\nEnvironmentFile={STALLD_BACKEND_FILE}\n"
_UDEV_RULES: Final = (
    "# Physical NICs keep RPS off (mask 0): their hardware queues already spread the load.\n"
    "# A new receive queue of a PCI device:\n"
    'SUBSYSTEM=="queues", ACTION=="add", KERNEL=="rx-*", DEVPATH=="/devices/pci*/queues/rx*", '
    'TAG+="systemd", PROGRAM="/bin/systemd-escape --path --template='
    f'{RPS_UNIT} $env{{DEVPATH}}", ENV{{SYSTEMD_WANTS}}="%c"\n'
    "# A non-virtual network device moved (renamed or into another namespace):\n"
    'SUBSYSTEM=="net", ACTION=="move", DEVPATH!="/devices/virtual/*", '
    'TAG+="systemd", PROGRAM="/bin/systemd-escape --path --template='
    f'{RPS_UNIT} $env{{DEVPATH}}", ENV{{SYSTEMD_WANTS}}="%c"\n'
)


def script_file(script: str) -> dict[str, Any]:
    """A node script from the package data, installed in ``/usr/local/bin`` with mode 0700."""
    return file_entry(script_path(script), asset("scripts", script), mode=SCRIPT_MODE)


def _config(path: str, content: str) -> dict[str, Any]:
    return file_entry(path, content, mode=CONFIG_MODE)


def _scripts(settings: MachineConfigSettings) -> list[dict[str, Any]]:
    scripts = [HUGEPAGES_SCRIPT]
    if settings.rps:
        scripts.append(RPS_SCRIPT)
    scripts += [OFFLINE_CPUS_SCRIPT, CLEAR_IRQBALANCE_SCRIPT]
    return [script_file(script) for script in scripts]


def _rps(settings: MachineConfigSettings) -> list[dict[str, Any]]:
    if not settings.rps:
        return []
    mask = settings.reserved_cpus.to_mask()
    files = [_config(RPS_SYSCTL_FILE, f"net.core.rps_default_mask = {mask}\n")]
    if not settings.physical_rps:
        files.append(_config(RPS_UDEV_RULES_FILE, _UDEV_RULES))
    return files


def _workload_pinning(settings: MachineConfigSettings) -> list[dict[str, Any]]:
    if not settings.workload_pinning:
        return []
    return [
        _config(CRIO_WORKLOAD_PINNING_FILE, _crio.crio_workload_pinning_conf(settings.reserved)),
        _config(WORKLOAD_PINNING_FILE, _crio.workload_pinning_json(settings.reserved)),
    ]


def _ovs_vswitchd_dropin(settings: MachineConfigSettings) -> str:
    text = f"[Service]\nSlice={OVS_SLICE_NAME}\n"
    if settings.ovs_dpdk_cpus:
        text += f"Delegate=cpuset cpu pids\nEnvironment=OVS_DPDK_CPUS={settings.ovs_dpdk_cpus}\n"
    return text


def _ovs(settings: MachineConfigSettings) -> list[dict[str, Any]]:
    files = [_config(OVS_SLICE_FILE, _OVS_SLICE)]
    for service in OVS_SLICE_SERVICES:
        if service == "ovs-vswitchd.service":
            dropin = _ovs_vswitchd_dropin(settings)
        else:
            dropin = f"[Service]\nSlice={OVS_SLICE_NAME}\n"
        files.append(_config(ovs_slice_dropin_file(service), dropin))
    files.append(_config(OVN_DYNAMIC_CPU_AFFINITY_FILE, _OVN_DYNAMIC_AFFINITY))
    if settings.ovs_dpdk_cpus:
        files.append(script_file(OVS_DPDK_SCRIPT))
    return files


def machine_config_files(settings: MachineConfigSettings) -> list[dict[str, Any]]:
    """Every file of the MachineConfig, in order."""
    runtimes = _crio.crio_runtimes_conf(
        reserved=settings.reserved,
        shared=settings.shared,
        exec_cpu_affinity=settings.exec_cpu_affinity,
    )
    files = [*_scripts(settings), _config(CRIO_RUNTIMES_FILE, runtimes)]
    files += _rps(settings)
    files += _workload_pinning(settings)
    if settings.reserved_cpus:
        files.append(script_file(CPUSET_CONFIGURE_SCRIPT))
    files += _ovs(settings)
    files += [
        _config(STALLD_BACKEND_FILE, _STALLD_BACKEND),
        _config(STALLD_DROPIN_FILE, _STALLD_DROPIN),
    ]
    if settings.mixed_cpus:
        files.append(_config(MIXED_CPUS_FILE, _crio.mixed_cpus_json()))
    return files
