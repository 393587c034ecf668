"""The creator's pipeline: from validated options to the text printed on stdout.

`run` opens the must-gather (`mustgather`), picks the targeted nodes (`selection`), reads only
their hardware snapshots (`snapshot`), checks that they agree, allocates the CPUs
(`allocation`) and renders the profile (`hints`, `profile`), or for ``info`` renders every
node's layout (`info`). Warnings go to the `warn` callback (the CLI prefixes them with
``PPC: ``); failures raise one of `INPUT_ERRORS`, each with a message for the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from nto_performance.ppc import info, selection
from nto_performance.ppc.allocation import AllocationError, allocate_cpus
from nto_performance.ppc.hardware import Hardware
from nto_performance.ppc.hints import HintsError, workload_hints
from nto_performance.ppc.mustgather import MustGather, MustGatherError
from nto_performance.ppc.profile import (
    HOSTED_NODE_SELECTOR,
    ProfileError,
    ProfileRequest,
    build_profile,
    render_output,
)
from nto_performance.ppc.selection import SelectionError
from nto_performance.ppc.snapshot import SnapshotError, load_hardware

if TYPE_CHECKING:
    from nto_api.views import NodeView, PoolView
    from nto_performance.ppc.cli import Options

__all__ = ["INPUT_ERRORS", "Warn", "run"]

logger = logging.getLogger(__name__)

Warn = Callable[[str], None]
INPUT_ERRORS = (
    AllocationError,
    HintsError,
    MustGatherError,
    ProfileError,
    SelectionError,
    SnapshotError,
)


def run(options: Options, *, warn: Warn) -> str:
    """Return what the command prints on success."""
    gather = MustGather.open(options.must_gather_dir)
    if options.command == "info":
        return _info(gather, as_json=options.json, warn=warn)
    return _create(gather, options, warn)


def _hardware_reader(gather: MustGather) -> Callable[[str], Hardware]:
    def read(node_name: str) -> Hardware:
        return load_hardware(gather.snapshot_of(node_name))

    return read


def _info(gather: MustGather, *, as_json: bool, warn: Warn) -> str:
    nodes = gather.nodes()
    if gather.is_hosted():
        groups = selection.group_by_node_pool(nodes)
        for name in selection.nodes_in_no_node_pool(nodes):
            warn(
                f"node {name!r} has no label {selection.NODE_POOL_LABEL}: it belongs to no "
                "NodePool and is left out"
            )
    else:
        groups = selection.group_by_pool(nodes, gather.pools())
    infos = info.pool_infos(groups, _hardware_reader(gather))
    return info.render_json(infos) if as_json else info.render_text(infos)


def _targets(
    gather: MustGather, options: Options
) -> tuple[list[NodeView], dict[str, PoolView] | None]:
    """Return the targeted nodes, and the pools (``None`` on HyperShift)."""
    hosted = gather.is_hosted()
    if hosted and options.mcp_name:
        raise SelectionError(
            "the must-gather is of a hosted (HyperShift) cluster, which has no "
            "MachineConfigPools; use --node-pool-name instead of --mcp-name"
        )
    if not hosted and options.node_pool_name:
        raise SelectionError(
            f"the must-gather is not of a hosted (HyperShift) cluster "
            f"({gather.standalone_because()}); use --mcp-name instead of --node-pool-name"
        )
    nodes = gather.nodes()
    if hosted:
        return selection.nodes_of_node_pool(nodes, options.node_pool_name), None
    pools = gather.pools()
    return selection.nodes_of_pool(nodes, pools, options.mcp_name), pools


def _create(gather: MustGather, options: Options, warn: Warn) -> str:
    targets, pools = _targets(gather, options)
    names = [node.metadata.name or "" for node in targets]
    warn(f"nodes targeted by {_target_name(options)}: {', '.join(names)}")
    read = _hardware_reader(gather)
    hardware = {name: read(name) for name in names}
    architectures = {
        node.metadata.name or "": (
            node.status.node_info.architecture or ""
            if node.status and node.status.node_info
            else ""
        )
        for node in targets
    }
    comparison = selection.compare_hardware(hardware, architectures)
    if comparison.different_core_ids:
        warn("the targeted nodes have the same CPUs but different core IDs")
    allocation = allocate_cpus(
        hardware[names[0]],
        reserved_count=options.reserved_cpu_count,
        offlined_count=options.offlined_cpu_count,
        split_reserved_across_numa=options.split_reserved_cpus_across_numa,
        disable_ht=options.disable_ht,
        ultra_low_latency=options.power_consumption_mode == "ultra-low-latency",
    )
    for message in allocation.warnings:
        warn(message)
    request = _request(options, pools)
    profile = build_profile(request, allocation)
    return render_output(
        profile,
        hosted=pools is None,
        hardware_tuning=options.enable_hardware_tuning,
        different_core_ids=comparison.different_core_ids,
    )


def _target_name(options: Options) -> str:
    if options.node_pool_name:
        return f"NodePool {options.node_pool_name!r}"
    return f"MachineConfigPool {options.mcp_name!r}"


def _request(options: Options, pools: dict[str, PoolView] | None) -> ProfileRequest:
    if pools is None:
        node_selector, pool_selector = dict(HOSTED_NODE_SELECTOR), None
    else:
        selector = pools[options.mcp_name].spec.node_selector
        node_selector = dict((selector.match_labels if selector else None) or {})
        pool_selector = selection.pool_selector(options.mcp_name, pools)
    return ProfileRequest(
        name=options.profile_name,
        node_selector=node_selector,
        pool_selector=pool_selector,
        rt_kernel=options.rt_kernel,
        topology_policy=options.topology_manager_policy,
        user_level_networking=options.user_level_networking,
        hints=workload_hints(
            mode=options.power_consumption_mode,
            rt_kernel=options.rt_kernel,
            per_pod_power_management=options.per_pod_power_management,
        ),
    )
