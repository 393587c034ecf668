"""Options a render needs beyond the profile itself, derived from the cluster.

The controller derives them from cluster state (feature gates, Infrastructure, annotations, the
profile's MachineConfigPool); the offline ``render`` command fills only the pool and the pinning
mode, as the reference does. Neighbours: every renderer in :mod:`nto_performance.components`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from nto_api.views import PoolView

PinningMode = Literal["None", "AllNodes"]


@dataclass(frozen=True, kw_only=True)
class RenderOptions:
    """Everything beyond the PerformanceProfile that changes what is rendered."""

    profile_mcp: PoolView | None = None
    """The pool whose nodes the profile selects (the KubeletConfig and Tuned follow its labels)."""
    pinning_mode: PinningMode = "None"
    """``Infrastructure/cluster .status.cpuPartitioning``; ``AllNodes`` = workload partitioning."""
    mixed_cpus_enabled: bool = False
    """Feature gate MixedCPUsAllocation on, ``cpu.shared`` non-empty and the mixedCpus hint."""
    dra_resource_management: bool = False
    """Annotation ``performance.openshift.io/dra-resource-management`` parsed as a bool."""
    ovs_dpdk_cpus: str = ""
    """``cpu.ovsDpdk`` (a cpulist); empty when unset or not derived (offline render)."""
    disable_load_balancing_for_ovs_dpdk: bool = False
    """Annotation ``performance.openshift.io/cpu-load-balancing-ovs-dpdk: disable``."""
