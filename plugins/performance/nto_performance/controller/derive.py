"""Render options derived from cluster state (spec section 3, "Derived options").

- pinning mode: ``Infrastructure/cluster .status.cpuPartitioning`` (``AllNodes`` = workload
  partitioning, anything else ``None``);
- mixed CPUs: feature gate ``MixedCPUsAllocation`` enabled in ``FeatureGate/cluster`` for the
  running release (off when the gate cannot be read), ``spec.cpu.shared`` non-empty and
  ``spec.workloadHints.mixedCpus`` true;
- DRA resource management and the ovs-dpdk load-balancing switch: from their annotations;
- ``spec.cpu.ovsDpdk`` as is.

Pure. Neighbours: :mod:`nto_performance.components.options` (the value built here),
:mod:`.reconciler` (reads Infrastructure and FeatureGate, calls :func:`render_options`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Final, Protocol

from nto_api.foreign.mco import MachineConfigPool
from nto_api.names import CONFIG_V1
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components._common import (
    dra_resource_management_requested,
    ovs_dpdk_load_balancing_disabled,
)
from nto_performance.components.names import CPU_PARTITIONING_ALL_NODES
from nto_performance.components.options import PinningMode, RenderOptions

__all__ = [
    "MIXED_CPUS_FEATURE_GATE",
    "feature_gate_enabled",
    "pinning_mode",
    "read_render_options",
    "render_options",
]

MIXED_CPUS_FEATURE_GATE: Final = "MixedCPUsAllocation"


def pinning_mode(infrastructure: Mapping[str, Any] | None) -> PinningMode:
    """``AllNodes`` when the Infrastructure says so, else ``None``."""
    status = (infrastructure or {}).get("status") or {}
    if isinstance(status, Mapping) and status.get("cpuPartitioning") == CPU_PARTITIONING_ALL_NODES:
        return "AllNodes"
    return "None"


def feature_gate_enabled(
    feature_gate: Mapping[str, Any] | None,
    gate: str,
    *,
    release_version: str,
) -> bool:
    """Whether `gate` is listed as enabled for `release_version` in ``FeatureGate/cluster``
    status (the only entry when one version is reported); false when unreadable."""
    status = (feature_gate or {}).get("status") or {}
    entries = status.get("featureGates") if isinstance(status, Mapping) else None
    if not isinstance(entries, list) or not entries:
        return False
    chosen = next(
        (e for e in entries if isinstance(e, Mapping) and e.get("version") == release_version),
        entries[0] if len(entries) == 1 else None,
    )
    if not isinstance(chosen, Mapping):
        return False
    enabled = chosen.get("enabled") or []
    return isinstance(enabled, list) and any(
        isinstance(item, Mapping) and item.get("name") == gate for item in enabled
    )


def render_options(
    profile: PerformanceProfile,
    *,
    pool: MachineConfigPool | None,
    infrastructure: Mapping[str, Any] | None,
    feature_gate: Mapping[str, Any] | None,
    release_version: str,
) -> RenderOptions:
    """Every option of :class:`RenderOptions` for `profile` in this cluster."""
    spec = profile.spec
    hints = spec.workload_hints
    mixed = (
        feature_gate_enabled(feature_gate, MIXED_CPUS_FEATURE_GATE, release_version=release_version)
        and bool(spec.cpu.shared)
        and hints is not None
        and hints.mixed_cpus is True
    )
    return RenderOptions(
        profile_mcp=pool,
        pinning_mode=pinning_mode(infrastructure),
        mixed_cpus_enabled=mixed,
        dra_resource_management=dra_resource_management_requested(profile),
        ovs_dpdk_cpus=str(spec.cpu.ovs_dpdk or ""),
        disable_load_balancing_for_ovs_dpdk=ovs_dpdk_load_balancing_disabled(profile),
    )


class ClusterReader(Protocol):
    """What :func:`read_render_options` needs of an API client (a ``KubeClient`` has it)."""

    async def get(
        self, api_version: str, plural: str, name: str, namespace: str | None = None
    ) -> Mapping[str, Any] | None: ...


async def read_render_options(
    client: ClusterReader,
    profile: PerformanceProfile,
    *,
    pool: MachineConfigPool | None,
    release_version: str,
) -> RenderOptions:
    """:func:`render_options` with the cluster's ``Infrastructure`` and ``FeatureGate``
    ``cluster``, read together: what both controllers (classic and HyperShift) render with."""
    infrastructure, feature_gate = await asyncio.gather(
        client.get(CONFIG_V1, "infrastructures", "cluster"),
        client.get(CONFIG_V1, "featuregates", "cluster"),
    )
    return render_options(
        profile,
        pool=pool,
        infrastructure=infrastructure,
        feature_gate=feature_gate,
        release_version=release_version,
    )
