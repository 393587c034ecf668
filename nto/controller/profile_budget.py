"""The size budget of a Profile: which Tuneds' TuneD profiles fit, and which are left out.

Every Profile carries every TuneD profile of every Tuned (``spec.profile``), so one Tuned with
huge profiles makes *every* Profile write fail: the API server refuses a request body over 3 MiB
and etcd an object over 1.5 MiB. Rather than let that stall all nodes, the controller admits
Tuneds into the Profiles in a stable order while their profiles fit in `PROFILE_DATA_BUDGET`
(JSON-encoded bytes of ``spec.profile``, leaving room for metadata and status under etcd's
limit): ``Tuned/default`` first, then the others oldest first (creationTimestamp, then name), so
the Tuned that broke the budget is the one left out and what already worked keeps working. A
left-out Tuned gets ``Valid=False`` with reason `PROFILES_TOO_LARGE` and a message with the sizes
and the fix; the ClusterOperator reports it as Degraded and a metric names it. The result is a
pure function of the Tuneds, so it does not flap.

Admission rejects what can never fit: the CRD caps ``spec.profile[].data`` at
`MAX_PROFILE_DATA_CHARS` characters (one profile longer than the whole budget). Sums over entries
and across Tuneds are cross-object facts admission cannot check race-free; this module does.

Neighbours: `validation` (the Valid condition of the others), `calculator` (gets the admitted
Tuneds only), `status` (Degraded reason).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from nto.controller.names import DEFAULT_TUNED_NAME
from nto.controller.validation import ValidCondition, go_quote
from nto_api.objects import get_list, get_map, name_of
from nto_api.tuned import MAX_PROFILE_DATA_CHARS

__all__ = [
    "MAX_PROFILE_DATA_CHARS",
    "PROFILES_TOO_LARGE",
    "PROFILE_DATA_BUDGET",
    "Budget",
    "Oversized",
    "admit_tuneds",
    "entry_bytes",
]

PROFILE_DATA_BUDGET: Final = MAX_PROFILE_DATA_CHARS
"""JSON bytes of ``spec.profile`` one Profile may carry (etcd stores objects up to 1.5 MiB)."""
PROFILES_TOO_LARGE: Final = "ProfilesTooLarge"
"""Reason of ``Valid=False`` on a Tuned left out of the Profiles for size."""


def entry_bytes(name: str, data: str) -> int:
    """Bytes one ``{"name", "data"}`` entry adds to a Profile's JSON (with its comma)."""
    encoded = json.dumps({"name": name, "data": data}, ensure_ascii=False, separators=(",", ":"))
    return len(encoded.encode()) + 1


@dataclass(frozen=True)
class Oversized:
    """A Tuned left out of every Profile: the bytes it adds and what it would have made."""

    tuned: str
    adds: int
    carried: int
    """Bytes of TuneD profiles the Profiles already carry without it."""
    budget: int

    @property
    def verdict(self) -> ValidCondition:
        """The Tuned's ``Valid`` condition."""
        message = (
            f"Tuned {go_quote(self.tuned)} is left out of every Profile: its TuneD profiles add "
            f"{self.adds} bytes to the {self.carried} that Profiles already carry, over the "
            f"budget of {self.budget} bytes (a Profile must fit in one etcd object, 1.5 MiB, and "
            "one API request, 3 MiB). Shrink spec.profile[].data or delete Tuneds you do not need."
        )
        return ValidCondition("False", PROFILES_TOO_LARGE, message)


@dataclass(frozen=True)
class Budget:
    """The Tuneds whose profiles go into Profiles (caller's order) and those left out."""

    admitted: list[Mapping[str, Any]]
    oversized: dict[str, Oversized]
    carried: int
    """Bytes of TuneD profiles the admitted Tuneds put in each Profile."""


def _order(tuned: Mapping[str, Any]) -> tuple[int, str, str]:
    name = name_of(tuned)
    created = get_map(tuned, "metadata").get("creationTimestamp")
    return (0 if name == DEFAULT_TUNED_NAME else 1, str(created or ""), name)


def _entries(tuned: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in get_list(tuned, "spec", "profile"):
        if isinstance(entry, Mapping):
            name, data = entry.get("name"), entry.get("data")
            if isinstance(name, str) and isinstance(data, str):
                found.setdefault(name, data)
    return found


def admit_tuneds(
    tuneds: Sequence[Mapping[str, Any]],
    *,
    budget: int = PROFILE_DATA_BUDGET,
) -> Budget:
    """Split `tuneds` into those whose profiles fit in `budget` and those left out."""
    seen: set[str] = set()
    carried = 0
    oversized: dict[str, Oversized] = {}
    for tuned in sorted(tuneds, key=_order):
        name = name_of(tuned)
        new = {k: v for k, v in _entries(tuned).items() if k not in seen}
        adds = sum(entry_bytes(k, v) for k, v in new.items())
        if name != DEFAULT_TUNED_NAME and carried + adds > budget:
            oversized[name] = Oversized(name, adds, carried, budget)
            continue
        carried += adds
        seen.update(new)
    admitted = [t for t in tuneds if name_of(t) not in oversized]
    return Budget(admitted, oversized, carried)
