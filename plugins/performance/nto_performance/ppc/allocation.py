"""The profile creator's CPU allocation: reserved, isolated and offlined CPUs of a topology.

Input is a frozen `nto_performance.ppc.hardware.Hardware` and the creator's counts and switches;
output is a frozen `Allocation` holding three `nto_api.cpuset.CPUSet` values, the extra kernel
arguments and the warnings to print (the CLI prefixes them with ``PPC: ``). Pure: no I/O, no
logging. The rules are the reference creator's, step by step:

1. With ``--disable-ht`` on a machine with hyper-threading, only the first CPU of each core is
   kept (in both orderings of the topology), hyper-threading counts as off afterwards and the
   kernel gets ``nosmt``.
2. Counts are checked against T, the CPUs left after step 1: reserved in [1, T-1], offlined in
   [0, T-1], and their sum below T.
3. Reserved CPUs are taken core by core, NUMA node by NUMA node (cores by first CPU), stopping
   exactly at the count. Sequentially: an odd count is refused with hyper-threading on. Split
   across NUMA nodes: node i fills up to a cumulative limit; the first ``count % nodes`` nodes get
   the limit ``(i + 1) * per_node + (nodes - remainder)`` with the remainder decreasing, the others
   add ``per_node``; an odd cumulative limit is refused with hyper-threading on. (For more than
   two nodes and some remainders that formula reserves more CPUs than asked; it is kept because it
   is the reference's behaviour, see the tests.)
4. Offlined CPUs, in socket order (sockets by package id, cores by core id) and never reserved
   ones: whole sockets that fit in what is still needed and hold no reserved CPU (skipped in
   ultra-low-latency mode), then hyper-thread siblings (every CPU of a core but its first), then
   any CPU; a warning when still short.
5. Isolated CPUs are all the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nto_api.cpuset import CPUSet
from nto_performance.ppc.hardware import Core, Hardware

__all__ = ["ODD_COUNT_ERROR", "Allocation", "AllocationError", "allocate_cpus"]

ODD_COUNT_ERROR = "can't allocate odd number of CPUs from a NUMA Node"


class AllocationError(ValueError):
    """The requested counts cannot be satisfied on this topology; the message says why."""


@dataclass(frozen=True, slots=True)
class Allocation:
    """The CPU partition computed for a PerformanceProfile's ``spec.cpu``."""

    reserved: CPUSet
    isolated: CPUSet
    offlined: CPUSet
    ht_enabled: bool
    """Hyper-threading as seen after ``--disable-ht`` (always False when it was given)."""
    additional_kernel_args: tuple[str, ...]
    warnings: tuple[str, ...]


def allocate_cpus(
    hardware: Hardware,
    *,
    reserved_count: int,
    offlined_count: int = 0,
    split_reserved_across_numa: bool = False,
    disable_ht: bool = False,
    ultra_low_latency: bool = False,
) -> Allocation:
    """Partition the online CPUs of `hardware` (see the module docstring for the rules)."""
    warnings: list[str] = []
    ht_enabled = hardware.ht_enabled
    if ht_enabled and disable_ht:
        hardware = hardware.without_siblings()
        ht_enabled = False
    _check_counts(hardware.cpu_count, reserved_count, offlined_count)
    if split_reserved_across_numa:
        reserved = _reserve_split(hardware, reserved_count, ht_enabled, warnings)
    else:
        reserved = _reserve_sequential(hardware, reserved_count, ht_enabled)
    offlined = _offline(hardware, reserved, offlined_count, ultra_low_latency, warnings)
    return Allocation(
        reserved=reserved,
        isolated=hardware.online - reserved - offlined,
        offlined=offlined,
        ht_enabled=ht_enabled,
        additional_kernel_args=("nosmt",) if disable_ht else (),
        warnings=tuple(warnings),
    )


def _check_counts(total: int, reserved_count: int, offlined_count: int) -> None:
    if not 1 <= reserved_count <= total - 1:
        raise AllocationError(f"please specify the reserved CPU count in the range [1,{total - 1}]")
    if not 0 <= offlined_count <= total - 1:
        raise AllocationError(f"please specify the offlined CPU count in the range [0,{total - 1}]")
    if reserved_count + offlined_count >= total:
        raise AllocationError(
            "please ensure that reserved-cpu-count plus offlined-cpu-count should be in the "
            f"range [0,{total - 1}]"
        )


def _accumulate(chosen: list[int], limit: int, cores: Iterable[Core]) -> None:
    """Append the CPUs of `cores` in order until `chosen` holds `limit` CPUs."""
    for core in cores:
        for cpu in core.cpus:
            if len(chosen) >= limit:
                return
            chosen.append(cpu)


def _reserve_sequential(hardware: Hardware, count: int, ht_enabled: bool) -> CPUSet:
    if ht_enabled and count % 2:
        raise AllocationError(ODD_COUNT_ERROR)
    chosen: list[int] = []
    for node in hardware.numa_nodes:
        _accumulate(chosen, count, node.cores)
    return CPUSet.from_ids(chosen)


def _reserve_split(hardware: Hardware, count: int, ht_enabled: bool, warnings: list[str]) -> CPUSet:
    nodes = len(hardware.numa_nodes)
    per_node, remainder = divmod(count, nodes)
    if remainder:
        warnings.append(
            f"the {count} reserved CPUs cannot be split equally across {nodes} NUMA nodes"
        )
    chosen: list[int] = []
    limit = 0
    for index, node in enumerate(hardware.numa_nodes):
        if remainder > 0:
            limit = (index + 1) * per_node + (nodes - remainder)
            remainder -= 1
        else:
            limit += per_node
        if ht_enabled and limit % 2:
            raise AllocationError(ODD_COUNT_ERROR)
        _accumulate(chosen, limit, node.cores)
    return CPUSet.from_ids(chosen)


def _offline(
    hardware: Hardware,
    reserved: CPUSet,
    count: int,
    ultra_low_latency: bool,
    warnings: list[str],
) -> CPUSet:
    chosen: list[int] = []
    if count == 0:
        return CPUSet()
    if not ultra_low_latency:
        for socket in hardware.sockets:
            cpus = socket.cpus
            if len(cpus) <= count - len(chosen) and cpus.isdisjoint(reserved):
                chosen.extend(cpus)
    taken = set(chosen)
    siblings = (cpu for core in hardware.cores for cpu in core.cpus[1:])
    anything = (cpu for core in hardware.cores for cpu in core.cpus)
    for candidates in (siblings, anything):
        for cpu in candidates:
            if len(chosen) >= count:
                break
            if cpu not in reserved and cpu not in taken:
                chosen.append(cpu)
                taken.add(cpu)
    if len(chosen) < count:
        warnings.append(
            f"could not offline enough logical processors: {len(chosen)} of the {count} asked"
        )
    return CPUSet.from_ids(chosen)
