"""Partial models of kinds owned by others that the operators read or write.

`mco` (MachineConfig, KubeletConfig, MachineConfigPool), `config` (ClusterOperator,
Infrastructure), `core` (Node, RuntimeClass). All keep unknown fields. The most used classes are
re-exported here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nto_api.foreign.config import ClusterOperator, Infrastructure
    from nto_api.foreign.core import Node, RuntimeClass
    from nto_api.foreign.mco import KubeletConfig, MachineConfig, MachineConfigPool

_HOMES = {
    "ClusterOperator": "config",
    "Infrastructure": "config",
    "KubeletConfig": "mco",
    "MachineConfig": "mco",
    "MachineConfigPool": "mco",
    "Node": "core",
    "RuntimeClass": "core",
}


def __getattr__(name: str) -> Any:
    """Import a re-exported class on first use: importing one module must not build them all."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "ClusterOperator",
    "Infrastructure",
    "KubeletConfig",
    "MachineConfig",
    "MachineConfigPool",
    "Node",
    "RuntimeClass",
]
