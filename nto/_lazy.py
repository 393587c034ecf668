"""Module attributes imported on first use (PEP 562), for the core's facades.

``nto.plugins``, ``nto.plugins.tuned``, ``nto.testing`` and ``nto.errors`` re-export names from
modules that short commands must not pay for (pluggy, the runtime, YAML readers, the emulated
server). Each declares where its names live and takes its ``__getattr__`` from here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    module: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` importing ``homes[name]`` on first use and keeping the value in
    `namespace` (the module's ``globals()``), so the next lookup is a plain attribute."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return __getattr__
