"""``nto-example``: a small plugin that labels each Node with the TuneD profile it runs.

It shows the whole plugin surface a controller needs: an entry point in group ``nto.plugins``
(:mod:`nto_example.plugin`), RBAC rules for exactly the calls it makes, and a kopf handler
(:mod:`nto_example.labeler`). The bundle disables it by default (``NTO_DISABLED_PLUGINS``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["LABEL", "label_patch"]


def __getattr__(name: str) -> Any:
    """Re-export lazily: the CLI imports this package on every start, the labeler needs aiohttp."""
    if name in __all__:
        from nto_example import labeler

        return getattr(labeler, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
