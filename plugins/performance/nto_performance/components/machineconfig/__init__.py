"""The profile's MachineConfig (``50-performance-<pp>``) and the bootstrap workload-pinning one.

`render` returns the wire dict of the MachineConfig that carries a PerformanceProfile's node
files and systemd units: hugepages per NUMA node, offline CPUs, the irqbalance reset, the CRI-O
high-performance runtime, RPS (on request), workload pinning, the OVS slice, OVS-DPDK CPUs,
stalld, mixed-cpus and the TuneD one-shot run before the kubelet. Its labels are the profile's
machineConfigLabel (default ``machineconfiguration.openshift.io/role: <role>``) and its
``kernelType`` is ``realtime``, ``64k-pages`` or ``default``. Kernel arguments do not travel here:
TuneD computes them and the core's ``50-nto-<pool>`` MachineConfig carries them.

`render_workload_pinning_bootstrap` returns ``01-<pool>-cpu-partitioning``, which the offline
``render`` command writes for every pool when workload partitioning is on.

Sub-modules: :mod:`._settings` (inputs), :mod:`._files`, :mod:`._units`, :mod:`._crio`,
:mod:`._ignition`, :mod:`._paths`; node scripts live in ``scripts/``, static units in ``configs/``.
Neighbours: :mod:`..manifestset` composes this with the other renderers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from nto_api.foreign.ignition import MACHINECONFIG_ROLE_LABEL
from nto_api.names import MACHINECONFIG_V1
from nto_performance.components._common import RenderError, wire_metadata
from nto_performance.components.machineconfig._crio import (
    crio_workload_pinning_conf,
    workload_pinning_json,
)
from nto_performance.components.machineconfig._files import machine_config_files
from nto_performance.components.machineconfig._ignition import (
    CONFIG_MODE,
    file_entry,
    ignition_config,
)
from nto_performance.components.machineconfig._paths import (
    CRIO_WORKLOAD_PINNING_BOOTSTRAP_FILE,
    WORKLOAD_PINNING_FILE,
)
from nto_performance.components.machineconfig._settings import MachineConfigSettings
from nto_performance.components.machineconfig._units import machine_config_units
from nto_performance.components.names import (
    machine_config_label,
    machine_config_name,
    workload_pinning_bootstrap_name,
)
from nto_performance.components.options import RenderOptions

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = ["API_VERSION", "KIND", "kernel_type", "render", "render_workload_pinning_bootstrap"]

API_VERSION: Final = MACHINECONFIG_V1
KIND: Final = "MachineConfig"
_POOL_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,200}[a-z0-9])?")


def kernel_type(profile: ProfileView) -> str:
    """``realtime`` with the RT kernel, else ``64k-pages`` for 64k pages, else ``default``."""
    if profile.spec.realtime_kernel_enabled:
        return "realtime"
    if profile.spec.effective_kernel_page_size == "64k":
        return "64k-pages"
    return "default"


def _machine_config(metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": spec}


def render(profile: ProfileView, options: RenderOptions) -> dict[str, Any]:
    """The MachineConfig ``50-performance-<pp>`` of `profile`, as a wire dict.

    Raises `RenderError` naming the field when a CPU list or hugepage entry is malformed.
    """
    name = profile.metadata.name
    if not name:
        raise RenderError("PerformanceProfile has no metadata.name; name the profile")
    settings = MachineConfigSettings.from_profile(profile, options)
    config = ignition_config(machine_config_files(settings), machine_config_units(settings))
    metadata = wire_metadata(name=machine_config_name(name), labels=machine_config_label(profile))
    return _machine_config(metadata, {"config": config, "kernelType": kernel_type(profile)})


def render_workload_pinning_bootstrap(pool_name: str) -> dict[str, Any]:
    """The bootstrap MachineConfig ``01-<pool>-cpu-partitioning`` of `pool_name`.

    It turns workload pinning on with no CPUs yet, so that the kubelet and CRI-O of the pool's
    nodes know about the ``management`` workload from their first boot; the profile's own
    MachineConfig fills in the reserved CPUs later. The caller writes it only when
    ``Infrastructure.status.cpuPartitioning`` is ``AllNodes``.
    """
    if not isinstance(pool_name, str) or not _POOL_NAME.fullmatch(pool_name):
        raise RenderError(
            f"MachineConfigPool name {pool_name!r} cannot name the bootstrap MachineConfig "
            f"{workload_pinning_bootstrap_name(str(pool_name))!r}; use a lowercase DNS name "
            "such as 'worker-cnf'"
        )
    files = [
        file_entry(WORKLOAD_PINNING_FILE, workload_pinning_json(""), mode=CONFIG_MODE),
        file_entry(
            CRIO_WORKLOAD_PINNING_BOOTSTRAP_FILE, crio_workload_pinning_conf(""), mode=CONFIG_MODE
        ),
    ]
    metadata = wire_metadata(
        name=workload_pinning_bootstrap_name(pool_name),
        labels={MACHINECONFIG_ROLE_LABEL: pool_name},
    )
    return _machine_config(metadata, {"config": ignition_config(files)})
