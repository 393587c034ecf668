"""Pool rollouts a PerformanceProfile change starts: the ``RolloutStarted`` Event and the gauge.

When an apply of a profile's objects completes (:mod:`.apply`) and what it wrote makes the
Machine Config Operator touch the nodes of the profile's pool, the controller posts one Normal
Event, reason ``RolloutStarted`` (:data:`~.events.ROLLOUT_STARTED`), on the profile: the pool,
its node count and why the nodes reboot (or only restart the kubelet). What the change does is
decided by the preview's classifier (:func:`nto_performance.preview.effects.compare` under the
cluster's node disruption policy), over the stored objects from before the change to after it.
An apply that writes the Tuned and then waits for the pool's kernel command line spans two
reconciles: the objects from before are kept per profile (:class:`RolloutTracker`) from the
first to the last. A change that only reloads TuneD, or changes nothing on the nodes, gets no
Event of this reason (the ``Creation succeeded`` Event already says that objects were written).

:func:`pending_nodes` is the value of ``nto_performance_profile_nodes_pending``: the nodes of
the pool still to update while the pool reports ``Updating``. Pure but for
:meth:`RolloutTracker.policy` (one best-effort read). Neighbours: :mod:`.reconciler` and
:mod:`.handlers` (callers), :mod:`.metrics` (the gauge), :mod:`.events` (posting).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from nto.plugins import ApiError, KubeClient
from nto_api.meta import LabelSelector
from nto_api.objects import get_list, get_map, name_of
from nto_performance.components.names import RenderedKind
from nto_performance.preview.disruption import (
    LEVEL_SERVICE,
    DisruptionPolicy,
    policy_from,
)
from nto_performance.preview.effects import Effects, compare

__all__ = [
    "MAX_REASONS",
    "Objects",
    "RolloutTracker",
    "node_count",
    "pending_nodes",
    "rollout_message",
]

logger = logging.getLogger(__name__)

MAX_REASONS: Final = 6
"""Reasons listed in one Event message; the rest are counted."""
OPERATOR_V1: Final = "operator.openshift.io/v1"

Objects = Mapping[RenderedKind, Mapping[str, Any] | None]
"""Rendered kind -> stored object (None or missing: the object does not exist)."""


def _status(pool: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return get_map(pool, "status")


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _updating(pool: Mapping[str, Any] | None) -> bool:
    return any(
        isinstance(c, Mapping) and c.get("type") == "Updating" and c.get("status") == "True"
        for c in get_list(pool, "status", "conditions")
    )


def pending_nodes(pool: Mapping[str, Any] | None) -> int:
    """Nodes of `pool` not updated yet: ``status.machineCount - status.updatedMachineCount``
    while its ``Updating`` condition is True, else 0 (never negative)."""
    if not _updating(pool):
        return 0
    status = _status(pool)
    total = _count(status.get("machineCount"))
    updated = _count(status.get("updatedMachineCount")) or 0
    return max(0, total - updated) if total is not None else 0


def node_count(
    pool: Mapping[str, Any] | None,
    node_labels: Mapping[str, Mapping[str, str]],
) -> int | None:
    """The nodes of `pool`: its ``status.machineCount``, else the nodes (name -> labels) its
    ``spec.nodeSelector`` selects; None when neither is known."""
    total = _count(_status(pool).get("machineCount"))
    if total is not None:
        return total
    raw = get_map(pool, "spec").get("nodeSelector")
    if not isinstance(raw, Mapping):
        return None
    try:
        selector = LabelSelector.model_validate(raw)
    except ValueError:
        return None
    if not (selector.match_labels or selector.match_expressions):
        return None
    return sum(1 for labels in node_labels.values() if selector.matches(dict(labels)))


def _nodes(count: int | None) -> str:
    if count is None:
        return "its nodes"
    return "its 1 node" if count == 1 else f"its {count} nodes"


def rollout_message(
    *,
    pool: str,
    count: int | None,
    effects: Effects,
    paused: bool = False,
) -> str | None:
    """The Event message of a change with these `effects`; None when the change reboots no
    node and restarts no service (a TuneD reload, or nothing)."""
    action = effects.action
    if action.level < LEVEL_SERVICE:
        return None
    where = f'MachineConfigPool "{pool}" rolls this change out to {_nodes(count)}'
    if action.reboots:
        what = (
            "the Machine Config Operator drains and reboots them, maxUnavailable (default 1) "
            "at a time"
        )
    elif action.label == "kubelet restart":
        what = "the kubelet restarts on each, no reboot"
    else:
        what = f"each runs {action.label}, no reboot"
    reasons = [
        f'{change.kind} "{change.name}" {change.verb}: {reason}'
        for change in effects.changes
        if change.action.level >= LEVEL_SERVICE and change.action.reboots == action.reboots
        for reason in change.reasons
    ]
    shown = "; ".join(reasons[:MAX_REASONS])
    if len(reasons) > MAX_REASONS:
        shown += f"; and {len(reasons) - MAX_REASONS} more"
    text = f"{where}: {what}. Why: {shown}."
    if paused:
        text += " The pool is paused: its nodes change once it is unpaused."
    return text


def _plain(objects: Objects) -> dict[str, Mapping[str, Any] | None]:
    return {str(kind): obj for kind, obj in objects.items()}


def _paused(pool: Mapping[str, Any] | None) -> bool:
    return get_map(pool, "spec").get("paused") is True


@dataclass
class RolloutTracker:
    """The objects from before each profile's change in progress, and the Event decision."""

    before: dict[str, dict[RenderedKind, Mapping[str, Any] | None]] = field(default_factory=dict)

    def started(self, name: str, before: Objects) -> None:
        """An apply of profile `name` wrote objects and waits: keep the objects from before
        its change (the first such apply of a change wins)."""
        self.before.setdefault(name, dict(before))

    def forget(self, name: str) -> None:
        self.before.pop(name, None)

    def finished(
        self,
        name: str,
        *,
        before: Objects,
        after: Objects,
        changed: bool,
        policy: DisruptionPolicy,
        pool: Mapping[str, Any] | None,
        node_labels: Mapping[str, Mapping[str, str]],
    ) -> str | None:
        """An apply of profile `name` completed (`changed`: it wrote something): the message
        of the ``RolloutStarted`` Event to post, or None."""
        kept = self.before.pop(name, None)
        if kept is None and not changed:
            return None
        effects = compare(_plain(kept if kept is not None else before), _plain(after), policy)
        return rollout_message(
            pool=name_of(pool),
            count=node_count(pool, node_labels),
            effects=effects,
            paused=_paused(pool),
        )

    @staticmethod
    async def policy(client: KubeClient) -> DisruptionPolicy:
        """The cluster's node disruption policy; the MCO default (every change reboots) when
        ``MachineConfiguration`` ``cluster`` is missing or unreadable."""
        try:
            found = await client.get(OPERATOR_V1, "machineconfigurations", "cluster")
        except (ApiError, OSError, TimeoutError) as exc:
            logger.info("MachineConfiguration cluster not read (%s); assuming reboots", exc)
            return DisruptionPolicy()
        return policy_from(found)
