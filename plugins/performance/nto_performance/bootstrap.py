"""Tuneds for ``render-bootcmd-mc``: one per v2 PerformanceProfile among the install manifests.

At install bootstrap there is no API server; the core's ``render-bootcmd-mc`` collects these
through hook ``nto_bootstrap_tuneds`` and adds them before picking the top-priority recommend,
as the reference does. Only ``performance.openshift.io/v2`` profiles are used (like ``render``).
Neighbours: :mod:`nto_performance.components.tuned`, :mod:`nto_performance.plugin`.
"""

from __future__ import annotations

from typing import Any

from nto_api.names import PERFORMANCE_V2
from nto_performance.components import tuned
from nto_performance.components.options import RenderOptions


def tuneds_for_bootstrap(manifests: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The rendered Tuned of every v2 PerformanceProfile in ``manifests``."""
    from nto_api.performance.v2 import PerformanceProfile
    from nto_api.registry import parse_as

    profiles = [
        parse_as(PerformanceProfile, obj)
        for obj in manifests.get("PerformanceProfile", [])
        if obj.get("apiVersion") == PERFORMANCE_V2
    ]
    return [tuned.render(profile, RenderOptions()) for profile in profiles]
