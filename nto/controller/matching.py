"""Recommend ``match`` rules: compiled once, evaluated per node, without recursion.

A ``match`` list is joined by OR; an item matches when its label matches AND its own nested
``match`` list does (an empty or absent nested list is true). Node items (``type`` absent or
``node``) look at the node's labels; pod items (``type: pod``) match when any pod on the node
carries the label. Only the lowercase strings ``node`` and ``pod`` are recognised: any other type,
a missing label or a non-string value never matches.

Nested levels are not validated by the CRD, so a Tuned can nest rules thousands of levels deep.
Compiling and evaluating both use explicit stacks: depth costs memory, never a RecursionError.
Neighbours: `calculator` (evaluates), `validation` and `calculator.needs_*_informer` (walk).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "NEVER",
    "NODE",
    "POD",
    "MatchItem",
    "compile_match",
    "iter_match_items",
    "match_type",
    "matches",
]

NODE: Final = 0
POD: Final = 1
NEVER: Final = 2

PodLabels = Mapping[str, set[str]]
"""Labels of all pods on a node, aggregated: key -> every value some pod has for it."""


@dataclass(frozen=True, slots=True)
class MatchItem:
    """One compiled match item: a label test and the nested OR list joined to it by AND."""

    kind: int
    label: str
    value: str | None
    children: tuple[MatchItem, ...]


def match_type(raw: Any) -> int:
    """`NODE`, `POD` or `NEVER` for one raw match item."""
    if not isinstance(raw, Mapping):
        return NEVER
    kind = raw.get("type")
    if kind is None or kind == "node":
        return NODE
    if kind == "pod":
        return POD
    return NEVER


def iter_match_items(match: Any) -> Iterator[Mapping[str, Any]]:
    """Every item of `match` at every nesting depth, parents before children."""
    stack: list[Any] = [match]
    seen: set[int] = set()
    while stack:
        items = stack.pop()
        if not isinstance(items, list) or id(items) in seen:
            continue
        seen.add(id(items))
        for raw in reversed(items):
            if isinstance(raw, Mapping):
                stack.append(raw.get("match"))
        for raw in items:
            if isinstance(raw, Mapping):
                yield raw


def compile_match(match: list[Any]) -> tuple[MatchItem, ...]:
    """Compile a raw ``match`` list into `MatchItem` trees (an OR list)."""
    # Pre-order list of (raw item, index of its parent); children always come after parents, so
    # building in reverse order has every child ready before its parent.
    order: list[tuple[Any, int]] = []
    stack: list[tuple[Any, int]] = [(raw, -1) for raw in reversed(match)]
    seen: set[int] = set()
    while stack:
        raw, parent = stack.pop()
        index = len(order)
        order.append((raw, parent))
        nested = raw.get("match") if isinstance(raw, Mapping) else None
        if isinstance(nested, list) and id(nested) not in seen:
            seen.add(id(nested))
            stack.extend((child, index) for child in reversed(nested))
    children: list[list[MatchItem]] = [[] for _ in order]
    top: list[MatchItem] = []
    for index in range(len(order) - 1, -1, -1):
        raw, parent = order[index]
        item = _compile_item(raw, tuple(reversed(children[index])))
        (top if parent < 0 else children[parent]).append(item)
    top.reverse()
    return tuple(top)


def _compile_item(raw: Any, children: tuple[MatchItem, ...]) -> MatchItem:
    kind = match_type(raw)
    label = raw.get("label") if isinstance(raw, Mapping) else None
    value = raw.get("value") if isinstance(raw, Mapping) else None
    if not isinstance(label, str) or (value is not None and not isinstance(value, str)):
        kind = NEVER
    return MatchItem(kind, label if isinstance(label, str) else "", value, children)


def _test(item: MatchItem, node_labels: Mapping[str, str], pod_labels: PodLabels) -> bool:
    if item.kind == NODE:
        found = node_labels.get(item.label)
        return found is not None and (item.value is None or found == item.value)
    if item.kind == POD:
        values = pod_labels.get(item.label)
        return bool(values) and (item.value is None or item.value in values)  # type: ignore[operator]
    return False


def matches(
    items: tuple[MatchItem, ...],
    node_labels: Mapping[str, str],
    pod_labels: PodLabels,
) -> bool:
    """Whether the OR list `items` matches; an empty list is true (catch-all)."""
    if not items:
        return True
    # Each frame is an OR list and the position of its next item to try. A frame returns True as
    # soon as one item's label test passes and its children (a nested frame) return True.
    frames: list[list[Any]] = [[items, 0]]
    result = False
    returning = False
    while frames:
        frame = frames[-1]
        level: tuple[MatchItem, ...] = frame[0]
        if returning:
            returning = False
            if result:
                frames.pop()
                returning = True
                continue
        pushed = False
        while frame[1] < len(level):
            item = level[frame[1]]
            frame[1] += 1
            if not _test(item, node_labels, pod_labels):
                continue
            if not item.children:
                result = True
                break
            frames.append([item.children, 0])
            pushed = True
            break
        else:
            result = False
        if pushed:
            continue
        frames.pop()
        returning = True
    return result
