"""The preview of a Tuned change: which nodes' TuneD profile changes, and which of them reboot.

The core's profile calculator (:class:`nto.controller.calculator.Calculator`) runs over the
Tuneds of the operator namespace before and after the change; a node is affected when its
winning TuneD profile changes, or the text of that profile (or of a profile it includes) does.
An affected node reboots when the kernel arguments of its profile's ``[bootloader]`` sections
change and it won through ``machineConfigLabels`` (only then does the core carry them in the
pool's ``50-nto-<pool>`` MachineConfig, and kernel arguments always reboot); otherwise TuneD
reloads. Nodes are grouped by their primary MachineConfigPool. Nodes that agree on every label
a rule or pool selector reads get the same answer, which is calculated once. Pure. Neighbours:
:mod:`.kargs`, :mod:`.effects` (:func:`~.effects.compare_tuned` for the object's own change),
:mod:`.report`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from nto.plugins.tuned import Calculator, NodeFacts, iter_match_items, pools_for_node
from nto_api.objects import name_of
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


def _relevant_keys(
    tuneds: Sequence[Mapping[str, Any] | None],
    pools: Sequence[Mapping[str, Any]],
) -> frozenset[str]:
    """The node label keys any recommend rule or pool selector reads: nodes that agree on these
    get the same answer, so each distinct combination is calculated once."""
    keys: set[str] = set()
    for tuned in tuneds:
        spec = (tuned or {}).get("spec")
        recommend = spec.get("recommend") if isinstance(spec, Mapping) else None
        for rule in recommend if isinstance(recommend, list) else []:
            if isinstance(rule, Mapping):
                for item in iter_match_items(rule.get("match")):
                    if isinstance(item.get("label"), str):
                        keys.add(item["label"])
    for pool in pools:
        spec = pool.get("spec")
        selector = spec.get("nodeSelector") if isinstance(spec, Mapping) else None
        if isinstance(selector, Mapping):
            keys.update(str(k) for k in (selector.get("matchLabels") or {}))
            for requirement in selector.get("matchExpressions") or []:
                if isinstance(requirement, Mapping):
                    keys.add(str(requirement.get("key")))
    return frozenset(keys)


def _node_outcome(  # noqa: PLR0917 - a private helper of preview_tuned's loop
    facts: NodeFacts,
    before: Calculator,
    after: Calculator,
    pools: Sequence[Mapping[str, Any]],
    arguments: Callable[[str, bool], frozenset[str]],
    profiles: tuple[Mapping[str, str], Mapping[str, str]],
) -> tuple[NodeAction, frozenset[str], str] | None:
    """The action, reasons and primary pool of one node (None: unaffected)."""
    old_profiles, new_profiles = profiles
    was, will = before.calculate(facts), after.calculate(facts)
    reasons: set[str] = set()
    if was.tuned_profile != will.tuned_profile:
        reasons.add(f"TuneD profile {was.tuned_profile} -> {will.tuned_profile}")
    elif _texts(was.tuned_profile, old_profiles) != _texts(will.tuned_profile, new_profiles):
        reasons.add(f"TuneD profile {will.tuned_profile} changed")
    elif was.operand != will.operand:
        reasons.add("operand settings changed")
    if not reasons:
        return None
    action = TUNED_RELOAD
    if was.mc_labels is not None or will.mc_labels is not None:
        old_args = arguments(was.tuned_profile, False)
        new_args = arguments(will.tuned_profile, True)
        if old_args != new_args:
            action = REBOOT
            if new_args - old_args:
                reasons.add("kernel arguments added: " + ", ".join(sorted(new_args - old_args)))
            if old_args - new_args:
                reasons.add("kernel arguments removed: " + ", ".join(sorted(old_args - new_args)))
    pool = pools_for_node(facts.name, facts.labels, pools).primary or "(no pool)"
    return action, frozenset(reasons), pool


def preview_tuned(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    *,
    tuneds: Mapping[str, Mapping[str, Any]],
    node_labels: Mapping[str, Mapping[str, str]],
    pools: Sequence[Mapping[str, Any]],
) -> TunedPreview:
    """What replacing `old` by `new` (either None) among `tuneds` does to the nodes
    (`node_labels`: node name -> labels)."""
    name = name_of(new) or name_of(old)
    others = [t for n, t in sorted(tuneds.items()) if n != name]
    before = Calculator([*others, *([old] if old else [])], pools=pools)
    after = Calculator([*others, *([new] if new else [])], pools=pools)
    old_profiles, new_profiles = dict(before.profiles), dict(after.profiles)
    kargs: dict[tuple[str, bool], frozenset[str]] = {}

    def arguments(profile: str, new_side: bool) -> frozenset[str]:
        key = (profile, new_side)
        if key not in kargs:
            kargs[key] = _kargs(profile, new_profiles if new_side else old_profiles)
        return kargs[key]

    keys = _relevant_keys([*others, old, new], pools)
    outcomes: dict[tuple[tuple[str, str], ...], tuple[NodeAction, frozenset[str], str] | None] = {}
    groups: dict[tuple[str, NodeAction], tuple[list[str], set[str]]] = {}
    for node_name, labels in node_labels.items():
        signature = tuple(sorted((k, v) for k, v in labels.items() if k in keys))
        if signature not in outcomes:
            facts = NodeFacts(name=node_name, labels=labels)
            outcomes[signature] = _node_outcome(
                facts, before, after, pools, arguments, (old_profiles, new_profiles)
            )
        outcome = outcomes[signature]
        if outcome is None:
            continue
        action, reasons, pool = outcome
        members, why = groups.setdefault((pool, action), ([], set()))
        members.append(node_name)
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
