"""The preview of a Tuned change: which nodes' TuneD profile changes, and which of them reboot.

The core's profile calculator (:class:`nto.controller.calculator.Calculator`) runs over the
Tuneds of the operator namespace before and after the change; a node is affected when its
winning TuneD profile changes, or the text of that profile (or of a profile it includes) does.
An affected node reboots when the kernel arguments of its profile's ``[bootloader]`` sections
change and it won through ``machineConfigLabels`` (only then does the core carry them in the
pool's ``50-nto-<pool>`` MachineConfig, and kernel arguments always reboot); otherwise TuneD
reloads. Nodes are grouped by their primary MachineConfigPool. Pure. Neighbours:
:mod:`.kargs`, :mod:`.effects` (:func:`~.effects.compare_tuned` for the object's own change),
:mod:`.report`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from nto.controller.calculator import Calculator
from nto.controller.computed import NodeFacts
from nto.controller.pools import pools_for_node
from nto_performance.preview.disruption import REBOOT, TUNED_RELOAD, NodeAction
from nto_performance.preview.effects import Change, compare_tuned
from nto_performance.preview.kargs import kernel_arguments, profile_sections

__all__ = ["TunedGroup", "TunedPreview", "preview_tuned"]

_INCLUDE_DEPTH: Final = 8
_SPLIT: Final = re.compile(r"[,\s;]+")


@dataclass(frozen=True)
class TunedGroup:
    """Affected nodes of one pool that go through the same action."""

    pool: str
    nodes: tuple[str, ...]
    action: NodeAction
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class TunedPreview:
    """One Tuned change: the object's own change and the affected node groups."""

    name: str
    change: Change | None
    groups: tuple[TunedGroup, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def action(self) -> NodeAction:
        return max((g.action for g in self.groups), default=NodeAction(0))


def _name(obj: Mapping[str, Any] | None) -> str:
    meta = (obj or {}).get("metadata")
    return str(meta.get("name") or "") if isinstance(meta, Mapping) else ""


def _chain(profile: str, profiles: Mapping[str, str]) -> list[str]:
    """`profile` and the profiles it includes (those defined in Tuneds), depth-first."""
    seen: list[str] = []
    todo = [(profile, 0)]
    while todo:
        name, depth = todo.pop()
        if name in seen or name not in profiles or depth > _INCLUDE_DEPTH:
            continue
        seen.append(name)
        include = profile_sections(profiles[name]).get("main", {}).get("include", "")
        todo.extend((n, depth + 1) for n in _SPLIT.split(include) if n and "$" not in n)
    return seen


def _texts(profile: str, profiles: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(profiles[name] for name in _chain(profile, profiles))


def _kargs(profile: str, profiles: Mapping[str, str]) -> frozenset[str]:
    texts = _texts(profile, profiles)
    return kernel_arguments({"spec": {"profile": [{"data": t} for t in texts]}})


def preview_tuned(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    *,
    tuneds: Mapping[str, Mapping[str, Any]],
    nodes: Sequence[Mapping[str, Any]],
    pools: Sequence[Mapping[str, Any]],
) -> TunedPreview:
    """What replacing `old` by `new` (either None) among `tuneds` does to `nodes`."""
    name = _name(new) or _name(old)
    others = [t for n, t in sorted(tuneds.items()) if n != name]
    before = Calculator([*others, *([old] if old else [])], pools=pools)
    after = Calculator([*others, *([new] if new else [])], pools=pools)
    old_profiles, new_profiles = dict(before.profiles), dict(after.profiles)
    groups: dict[tuple[str, NodeAction], tuple[list[str], set[str]]] = {}
    for node in nodes:
        facts = NodeFacts.from_node(node)
        was, will = before.calculate(facts), after.calculate(facts)
        reasons: set[str] = set()
        if was.tuned_profile != will.tuned_profile:
            reasons.add(f"TuneD profile {was.tuned_profile} -> {will.tuned_profile}")
        elif _texts(was.tuned_profile, old_profiles) != _texts(will.tuned_profile, new_profiles):
            reasons.add(f"TuneD profile {will.tuned_profile} changed")
        elif was.operand != will.operand:
            reasons.add("operand settings changed")
        if not reasons:
            continue
        action = TUNED_RELOAD
        through_pool = was.mc_labels is not None or will.mc_labels is not None
        if through_pool:
            added = _kargs(will.tuned_profile, new_profiles) - _kargs(
                was.tuned_profile, old_profiles
            )
            removed = _kargs(was.tuned_profile, old_profiles) - _kargs(
                will.tuned_profile, new_profiles
            )
            if added or removed:
                action = REBOOT
                if added:
                    reasons.add("kernel arguments added: " + ", ".join(sorted(added)))
                if removed:
                    reasons.add("kernel arguments removed: " + ", ".join(sorted(removed)))
        pool = pools_for_node(facts.name, facts.labels, pools).primary or "(no pool)"
        members, why = groups.setdefault((pool, action), ([], set()))
        members.append(facts.name)
        why.update(reasons)
    return TunedPreview(
        name=name,
        change=compare_tuned(old, new),
        groups=tuple(
            TunedGroup(pool, tuple(sorted(members)), action, tuple(sorted(why)))
            for (pool, action), (members, why) in sorted(groups.items(), key=lambda i: i[0][0])
        ),
        before=dict(old) if old is not None else None,
        after=dict(new) if new is not None else None,
    )
