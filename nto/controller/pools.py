"""MachineConfigPool membership: which pools a node is in, which pools render given MC labels.

Rules (reference, MCO's own): a pool selects a node when its non-empty ``spec.nodeSelector``
matches the node's labels. Of the matching pools, more than one custom pool (neither ``master``
nor ``worker``) is an error and counts as no pools; one custom pool gives ``[master or the custom
pool, worker if it matched]``; otherwise ``[master]`` when master matched, else ``[worker]``.
Element 0 is the node's primary pool. A pool renders a MachineConfig when its non-empty
``spec.machineConfigSelector`` matches the MachineConfig's labels.

Neighbours: `selectors` (selector evaluation), `calculator` (machineConfigLabels rules),
`kargs` (MachineConfig names, gating by primary pool).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nto.controller.names import MASTER_POOL, WORKER_POOL
from nto.controller.selectors import is_empty_selector, selector_matches
from nto_api.objects import get_map, name_of

__all__ = ["NodePools", "pools_for_machine_config_labels", "pools_for_node"]


@dataclass(frozen=True)
class NodePools:
    """The pools of one node (primary first) and, when membership is ambiguous, why."""

    names: tuple[str, ...]
    problem: str | None = None

    @property
    def primary(self) -> str | None:
        """The node's primary pool, if any."""
        return self.names[0] if self.names else None


def pools_for_node(
    node_name: str,
    node_labels: Mapping[str, str],
    pools: Sequence[Mapping[str, Any]],
) -> NodePools:
    """The pools of a node with `node_labels`, primary first."""
    matched = [
        name_of(pool)
        for pool in pools
        if not is_empty_selector(get_map(pool, "spec").get("nodeSelector"))
        and selector_matches(get_map(pool, "spec", "nodeSelector"), node_labels)
    ]
    if not matched:
        return NodePools(())
    custom = sorted(p for p in matched if p not in {MASTER_POOL, WORKER_POOL})
    worker = (WORKER_POOL,) if WORKER_POOL in matched else ()
    if len(custom) > 1:
        return NodePools(
            (),
            f"node {node_name!r} belongs to {len(custom)} custom MachineConfigPools "
            f"{custom!r}; give it the nodeSelector labels of one custom pool only",
        )
    if custom:
        first = MASTER_POOL if MASTER_POOL in matched else custom[0]
        return NodePools((first, *worker))
    if MASTER_POOL in matched:
        return NodePools((MASTER_POOL,))
    return NodePools(worker)


def pools_for_machine_config_labels(
    mc_labels: Mapping[str, str],
    pools: Sequence[Mapping[str, Any]],
) -> list[str]:
    """Names of the pools whose non-empty machineConfigSelector matches `mc_labels`, sorted."""
    return sorted(
        name_of(pool)
        for pool in pools
        if not is_empty_selector(get_map(pool, "spec").get("machineConfigSelector"))
        and selector_matches(get_map(pool, "spec", "machineConfigSelector"), mc_labels)
    )
