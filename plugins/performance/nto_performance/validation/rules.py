"""The validation rules of a v2 PerformanceProfile, in the reference webhook's order.

Each rule is a pure function ``rule(subject) -> list[FieldError]``; :data:`RULES` lists them in
the order of spec section 2 and :func:`validate` runs the shape check (:mod:`.shape`) and then
every rule, so that one denial names every bad field. Cluster facts (other profiles, the
selected nodes) come in through :class:`~.cluster.ClusterData`; nothing here does I/O.

Differences from the reference, on purpose (same meaning):

- each overlapping pair of CPU sets is reported once, in a fixed order, not once per ordering;
- duplicate hugepages are reported once per (size, NUMA node) group instead of once per pair,
  and nodes with the wrong architecture or capacity once per rule, so hostile lists stay short;
- a malformed cpulist is a field error on its own field (``spec.cpu.reserved``) rather than an
  internal error on ``spec.cpu``, and messages are spelled correctly and say the fix;
- checks the typed model makes impossible (a nil ``spec.cpu.reserved`` with userLevelNetworking,
  a nil nodeSelector) are covered by the shape check's "required" errors instead.

The architecture, capacity, kernel page size and hugepage rules live in :mod:`.hardware`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from nto_api.cpuset import CPUSet, CPUSetError
from nto_api.performance import v2
from nto_api.performance.common import TOPOLOGY_POLICIES
from nto_performance.validation import hardware
from nto_performance.validation.cluster import ClusterData
from nto_performance.validation.fielderrors import ErrorType, FieldError
from nto_performance.validation.shape import parse_profile
from nto_performance.validation.subject import Rule, Subject

__all__ = [
    "CPU_SET_FIELDS",
    "MAX_ERRORS",
    "RULES",
    "Rule",
    "Subject",
    "cap_errors",
    "cpus",
    "hardware_tuning",
    "net",
    "node_listing",
    "node_selector_unique",
    "numa",
    "selectors",
    "validate",
    "validate_profile",
    "workload_hints",
]

MAX_ERRORS: Final = 50
"""At most this many errors are returned; the last one then says how many were left out."""

CPU_SET_FIELDS: Final = (
    ("reserved", "reserved"),
    ("isolated", "isolated"),
    ("offlined", "offlined"),
    ("shared", "shared"),
    ("ovsDpdk", "ovs_dpdk"),
)
"""(wire name, model attribute) of every CPU set, in the order overlaps are reported."""

_PCI_ID: Final = re.compile(r"0x[0-9a-fA-F]{1,4}")
_MAX_CPUS_SHOWN: Final = 60


def _cpus_text(cpus: CPUSet) -> str:
    text = str(cpus)
    if len(text) <= _MAX_CPUS_SHOWN:
        return text
    return f"{text[:_MAX_CPUS_SHOWN]}... ({len(cpus)} CPUs)"


# --- 1, 2: other profiles and the node listing ---------------------------------------------


def node_selector_unique(subject: Subject) -> list[FieldError]:
    """Rule 1: no other profile may have the same ``spec.nodeSelector``."""
    selector = subject.spec.node_selector
    errors = []
    if subject.cluster.profiles_error:
        detail = (
            "cannot check that no other PerformanceProfile has the same nodeSelector: "
            f"{subject.cluster.profiles_error}"
        )
        errors.append(FieldError(ErrorType.INVALID, "spec.nodeSelector", detail, selector))
    for other in subject.cluster.profiles:
        if other.name != subject.name and other.node_selector == selector:
            detail = (
                f"the profile has the same node selector as the performance profile "
                f"{other.name!r}; give each profile a nodeSelector of its own"
            )
            errors.append(FieldError(ErrorType.INVALID, "spec.nodeSelector", detail, selector))
    return errors


def node_listing(subject: Subject) -> list[FieldError]:
    """Rule 2: a failure to list the selected nodes is reported, not ignored."""
    if not subject.cluster.nodes_error:
        return []
    detail = f"failed to list the nodes it selects: {subject.cluster.nodes_error}"
    return [FieldError(ErrorType.INVALID, "spec.nodeSelector", detail, subject.spec.node_selector)]


# --- 3: CPU sets ---------------------------------------------------------------------------


def _parsed_cpu_sets(cpu: v2.CPU, errors: list[FieldError]) -> dict[str, CPUSet]:
    sets: dict[str, CPUSet] = {}
    for wire, attribute in CPU_SET_FIELDS:
        text = getattr(cpu, attribute)
        if text is None:
            continue
        try:
            sets[wire] = CPUSet.parse(text)
        except CPUSetError as exc:
            errors.append(FieldError(ErrorType.INVALID, f"spec.cpu.{wire}", str(exc), text))
    return sets


def cpus(subject: Subject) -> list[FieldError]:
    """Rule 3: every CPU set parses, reserved and isolated are not empty, no two sets overlap."""
    errors: list[FieldError] = []
    sets = _parsed_cpu_sets(subject.spec.cpu, errors)
    for wire in ("reserved", "isolated"):
        if wire in sets and not sets[wire]:
            detail = f"{wire} CPUs can not be empty; list at least one CPU"
            errors.append(FieldError(ErrorType.INVALID, f"spec.cpu.{wire}", detail, ""))
    names = list(sets)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            common = sets[first] & sets[second]
            if common:
                shown = _cpus_text(common)
                detail = (
                    f"{first} and {second} CPUs overlap on CPUs {shown}; each CPU may belong to "
                    f"one set only: remove them from spec.cpu.{first} or spec.cpu.{second}"
                )
                errors.append(FieldError(ErrorType.FORBIDDEN, "spec.cpu", detail))
    return errors


# --- 4: selectors --------------------------------------------------------------------------


def _single_entry(field: str, labels: Mapping[str, str] | None, what: str) -> list[FieldError]:
    if labels is None or len(labels) <= 1:
        return []
    detail = f"you should provide only 1 {what}; keep one of the {len(labels)} labels"
    return [FieldError(ErrorType.INVALID, field, detail, dict(labels))]


def selectors(subject: Subject) -> list[FieldError]:
    """Rule 4: one label per selector, and a nodeSelector key that defaults can be derived from."""
    spec = subject.spec
    errors = [
        *_single_entry("spec.machineConfigLabel", spec.machine_config_label, "MachineConfigLabel"),
        *_single_entry(
            "spec.machineConfigPoolSelector",
            spec.machine_config_pool_selector,
            "MachineConfigPoolSelector",
        ),
        *_single_entry("spec.nodeSelector", spec.node_selector, "NodeSelector"),
    ]
    if spec.machine_config_label is None or spec.machine_config_pool_selector is None:
        key = next(iter(spec.node_selector), "")
        if len(key.split("/")) != 2:
            detail = (
                f"machineConfigLabel or machineConfigPoolSelector is not set, and it cannot be "
                f"derived because the nodeSelector label key {key!r} can't be split into "
                "domain/role; use a key such as 'node-role.kubernetes.io/<role>' or set both"
            )
            errors.append(
                FieldError(ErrorType.INVALID, "spec.nodeSelector", detail, spec.node_selector)
            )
    return errors


# --- 9 to 12: NUMA, net, workload hints, hardware tuning -----------------------------------


def numa(subject: Subject) -> list[FieldError]:
    """Rule 9: ``numa.topologyPolicy`` is one the kubelet knows."""
    policy = subject.spec.numa.topology_policy if subject.spec.numa else None
    if policy is None or policy in TOPOLOGY_POLICIES:
        return []
    detail = f"unrecognized value for topologyPolicy; use one of {', '.join(TOPOLOGY_POLICIES)}"
    return [FieldError(ErrorType.NOT_SUPPORTED, "spec.numa.topologyPolicy", detail, policy)]


def _pci_id_error(field: str, value: str | None, what: str) -> list[FieldError]:
    if value is None or _PCI_ID.fullmatch(value):
        return []
    detail = f"{what} should be represented as 0x<4 hexadecimal digits>, such as 0x8086"
    return [FieldError(ErrorType.INVALID, field, detail, value)]


def net(subject: Subject) -> list[FieldError]:
    """Rule 10: every device has a name (when given) and well-formed PCI ids."""
    devices = (subject.spec.net.devices if subject.spec.net else None) or []
    errors: list[FieldError] = []
    for index, device in enumerate(devices):
        field = f"spec.net.devices[{index}]"
        if device.interface_name == "":
            detail = (
                "device name cannot be empty; give a name or pattern such as 'ens*', or drop it"
            )
            errors.append(FieldError(ErrorType.INVALID, f"{field}.interfaceName", detail, ""))
        errors += _pci_id_error(f"{field}.vendorID", device.vendor_id, "vendorID")
        errors += _pci_id_error(f"{field}.deviceID", device.device_id, "deviceID")
        if device.device_id is not None and device.vendor_id is None:
            detail = f"deviceID {device.device_id!r} is set without a vendorID; set the vendorID"
            errors.append(FieldError(ErrorType.REQUIRED, f"{field}.vendorID", detail))
    return errors


def workload_hints(subject: Subject) -> list[FieldError]:
    """Rule 11: the hints agree with the real-time kernel, each other and ``cpu.shared``."""
    spec = subject.spec
    hints = spec.workload_hints
    errors: list[FieldError] = []
    if spec.realtime_kernel_enabled and hints is not None and hints.real_time is False:
        detail = (
            "realtime kernel is enabled, but realtime workload hint is explicitly disabled; "
            "set workloadHints.realTime to true or disable spec.realTimeKernel"
        )
        errors.append(FieldError(ErrorType.FORBIDDEN, "spec.workloadHints.realTime", detail))
    if spec.high_power_consumption_enabled and spec.per_pod_power_management_enabled:
        detail = (
            "highPowerConsumption and perPodPowerManagement can not be both enabled; "
            "enable one of them"
        )
        errors.append(FieldError(ErrorType.FORBIDDEN, "spec.workloadHints", detail))
    shared = spec.cpu.shared
    if spec.mixed_cpus_enabled and (shared is None or not shared.strip()):
        detail = (
            "MixedCpus enabled but no shared CPUs were specified; set spec.cpu.shared or "
            "disable workloadHints.mixedCpus"
        )
        errors.append(FieldError(ErrorType.REQUIRED, "spec.cpu.shared", detail))
    return errors


def hardware_tuning(subject: Subject) -> list[FieldError]:
    """Rule 12: both CPU frequencies are declared, and neither is zero."""
    tuning = subject.spec.hardware_tuning
    if tuning is None:
        return []
    frequencies = (
        ("isolatedCpuFreq", tuning.isolated_cpu_freq),
        ("reservedCpuFreq", tuning.reserved_cpu_freq),
    )
    if any(value is None for _, value in frequencies):
        detail = (
            "both isolated and reserved cpu frequency must be declared; "
            "set isolatedCpuFreq and reservedCpuFreq (kHz)"
        )
        return [FieldError(ErrorType.REQUIRED, "spec.hardwareTuning", detail)]
    return [
        FieldError(
            ErrorType.INVALID,
            f"spec.hardwareTuning.{name}",
            "the frequency must be above 0 kHz",
            value,
        )
        for name, value in frequencies
        if value is not None and value <= 0
    ]


# --- the table and the entry points --------------------------------------------------------


RULES: Final[tuple[tuple[str, Rule], ...]] = (
    ("nodeSelector duplication", node_selector_unique),
    ("node listing", node_listing),
    ("CPUs", cpus),
    ("selectors", selectors),
    ("same architecture", hardware.same_architecture),
    ("same CPU capacity", hardware.same_cpu_capacity),
    ("kernelPageSize", hardware.kernel_page_size),
    ("hugepages", hardware.hugepages),
    ("NUMA", numa),
    ("net", net),
    ("workloadHints", workload_hints),
    ("hardwareTuning", hardware_tuning),
)
"""(name, rule) pairs, in the order of spec section 2."""


def cap_errors(errors: list[FieldError]) -> list[FieldError]:
    """``errors``, or its first ones and a last error saying how many were left out."""
    if len(errors) <= MAX_ERRORS:
        return errors
    left_out = len(errors) - (MAX_ERRORS - 1)
    more = FieldError(
        ErrorType.INVALID, "spec", f"{left_out} more errors not shown; fix the ones above first"
    )
    return [*errors[: MAX_ERRORS - 1], more]


def validate_profile(profile: v2.PerformanceProfile, cluster: ClusterData) -> list[FieldError]:
    """Every rule's errors for a typed profile, in rule order (at most :data:`MAX_ERRORS`)."""
    subject = Subject(name=profile.metadata.name or "", spec=profile.spec, cluster=cluster)
    errors: list[FieldError] = []
    for _, rule in RULES:
        errors += rule(subject)
    return cap_errors(errors)


def validate(obj: Any, cluster: ClusterData) -> list[FieldError]:
    """Every error of a wire v2 PerformanceProfile: shape errors, or else the rules' errors."""
    profile, errors = parse_profile(obj)
    if profile is None:
        return cap_errors(errors)
    return validate_profile(profile, cluster)
