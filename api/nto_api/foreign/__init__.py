"""Partial models of kinds owned by others that the operators read or write.

`mco` (MachineConfig, KubeletConfig, MachineConfigPool), `config` (ClusterOperator,
Infrastructure), `core` (Node, RuntimeClass). All keep unknown fields. The most used classes are
re-exported here.
"""

from __future__ import annotations

from nto_api.foreign.config import ClusterOperator, Infrastructure
from nto_api.foreign.core import Node, RuntimeClass
from nto_api.foreign.mco import KubeletConfig, MachineConfig, MachineConfigPool

__all__ = [
    "ClusterOperator",
    "Infrastructure",
    "KubeletConfig",
    "MachineConfig",
    "MachineConfigPool",
    "Node",
    "RuntimeClass",
]
