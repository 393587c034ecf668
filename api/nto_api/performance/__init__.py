"""PerformanceProfile models, one module per served version.

`v2` is the storage version and the one controllers use; `v1` is the conversion hub; `v1alpha1`
is the oldest. `common` holds the parts all versions share and the profile annotation keys.
The version modules load on first use (PEP 562): ``render`` reads only `v2`.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nto_api.performance import common, v1, v1alpha1, v2

__all__ = ["common", "v1", "v1alpha1", "v2"]


def __getattr__(name: str) -> ModuleType:
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
