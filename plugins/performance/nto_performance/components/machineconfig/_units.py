"""The ``systemd.units`` of the profile's MachineConfig, in the reference's order.

1. ``update-rps@.service`` (RPS on, physical-device RPS off; a template, so not enabled);
2. one ``hugepages-allocation-<kB>kB-NUMA<n>.service`` per hugepages entry with a NUMA node;
3. ``cpuset-configure.service`` (reserved CPUs set); 4. ``set-cpus-offline.service``
(``cpu.offlined`` set); 5. ``clear-irqbalance-banned-cpus.service`` (always);
6. ``ocp-tuned-one-shot.service`` (always, static text from the package data: it pulls the
operand image with the kubelet's pull secret through the cluster proxy and runs
``ocp-tuned --one-shot``; ``kubelet-dependencies.target`` requires it);
7. ``ovs-dpdk-cpus-configure.service`` (OVS-DPDK CPUs set).
Every unit except the template is enabled. Neighbours: :mod:`._files` installs the scripts these
units run, :mod:`._settings` holds the inputs, :mod:`._ignition` serializes.
"""

from __future__ import annotations

from typing import Any, Final

from nto_performance.components.machineconfig._ignition import (
    UnitSection,
    asset,
    unit_entry,
    unit_text,
)
from nto_performance.components.machineconfig._paths import (
    CLEAR_IRQBALANCE_SCRIPT,
    CLEAR_IRQBALANCE_UNIT,
    CPUSET_CONFIGURE_SCRIPT,
    CPUSET_CONFIGURE_UNIT,
    HUGEPAGES_SCRIPT,
    OCP_TUNED_ONE_SHOT_UNIT,
    OFFLINE_CPUS_SCRIPT,
    OFFLINE_CPUS_UNIT,
    OVS_DPDK_SCRIPT,
    OVS_DPDK_UNIT,
    RPS_SCRIPT,
    RPS_UNIT,
    hugepages_unit_name,
    script_path,
)
from nto_performance.components.machineconfig._settings import (
    HugepagesAllocation,
    MachineConfigSettings,
)

__all__ = ["machine_config_units"]

_BEFORE_KUBELET: Final = ("Before", "kubelet.service")
_ONESHOT: Final = (("Type", "oneshot"), ("RemainAfterExit", "true"))
_INSTALL: Final[UnitSection] = ("Install", (("WantedBy", "multi-user.target"),))


def _rps_unit() -> dict[str, Any]:
    text = unit_text(
        [
            ("Unit", (("Description", "Sets network devices RPS mask"),)),
            ("Service", (("Type", "oneshot"), ("ExecStart", f"{script_path(RPS_SCRIPT)} %I 0"))),
        ]
    )
    return unit_entry(RPS_UNIT, text, enabled=None)


def _hugepages_unit(pages: HugepagesAllocation) -> dict[str, Any]:
    unit = (
        ("Description", f"Hugepages-{pages.size_kib}kB allocation on the node {pages.node}"),
        _BEFORE_KUBELET,
    )
    service = (
        ("Environment", f"HUGEPAGES_COUNT={pages.count}"),
        ("Environment", f"HUGEPAGES_SIZE={pages.size_kib}"),
        ("Environment", f"NUMA_NODE={pages.node}"),
        *_ONESHOT,
        ("ExecStart", script_path(HUGEPAGES_SCRIPT)),
    )
    text = unit_text([("Unit", unit), ("Service", service), _INSTALL])
    return unit_entry(hugepages_unit_name(pages.size_kib, pages.node), text)


def _cpuset_configure_unit() -> dict[str, Any]:
    unit = (
        ("Description", "Move services to reserved cpuset"),
        _BEFORE_KUBELET,
        ("After", "crio.service"),
    )
    service = (("Type", "oneshot"), ("ExecStart", script_path(CPUSET_CONFIGURE_SCRIPT)))
    install = (("WantedBy", "multi-user.target crio.service"),)
    text = unit_text([("Unit", unit), ("Service", service), ("Install", install)])
    return unit_entry(CPUSET_CONFIGURE_UNIT, text)


def _offline_cpus_unit(settings: MachineConfigSettings) -> dict[str, Any]:
    ids = ",".join(str(cpu) for cpu in settings.offlined_cpus)
    unit = (("Description", f"Set cpus offline: {ids}"), _BEFORE_KUBELET)
    service = (
        ("Environment", f"OFFLINE_CPUS={ids}"),
        *_ONESHOT,
        ("ExecStart", script_path(OFFLINE_CPUS_SCRIPT)),
    )
    text = unit_text([("Unit", unit), ("Service", service), _INSTALL])
    return unit_entry(OFFLINE_CPUS_UNIT, text)


def _clear_irqbalance_unit(settings: MachineConfigSettings) -> dict[str, Any]:
    unit = (
        ("Description", "Clear the IRQBalance Banned CPU mask early in the boot"),
        _BEFORE_KUBELET,
        ("Before", "irqbalance.service"),
    )
    environment: tuple[tuple[str, str], ...] = ()
    if settings.ovs_dpdk_cpus:
        environment = (("Environment", f"OVS_DPDK_CPUS={settings.ovs_dpdk_cpus.to_mask()}"),)
    service = (*environment, *_ONESHOT, ("ExecStart", script_path(CLEAR_IRQBALANCE_SCRIPT)))
    text = unit_text([("Unit", unit), ("Service", service), _INSTALL])
    return unit_entry(CLEAR_IRQBALANCE_UNIT, text)


def _ovs_dpdk_unit(settings: MachineConfigSettings) -> dict[str, Any]:
    unit = (
        ("Description", "Give OVS-DPDK its exclusive CPUs"),
        ("Requires", "ovs-vswitchd.service"),
        ("After", "ovs-vswitchd.service"),
        _BEFORE_KUBELET,
    )
    service = (
        ("Environment", f"OVS_DPDK_CPUS={settings.ovs_dpdk_cpus}"),
        ("Environment", f"OVS_DPDK_PARTITION={settings.ovs_dpdk_partition}"),
        *_ONESHOT,
        ("ExecStart", script_path(OVS_DPDK_SCRIPT)),
    )
    text = unit_text([("Unit", unit), ("Service", service), _INSTALL])
    return unit_entry(OVS_DPDK_UNIT, text)


def machine_config_units(settings: MachineConfigSettings) -> list[dict[str, Any]]:
    """Every systemd unit of the MachineConfig, in order."""
    units = []
    if settings.rps and not settings.physical_rps:
        units.append(_rps_unit())
    units += [_hugepages_unit(pages) for pages in settings.hugepages]
    if settings.reserved_cpus:
        units.append(_cpuset_configure_unit())
    if settings.offlined_cpus:
        units.append(_offline_cpus_unit(settings))
    units.append(_clear_irqbalance_unit(settings))
    units.append(unit_entry(OCP_TUNED_ONE_SHOT_UNIT, asset("configs", OCP_TUNED_ONE_SHOT_UNIT)))
    if settings.ovs_dpdk_cpus:
        units.append(_ovs_dpdk_unit(settings))
    return units
