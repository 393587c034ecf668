"""PerformanceProfile models, one module per served version.

`v2` is the storage version and the one controllers use; `v1` is the conversion hub; `v1alpha1`
is the oldest. `common` holds the parts all versions share and the profile annotation keys.
"""

from __future__ import annotations

from nto_api.performance import common, v1, v1alpha1, v2

__all__ = ["common", "v1", "v1alpha1", "v2"]
