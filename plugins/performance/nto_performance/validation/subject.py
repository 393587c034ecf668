"""What every validation rule takes: the profile being validated and the cluster facts.

Neighbours: :mod:`.rules` and :mod:`.hardware` define rules over :class:`Subject`;
:mod:`.cluster` holds the facts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nto_api.performance import v2
from nto_performance.validation.cluster import ClusterData
from nto_performance.validation.fielderrors import FieldError

__all__ = ["Rule", "Subject"]


@dataclass(frozen=True)
class Subject:
    """What a rule looks at: the profile's name and spec, and the cluster facts."""

    name: str
    spec: v2.PerformanceProfileSpec
    cluster: ClusterData


Rule = Callable[[Subject], list[FieldError]]
"""A validation rule: the errors it finds, empty when the profile passes it."""
