"""Label selectors in their string form (``a=b,c!=d,e,!f``), as list and watch requests send them.

:meth:`~nto.runtime.controllers.ControllerRuntime.watch` takes one: sent to the server for the
management cluster's watches (:mod:`.management`), and applied to each object in the store's
filter either way, so a store holds the same objects whichever cluster feeds it. Only the
equality and existence terms are supported (``in (...)`` sets are refused with a clear error at
registration time, never silently ignored).
Neighbours: :mod:`.controllers`, :mod:`.store`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nto_api.objects import labels_of

__all__ = ["label_selector_matches"]


def _term(term: str, selector: str) -> Callable[[Mapping[str, str]], bool]:
    if "(" in term or " in " in term or " notin " in term:
        raise ValueError(
            f"label selector {selector!r}: set terms like {term!r} are not supported here; "
            "use key=value, key!=value, key or !key terms"
        )
    if "!=" in term:
        key, value = (part.strip() for part in term.split("!=", 1))
        return lambda labels: labels.get(key) != value
    if "=" in term:
        key, value = (part.strip() for part in term.replace("==", "=").split("=", 1))
        return lambda labels: labels.get(key) == value
    if term.startswith("!"):
        key = term[1:].strip()
        return lambda labels: key not in labels
    return lambda labels: term in labels


def label_selector_matches(selector: str) -> Callable[[Mapping[str, Any]], bool]:
    """A filter over whole objects: whether ``metadata.labels`` satisfy ``selector``."""
    terms = [_term(term.strip(), selector) for term in selector.split(",") if term.strip()]
    if not terms:
        raise ValueError(f"label selector {selector!r} has no terms")

    def matches(obj: Mapping[str, Any]) -> bool:
        labels = labels_of(obj)
        return all(term(labels) for term in terms)

    return matches
