"""What each ``managementState`` of ``Tuned/default`` asks the reconciler to do, as data.

- ``Managed``, ``Force`` or unset: normal operation.
- ``Unmanaged``: touch nothing; stop the Node and Pod informers; report the state in the
  ClusterOperator.
- ``Removed``: delete the DaemonSet ``tuned``, a leftover ``Tuned/rendered``, every Profile and
  every MachineConfig we generated; stop the informers; report the state.

Only ``Tuned/default`` is honoured; the field on any other Tuned only earns a warning. A value
outside the four (the CRD rejects it, but a dict can hold anything) is treated as Managed with a
warning, so a typo never deletes anything. Neighbours: `status` (reports the state),
`kargs.machine_configs_to_prune` (Removed prunes with nothing wanted), `names`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from nto.controller.names import DEFAULT_TUNED_NAME
from nto_api.objects import get_map, name_of

__all__ = [
    "MANAGED",
    "REMOVED",
    "UNMANAGED",
    "ManagementPlan",
    "ignored_management_state_warning",
    "management_plan",
]

MANAGED: Final = "Managed"
UNMANAGED: Final = "Unmanaged"
REMOVED: Final = "Removed"
FORCE: Final = "Force"
_KNOWN: Final = frozenset({MANAGED, UNMANAGED, REMOVED, FORCE})


@dataclass(frozen=True)
class ManagementPlan:
    """The effects of one managementState."""

    state: str
    """Normalised state: Managed (also for Force and unset), Unmanaged or Removed."""
    reconcile: bool
    """Run the normal sync (default CR, DaemonSet, validation, Profiles, MachineConfigs)."""
    remove_resources: bool
    """Delete DaemonSet ``tuned``, ``Tuned/rendered``, all Profiles, all generated MCs."""
    disable_informers: bool
    """Stop the Node and Pod informers and clear their caches."""
    warning: str | None = None


def management_plan(default_tuned: Mapping[str, Any] | None) -> ManagementPlan:
    """The plan for the managementState of `default_tuned` (None: not created yet = Managed)."""
    raw = get_map(default_tuned, "spec").get("managementState") if default_tuned else None
    if raw in {UNMANAGED, REMOVED}:
        return ManagementPlan(
            raw, reconcile=False, remove_resources=raw == REMOVED, disable_informers=True
        )
    warning = None
    if raw not in {None, ""} and raw not in _KNOWN:
        warning = (
            f"spec.managementState {raw!r} of Tuned {DEFAULT_TUNED_NAME!r} is not one of "
            "Managed, Unmanaged, Force, Removed; treating it as Managed"
        )
    return ManagementPlan(
        MANAGED, reconcile=True, remove_resources=False, disable_informers=False, warning=warning
    )


def ignored_management_state_warning(tuned: Mapping[str, Any]) -> str | None:
    """A warning when a Tuned other than ``default`` sets managementState, else None."""
    raw = get_map(tuned, "spec").get("managementState")
    if raw in {None, ""} or name_of(tuned) == DEFAULT_TUNED_NAME:
        return None
    return (
        f"spec.managementState {raw!r} of Tuned {name_of(tuned)!r} is ignored; only Tuned "
        f"{DEFAULT_TUNED_NAME!r} honours it: set it there"
    )
