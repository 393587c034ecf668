"""The core's pure Tuned calculation, part of the plugin surface.

For plugins that must know which TuneD profile each node gets from a set of Tuneds without
running the operator (the performance plugin's Tuned admission warnings and ``nto preview``):
the same :class:`Calculator` the Tuned controller uses, so a preview cannot disagree with what
the operator will write. With HyperShift: :func:`hosted_tuned_name` (the hosted name of a
NodePool's Tuned, ``<name>-<fnv32a(nodepool)>``), :class:`NodePoolCalculator` (the calculation
per NodePool) and :func:`node_pool_config_map_name` (``nto-mc-<nodepool>``). Pure: no I/O, cheap
to import. Neighbours: :mod:`nto.controller`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nto._lazy import lazy_attributes
from nto.controller.calculator import Calculator
from nto.controller.computed import NodeFacts
from nto.controller.matching import iter_match_items
from nto.controller.names import node_pool_config_map_name
from nto.controller.pools import pools_for_node

if TYPE_CHECKING:  # HyperShift's names read YAML: imported on first use
    from nto.controller.hosted_tuneds import hosted_tuned_name
    from nto.controller.nodepools import NodePoolCalculator

_LAZY = {
    "hosted_tuned_name": "nto.controller.hosted_tuneds",
    "NodePoolCalculator": "nto.controller.nodepools",
}

__all__ = [
    "Calculator",
    "NodeFacts",
    "NodePoolCalculator",
    "hosted_tuned_name",
    "iter_match_items",
    "node_pool_config_map_name",
    "pools_for_node",
]


__getattr__ = lazy_attributes(__name__, _LAZY, globals())
