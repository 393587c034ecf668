"""The profile calculator: which TuneD profile each node runs, as a pure function.

Build a `Calculator` once per set of Tuned CRs and MachineConfigPools, then call
`Calculator.calculate` per node. Ordering (reference): Tuned CRs sorted by name, their recommend
entries flattened in order, then stable-sorted by priority ascending with a missing priority last;
ties resolve by CR name, then position. The first rule that matches wins:

- when the rule has ``match`` or has no ``machineConfigLabels``, its match list is evaluated (an
  empty or absent list is a catch-all);
- otherwise, or when that fails, a rule with ``machineConfigLabels`` wins if one of the node's
  pools renders MachineConfigs with those labels; the result then records the labels and pools.

No winner gives ``openshift-node`` with `MISSING_CATCH_ALL`. Later rules of the winner's priority
that also match with another profile produce a warning.

Speed: the constructor indexes rules by the label keys their top-level items need; a node only
evaluates rules indexed under its own label keys plus the unconditional ones, in order. Rules that
name an unusable TuneD profile (see `validation.unsafe_profile_name`) are skipped. The caller's
list of Tuneds is never reordered.

Neighbours: `matching` (rule evaluation), `pools` (pool membership), `computed` (result types),
`validation`, `profile_diff` (turns the result into a Profile).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from nto.controller.computed import ComputedProfile, NodeFacts, Operand, deferred_mode
from nto.controller.matching import (
    NODE,
    POD,
    MatchItem,
    compile_match,
    matches,
)
from nto.controller.names import DEFERRED_ANNOTATION
from nto.controller.pools import NodePools, pools_for_machine_config_labels, pools_for_node
from nto.controller.validation import unsafe_profile_name, uses_pod_labels
from nto_api.objects import annotations_of, get_list, get_map, name_of, str_map

__all__ = [
    "FALLBACK_PROFILE",
    "MISSING_CATCH_ALL",
    "Calculator",
    "aggregate_pod_labels",
    "bootcmdline_deps",
    "needs_pod_informer",
    "profiles_for_all",
]

FALLBACK_PROFILE: Final = "openshift-node"
MISSING_CATCH_ALL: Final = "the default Tuned CR misses a catch-all profile selection"

_NO_PODS: Mapping[str, set[str]] = {}


@dataclass(frozen=True, slots=True)
class _Rule:
    tuned: str
    index: int
    profile: str
    priority: int | None
    match: tuple[MatchItem, ...] | None
    mc_labels: dict[str, str] | None
    operand: Operand
    deferred: str


def _by_name(tuneds: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted((t for t in tuneds if isinstance(t, Mapping)), key=name_of)


def _priority(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def profiles_for_all(tuneds: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
    """Every TuneD profile of every Tuned as (name, data), first definition wins, sorted by name.

    Definitions are taken in Tuned-name order; unusable names and non-string data are skipped.
    """
    found: dict[str, str] = {}
    for tuned in _by_name(tuneds):
        for entry in get_list(tuned, "spec", "profile"):
            if not isinstance(entry, Mapping):
                continue
            profile, data = entry.get("name"), entry.get("data")
            if unsafe_profile_name(profile) is None and isinstance(data, str):
                found.setdefault(profile, data)  # type: ignore[arg-type]
    return tuple(sorted(found.items()))


def bootcmdline_deps(tuneds: Iterable[Mapping[str, Any]], release_version: str) -> str:
    """``<RELEASE_VERSION>,<tuned>:<generation>,...`` with Tuneds sorted by name."""
    parts = [release_version]
    for tuned in _by_name(tuneds):
        generation = get_map(tuned, "metadata").get("generation")
        parts.append(f"{name_of(tuned)}:{_generation(generation)}")
    return ",".join(parts)


def _generation(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def needs_pod_informer(tuneds: Iterable[Mapping[str, Any]]) -> bool:
    """Whether some recommend matches pod labels at any depth (``nto_pod_labels_used_info``)."""
    return any(uses_pod_labels(tuned) for tuned in tuneds if isinstance(tuned, Mapping))


def aggregate_pod_labels(pods: Iterable[Mapping[str, str]]) -> dict[str, set[str]]:
    """The label maps of a node's pods folded into key -> every value some pod has."""
    merged: dict[str, set[str]] = {}
    for pod_labels in pods:
        for key, value in str_map(pod_labels).items():
            merged.setdefault(key, set()).add(value)
    return merged


def _rules(tuneds: list[Mapping[str, Any]]) -> tuple[list[_Rule], list[str]]:
    rules: list[_Rule] = []
    skipped: list[str] = []
    for tuned in tuneds:
        tuned_name = name_of(tuned)
        deferred = deferred_mode(annotations_of(tuned), DEFERRED_ANNOTATION)
        for index, raw in enumerate(get_list(tuned, "spec", "recommend")):
            rec: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
            profile = rec.get("profile")
            why = unsafe_profile_name(profile)
            if why is not None:
                skipped.append(
                    f"skipping spec.recommend[{index}] of Tuned {tuned_name!r}: profile "
                    f"{str(profile)[:60]!r} is unusable ({why})"
                )
                continue
            raw_match = rec.get("match")
            mc_labels = rec.get("machineConfigLabels")
            rules.append(
                _Rule(
                    tuned=tuned_name,
                    index=index,
                    profile=profile,  # type: ignore[arg-type]
                    priority=_priority(rec.get("priority")),
                    match=compile_match(raw_match) if isinstance(raw_match, list) else None,
                    mc_labels=str_map(mc_labels) if isinstance(mc_labels, Mapping) else None,
                    operand=Operand.from_recommend(rec.get("operand")),
                    deferred=deferred,
                )
            )
    # Stable sort: equal priorities keep CR-name then position order; no priority sorts last.
    rules.sort(key=lambda r: (r.priority is None, r.priority or 0))
    return rules, skipped


class Calculator:
    """The calculator for one set of Tuned CRs and MachineConfigPools; rebuild when they change."""

    def __init__(
        self,
        tuneds: Iterable[Mapping[str, Any]],
        *,
        pools: Sequence[Mapping[str, Any]] = (),
        release_version: str = "",
    ) -> None:
        ordered = _by_name(tuneds)
        self.rules, self.skipped = _rules(ordered)
        self.pools = [pool for pool in pools if isinstance(pool, Mapping)]
        self.profiles = profiles_for_all(ordered)
        self.bootcmdline_deps = bootcmdline_deps(ordered, release_version)
        self.uses_pod_labels = needs_pod_informer(ordered)
        self._always: set[int] = set()
        self._node_index: dict[str, list[int]] = {}
        self._pod_index: dict[str, list[int]] = {}
        self._rule_pools: dict[int, frozenset[str]] = {}
        for order, rule in enumerate(self.rules):
            self._index(order, rule)

    def _index(self, order: int, rule: _Rule) -> None:
        if rule.mc_labels is not None:
            self._always.add(order)
            self._rule_pools[order] = frozenset(
                pools_for_machine_config_labels(rule.mc_labels, self.pools)
            )
        if rule.match is None:
            if rule.mc_labels is None:
                self._always.add(order)
            return
        if not rule.match:
            self._always.add(order)
        for item in rule.match:
            if item.kind == NODE:
                self._node_index.setdefault(item.label, []).append(order)
            elif item.kind == POD:
                self._pod_index.setdefault(item.label, []).append(order)

    def _candidates(
        self, node_labels: Mapping[str, str], pods: Mapping[str, set[str]]
    ) -> list[int]:
        found = set(self._always)
        for source, index in ((node_labels, self._node_index), (pods, self._pod_index)):
            if len(source) <= len(index):
                for key in source:
                    orders = index.get(key)
                    if orders:
                        found.update(orders)
            else:
                for key, orders in index.items():
                    if key in source:
                        found.update(orders)
        return sorted(found)

    def _selects(
        self,
        order: int,
        node: NodeFacts,
        pods: Mapping[str, set[str]],
        node_pools: list[NodePools],
    ) -> bool | None:
        """True on a match, None on a machineConfigLabels match, False otherwise."""
        rule = self.rules[order]
        if (rule.match is not None or rule.mc_labels is None) and matches(
            rule.match or (), node.labels, pods
        ):
            return True
        if rule.mc_labels is None:
            return False
        if not node_pools:
            node_pools.append(pools_for_node(node.name, node.labels, self.pools))
        return None if self._rule_pools[order].intersection(node_pools[0].names) else False

    def calculate(
        self,
        node: NodeFacts | Mapping[str, Any],
        pod_labels: Iterable[Mapping[str, str]] | Mapping[str, set[str]] = (),
    ) -> ComputedProfile:
        """The Profile the node must get. `pod_labels`: label maps of the node's pods, or their
        `aggregate_pod_labels`; only read when some rule matches pod labels."""
        if not isinstance(node, NodeFacts):
            node = NodeFacts.from_node(node)
        pods = _NO_PODS
        if self.uses_pod_labels:
            pods = (
                pod_labels if isinstance(pod_labels, Mapping) else aggregate_pod_labels(pod_labels)
            )
        candidates = self._candidates(node.labels, pods)
        node_pools: list[NodePools] = []
        for position, order in enumerate(candidates):
            selected = self._selects(order, node, pods, node_pools)
            if selected is False:
                continue
            rule = self.rules[order]
            via_mc = selected is None
            return ComputedProfile(
                node=node.name,
                tuned_profile=rule.profile,
                operand=rule.operand,
                deferred=rule.deferred,
                provider_name=node.provider_name,
                bootcmdline_deps=self.bootcmdline_deps,
                profiles=self.profiles,
                mc_labels=rule.mc_labels if via_mc else None,
                pools=node_pools[0].names if via_mc else (),
                source=(rule.tuned, rule.index),
                warnings=(
                    *_pool_problems(node_pools),
                    *self._same_priority(rule, candidates[position + 1 :], node, pods),
                ),
            )
        return ComputedProfile(
            node=node.name,
            tuned_profile=FALLBACK_PROFILE,
            operand=Operand(),
            deferred=deferred_mode({}, DEFERRED_ANNOTATION),
            provider_name=node.provider_name,
            bootcmdline_deps=self.bootcmdline_deps,
            profiles=self.profiles,
            warnings=_pool_problems(node_pools),
            error=MISSING_CATCH_ALL,
        )

    def _same_priority(
        self,
        winner: _Rule,
        later: list[int],
        node: NodeFacts,
        pods: Mapping[str, set[str]],
    ) -> tuple[str, ...]:
        if winner.priority is None:
            return ()
        warnings = []
        node_pools: list[NodePools] = []
        for order in later:
            rule = self.rules[order]
            if rule.priority != winner.priority:
                break
            if rule.profile != winner.profile and self._selects(order, node, pods, node_pools) in {
                True,
                None,
            }:
                warnings.append(
                    f"profiles {winner.profile}/{rule.profile} have the same priority "
                    f"{winner.priority} and match {node.name}; please use a different priority "
                    "for your custom profiles"
                )
        return tuple(warnings)


def _pool_problems(node_pools: list[NodePools]) -> tuple[str, ...]:
    problem = node_pools[0].problem if node_pools else None
    return (problem,) if problem else ()
