"""The core's pure Tuned calculation, part of the plugin surface.

For plugins that must know which TuneD profile each node gets from a set of Tuneds without
running the operator (the performance plugin's Tuned admission warnings and ``nto preview``):
the same :class:`Calculator` the Tuned controller uses, so a preview cannot disagree with what
the operator will write. Pure: no I/O, cheap to import. Neighbours: :mod:`nto.controller`.
"""

from __future__ import annotations

from nto.controller.calculator import Calculator
from nto.controller.computed import NodeFacts
from nto.controller.matching import iter_match_items
from nto.controller.pools import pools_for_node

__all__ = ["Calculator", "NodeFacts", "iter_match_items", "pools_for_node"]
