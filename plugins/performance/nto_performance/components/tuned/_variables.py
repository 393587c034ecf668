"""The values the TuneD profile templates of a PerformanceProfile are rendered with.

`compute` turns a v2 profile plus `RenderOptions` into `TemplateVariables`: strings substituted
into ``profiles/*.tmpl`` (``{{ name }}``) and flags that select their conditional blocks
(``{% if name %}``). Every string value is also a flag, true when non-empty. The rules (hugepages
on the kernel command line, network queue sections, CPU frequency sysfs lines, P-state modes, the
workload-hint combinations) follow the reference's Tuned renderer; profile text and layout are
ours. Neighbours: :mod:`._template` (the template language), :mod:`nto_performance.components.
tuned` (builds the Tuned object), :mod:`nto_performance.components._common` (RenderError, cpusets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from nto_api.cpuset import CPUSet
from nto_performance.components._common import RenderError
from nto_performance.components.options import RenderOptions

if TYPE_CHECKING:
    from nto_api.views import DeviceView, ProfileView

__all__ = [
    "TemplateVariables",
    "compute",
    "cpu_frequency_sysfs",
    "hugepages_cmdline",
    "net_sections",
]

_TUNED_SAFE_NAME: Final = re.compile(r"^[a-zA-Z0-9_.-]+$")
"""Profile names TuneD's loader accepts; others are silently skipped by it."""
_HUGEPAGE_SIZE: Final = re.compile(r"^[0-9]+[kKmMgGtT]?$")
_PCI_ID: Final = re.compile(r"^0x[0-9a-fA-F]{1,4}$")
_INTERFACE_NAME: Final = re.compile(r"^!?[A-Za-z0-9_.:*@-]+$")
_CONTROL_CHARS: Final = re.compile(r"[\x00-\x1f\x7f]")
_UDEV_JOIN: Final = r"[\s\S]*"
_CPUFREQ_MAX: Final = "/sys/devices/system/cpu/cpufreq/policy{cpu}/scaling_max_freq={freq}"
_INTEL_RECOMMENDED_PSTATE: Final = "${f:intel_recommended_pstate}"


@dataclass(frozen=True, kw_only=True)
class TemplateVariables:
    """What the five profile templates of one PerformanceProfile are rendered with."""

    values: dict[str, str] = field(default_factory=dict)
    """``{{ name }}`` substitutions; each is also a flag, true when non-empty."""
    flags: dict[str, bool] = field(default_factory=dict)
    """``{% if name %}`` conditions."""

    def all_flags(self) -> dict[str, bool]:
        """The flags plus one per value (true when the value is non-empty)."""
        return {**{name: bool(value) for name, value in self.values.items()}, **self.flags}


def _fail(profile: ProfileView, path: str, value: object, fix: str) -> RenderError:
    name = profile.metadata.name
    return RenderError(f"{path} {value!r} in PerformanceProfile {name!r} is invalid; {fix}")


def _cpus(profile: ProfileView, path: str, text: str | None) -> CPUSet:
    """`text` parsed as a cpulist (``None`` and ``""`` are empty); errors name `path`."""
    try:
        return CPUSet.parse(text or "")
    except ValueError as error:
        raise _fail(profile, path, text, f"write a cpulist such as '0-3,8' ({error})") from error


def _profile_name(profile: ProfileView) -> str:
    name = profile.metadata.name or ""
    if not _TUNED_SAFE_NAME.match(name):
        raise _fail(profile, "metadata.name", name, "use letters, digits, '-', '_' and '.'")
    return name


def _check_hints(profile: ProfileView) -> None:
    spec = profile.spec
    if spec.high_power_consumption_enabled and spec.per_pod_power_management_enabled:
        raise RenderError(
            "Invalid WorkloadHints configuration: HighPowerConsumption is true and "
            f"PerPodPowerManagement is true in PerformanceProfile {profile.metadata.name!r}; "
            "spec.workloadHints.highPowerConsumption and perPodPowerManagement exclude each "
            "other, set one of them to false"
        )


def _hugepage_size(profile: ProfileView, path: str, size: str | None) -> str:
    if size is None or not _HUGEPAGE_SIZE.match(size):
        raise _fail(profile, path, size, "write a size such as '2M' or '1G'")
    return size


def hugepages_cmdline(profile: ProfileView) -> str:
    """Kernel arguments for the default hugepage size and the pages without a NUMA node.

    Pages with a node are allocated at runtime by a MachineConfig unit instead. When the default
    size is 1G and every 2M page has a node, ``hugepagesz=2M hugepages=0`` is appended so the
    kernel still registers the 2M pool the units fill.
    """
    hugepages = profile.spec.hugepages
    if hugepages is None:
        return ""
    pages = hugepages.pages or []
    default = hugepages.default_hugepages_size
    if default is None:
        if pages:
            raise _fail(
                profile,
                "spec.hugepages.defaultHugepagesSize",
                None,
                "it must be set when spec.hugepages.pages is not empty",
            )
        return ""
    default = _hugepage_size(profile, "spec.hugepages.defaultHugepagesSize", default)
    args = [f"default_hugepagesz={default}"]
    for index, page in enumerate(pages):
        size = _hugepage_size(profile, f"spec.hugepages.pages[{index}].size", page.size)
        if page.node is None:
            args.append(f"hugepagesz={size} hugepages={page.count or 0}")
    two_mega = [page for page in pages if page.size == "2M"]
    if default == "1G" and two_mega and all(page.node is not None for page in two_mega):
        args.append("hugepagesz=2M hugepages=0")
    return " ".join(args)


def _device_regex(profile: ProfileView, index: int, device: DeviceView) -> str:
    """The ``devices_udev_regex`` selecting `device` by PCI ids and interface name."""
    path = f"spec.net.devices[{index}]"
    parts: list[str] = []
    for attribute, key, wire in (
        ("device_id", "ID_MODEL_ID", "deviceID"),
        ("vendor_id", "ID_VENDOR_ID", "vendorID"),
    ):
        value = getattr(device, attribute)
        if value is not None:
            if not _PCI_ID.match(value):
                raise _fail(profile, f"{path}.{wire}", value, "write 0x and 1-4 hex digits")
            parts.append(f"^{key}={value}")
    name = device.interface_name
    if name is not None:
        if not _INTERFACE_NAME.match(name):
            raise _fail(
                profile,
                f"{path}.interfaceName",
                name,
                "write an interface name, optionally with '*' wildcards or a leading '!'",
            )
        pattern = name.removeprefix("!").replace("*", ".*")
        parts.append(
            f"^INTERFACE=(?!{pattern})" if name.startswith("!") else f"^INTERFACE={pattern}"
        )
    return _UDEV_JOIN.join(parts)


def net_sections(profile: ProfileView) -> str:
    """``[net*]`` sections setting the queue count of the selected devices to the number of
    reserved CPUs; empty unless ``net.userLevelNetworking`` is on and reserved CPUs are set."""
    spec = profile.spec
    reserved = _cpus(profile, "spec.cpu.reserved", spec.cpu.reserved)
    if not spec.user_level_networking_enabled or not reserved:
        return ""
    channels = f"channels=combined {len(reserved)}"
    devices = (spec.net.devices if spec.net else None) or []
    if not devices:
        return f"[net]\n{channels}"
    sections = []
    for index, device in enumerate(devices):
        unit = "net" if index == 0 else f"net_{index}"
        regex = _device_regex(profile, index, device)
        sections.append(f"[{unit}]\ntype=net\ndevices_udev_regex={regex}\n{channels}")
    return "\n\n".join(sections)


def cpu_frequency_sysfs(profile: ProfileView) -> str:
    """``scaling_max_freq`` sysfs lines: the isolated CPUs' frequency, then the reserved CPUs'."""
    tuning = profile.spec.hardware_tuning
    if tuning is None:
        return ""
    lines = []
    for kind, cpulist, freq in (
        ("isolated", profile.spec.cpu.isolated, tuning.isolated_cpu_freq),
        ("reserved", profile.spec.cpu.reserved, tuning.reserved_cpu_freq),
    ):
        if freq is None:
            continue
        if freq <= 0:
            raise _fail(profile, f"spec.hardwareTuning.{kind}CpuFreq", freq, "give a kHz value > 0")
        cpus = _cpus(profile, f"spec.cpu.{kind}", cpulist)
        lines += [_CPUFREQ_MAX.format(cpu=cpu, freq=freq) for cpu in cpus]
    return "\n".join(lines)


def _additional_args(profile: ProfileView) -> str:
    args = profile.spec.additional_kernel_args or []
    for index, arg in enumerate(args):
        if not arg.strip() or _CONTROL_CHARS.search(arg):
            raise _fail(
                profile,
                f"spec.additionalKernelArgs[{index}]",
                arg,
                "give one kernel argument per item, without line breaks or control characters",
            )
    return " ".join(args)


def _pstates(profile: ProfileView) -> tuple[str, str]:
    """(``intel_pstate``, ``amd_pstate``) modes: passive for per-pod power management, active
    when frequencies are tuned, else TuneD's recommendation (Intel) or guided (AMD)."""
    if profile.spec.per_pod_power_management_enabled:
        return "passive", "passive"
    if profile.spec.hardware_tuning is not None:
        return "active", "active"
    return _INTEL_RECOMMENDED_PSTATE, "guided"


def _cpu_sets(profile: ProfileView, options: RenderOptions) -> dict[str, str]:
    cpu = profile.spec.cpu
    isolated = _cpus(profile, "spec.cpu.isolated", cpu.isolated)
    ovs_dpdk = _cpus(profile, "spec.cpu.ovsDpdk", options.ovs_dpdk_cpus)
    irq_affinity = ""
    if ovs_dpdk:
        everything = isolated | ovs_dpdk | _cpus(profile, "spec.cpu.reserved", cpu.reserved)
        everything |= _cpus(profile, "spec.cpu.shared", cpu.shared)
        irq_affinity = str(everything - ovs_dpdk)
    return {"isolated_cpus": str(isolated | ovs_dpdk), "irq_affinity_cpus": irq_affinity}


def compute(profile: ProfileView, options: RenderOptions) -> TemplateVariables:
    """The template values and flags for `profile`; raises `RenderError` on input the reference
    refuses (hugepages without a default size, high power consumption together with per-pod
    power management) and on values that would corrupt the profile text."""
    spec = profile.spec
    _check_hints(profile)
    intel_pstate, amd_pstate = _pstates(profile)
    values = {
        "profile_name": _profile_name(profile),
        **_cpu_sets(profile, options),
        "hugepages": hugepages_cmdline(profile),
        "additional_args": _additional_args(profile),
        "net_sections": net_sections(profile),
        "cpu_frequency_sysfs": cpu_frequency_sysfs(profile),
        "intel_pstate": intel_pstate,
        "amd_pstate": amd_pstate,
    }
    flags = {
        "realtime": spec.realtime_hint_enabled,
        "high_power_consumption": spec.high_power_consumption_enabled,
        "per_pod_power_management": spec.per_pod_power_management_enabled,
        "static_isolation": not spec.balance_isolated_enabled,
        "globally_disable_irq_load_balancing": spec.irq_load_balancing_globally_disabled,
    }
    return TemplateVariables(values=values, flags=flags)
