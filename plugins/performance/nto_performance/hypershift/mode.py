"""Whether this process runs in HyperShift mode: ``HYPERSHIFT=true``, read as the core reads it.

Hooks without an operator context (CLI commands, related objects) ask :func:`enabled`; the
controller asks ``context.topology.hypershift``. Neighbours: :mod:`nto_performance.plugin`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["enabled"]


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``HYPERSHIFT`` is ``true`` (any case), as the core's settings read it."""
    return (os.environ if environ is None else environ).get("HYPERSHIFT", "").lower() == "true"
