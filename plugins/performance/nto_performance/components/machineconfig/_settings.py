"""What the MachineConfig depends on, read once from the profile and the render options.

`MachineConfigSettings.from_profile` checks and parses every input the file and unit builders
need (CPU lists, hugepage sizes, annotations, derived options), so :mod:`._files` and
:mod:`._units` work on plain, valid values. Bad input raises `RenderError` naming the profile,
the field, the value and the fix. Neighbours: :mod:`.options` (the derived options),
:mod:`nto_api.cpuset`, :mod:`nto_api.quantity`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from nto_api.cpuset import CPUSet, CPUSetError
from nto_api.quantity import QuantityError, hugepage_size_kib
from nto_performance.components._common import RenderError
from nto_performance.components.names import (
    CPU_PARTITIONING_ALL_NODES,
    ENABLE_PHYSICAL_DEV_RPS_ANNOTATION,
    ENABLE_RPS_ANNOTATION,
    EXEC_CPU_AFFINITY_ANNOTATION,
)
from nto_performance.components.options import RenderOptions

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = ["HugepagesAllocation", "MachineConfigSettings"]

_RPS_ON: Final = frozenset({"true", "enable"})
_DISABLE: Final = "disable"


@dataclass(frozen=True)
class HugepagesAllocation:
    """Pages of one size to allocate on one NUMA node at boot."""

    size_kib: int
    count: int
    node: int


@dataclass(frozen=True, kw_only=True)
class MachineConfigSettings:
    """Everything the MachineConfig's files and units depend on, checked and parsed."""

    reserved: str
    """``spec.cpu.reserved`` as written (CRI-O and workload pinning take it verbatim)."""
    reserved_cpus: CPUSet
    offlined_cpus: CPUSet
    shared: str
    """``spec.cpu.shared`` as written when mixed-cpus is on, else empty."""
    ovs_dpdk_cpus: CPUSet
    """From the derived options (empty in the offline render)."""
    ovs_dpdk_partition: str
    """``member``, or ``isolated`` when load balancing is disabled for OVS-DPDK."""
    rps: bool
    physical_rps: bool
    exec_cpu_affinity: bool
    workload_pinning: bool
    hugepages: tuple[HugepagesAllocation, ...]

    @property
    def mixed_cpus(self) -> bool:
        """Mixed-cpus is on (the shared set is only kept then)."""
        return bool(self.shared)

    @classmethod
    def from_profile(
        cls,
        profile: ProfileView,
        options: RenderOptions,
    ) -> MachineConfigSettings:
        """Read and check the inputs; raises `RenderError` on bad ones."""
        name = profile.metadata.name
        cpu = profile.spec.cpu
        annotations = profile.metadata.annotations or {}
        shared = cpu.shared or ""
        mixed = options.mixed_cpus_enabled and bool(_cpus(name, "spec.cpu.shared", shared))
        return cls(
            reserved=cpu.reserved,
            reserved_cpus=_cpus(name, "spec.cpu.reserved", cpu.reserved),
            offlined_cpus=_cpus(name, "spec.cpu.offlined", cpu.offlined or ""),
            shared=shared if mixed else "",
            ovs_dpdk_cpus=_cpus(name, "cpu.ovsDpdk (render options)", options.ovs_dpdk_cpus),
            ovs_dpdk_partition=(
                "isolated" if options.disable_load_balancing_for_ovs_dpdk else "member"
            ),
            rps=annotations.get(ENABLE_RPS_ANNOTATION) in _RPS_ON,
            physical_rps=annotations.get(ENABLE_PHYSICAL_DEV_RPS_ANNOTATION) == "true",
            exec_cpu_affinity=annotations.get(EXEC_CPU_AFFINITY_ANNOTATION) != _DISABLE,
            workload_pinning=options.pinning_mode == CPU_PARTITIONING_ALL_NODES,
            hugepages=_hugepages(profile),
        )


def _cpus(profile_name: str | None, field: str, text: str) -> CPUSet:
    try:
        return CPUSet.parse(text)
    except CPUSetError as error:
        raise RenderError(
            f"{field} {text!r} in PerformanceProfile {profile_name!r} is not a cpulist: {error}; "
            "write CPU ids and ranges such as '0-3,8'"
        ) from error


def _hugepages(profile: ProfileView) -> tuple[HugepagesAllocation, ...]:
    """Entries of ``spec.hugepages.pages`` with a NUMA node; the others go on the cmdline."""
    name = profile.metadata.name
    pages = (profile.spec.hugepages and profile.spec.hugepages.pages) or []
    allocations: list[HugepagesAllocation] = []
    seen: dict[tuple[int, int], int] = {}
    for index, page in enumerate(pages):
        if page.node is None:
            continue
        field = f"spec.hugepages.pages[{index}]"
        if page.node < 0:
            raise RenderError(
                f"{field}.node {page.node!r} in PerformanceProfile {name!r} is negative; "
                "use a NUMA node id such as 0"
            )
        if page.count is not None and page.count < 0:
            raise RenderError(
                f"{field}.count {page.count!r} in PerformanceProfile {name!r} is negative; "
                "use a number of pages such as 4"
            )
        try:
            size_kib = hugepage_size_kib(page.size or "")
        except QuantityError as error:
            raise RenderError(
                f"{field}.size {page.size!r} in PerformanceProfile {name!r}: {error}"
            ) from error
        key = (size_kib, page.node)
        if key in seen:
            raise RenderError(
                f"{field} repeats size {page.size!r} on NUMA node {page.node} of "
                f"spec.hugepages.pages[{seen[key]}] in PerformanceProfile {name!r}; "
                "merge the two entries into one count"
            )
        seen[key] = index
        allocations.append(HugepagesAllocation(size_kib, page.count or 0, page.node))
    return tuple(allocations)
