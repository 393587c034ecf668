"""Load YAML written by users without letting it explode: the one loader for user input.

PyYAML's safe loader refuses arbitrary objects but not size: a few hundred bytes of anchors and
aliases (a "billion laughs" document) expand lazily into billions of nodes, and whatever walks or
``repr()``s the result (validation, an error message) pays in full. Deep nesting overflows the
composer's recursion and a huge scalar is copied around. Every command that reads user YAML
(``render``, ``render-bootcmd-mc``, the profile creator's must-gather input, kubeconfigs) loads
through :func:`load_all` / :func:`load`, which first walks the parser's event stream once, in
constant memory per open collection, and refuses a document that

- expands its aliases to more than :data:`MAX_ALIAS_NODES` extra nodes and more than the number
  of nodes actually written (the same idea as go-yaml's "excessive aliasing" check that
  ``kubectl`` and the API server apply),
- nests collections deeper than :data:`MAX_DEPTH`, or
- holds a scalar longer than :data:`MAX_SCALAR_CHARS` (3 MiB, the API server's request limit:
  no cluster object can carry one).

The error (:class:`UnsafeYAMLError`, a ``yaml.YAMLError``) says which limit, where, and the fix.
Only then are the documents composed and constructed. Neighbours: callers pass their own safe
``Loader`` class (render keeps timestamps as text); `nto_api.registry` bounds what validation
errors quote.
"""

from __future__ import annotations

from typing import Any, Final

from nto_api.pyyaml import yaml

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_SCALAR_CHARS",
    "UnsafeYAMLError",
    "check_events",
    "load",
    "load_all",
]

MAX_ALIAS_NODES: Final = 10_000
"""Nodes that aliases may add to a document beyond the nodes written in it (if more than those)."""
MAX_DEPTH: Final = 256
"""Deepest nesting of mappings and sequences accepted."""
MAX_SCALAR_CHARS: Final = 3 * 1024 * 1024
"""Longest scalar accepted: the API server refuses request bodies over 3 MiB."""

_SafeLoader: Final[type[Any]] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UnsafeYAMLError(yaml.YAMLError):
    """A YAML document exceeds a size limit; the message names the limit, the place and the fix."""


def _where(event: Any) -> str:
    mark = getattr(event, "start_mark", None)
    if mark is None:
        return ""
    return f" at line {mark.line + 1}, column {mark.column + 1}"


class _Counter:
    """Sizes of the open collections and anchored nodes of the current document."""

    def __init__(self, max_alias_nodes: int, max_depth: int, max_scalar: int) -> None:
        self.max_alias_nodes = max_alias_nodes
        self.max_depth = max_depth
        self.max_scalar = max_scalar
        self.document = 0
        self._reset()

    def _reset(self) -> None:
        self.open: list[tuple[int, str | None]] = []
        self.anchors: dict[str, int] = {}
        self.written = 0
        self.from_aliases = 0

    def _add(self, size: int, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = size
        if self.open:
            total, open_anchor = self.open[-1]
            self.open[-1] = (total + size, open_anchor)

    def feed(self, event: Any) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.document += 1
            self._reset()
        elif isinstance(event, yaml.DocumentEndEvent):
            self._check_aliases(event)
        elif isinstance(event, yaml.ScalarEvent):
            self.written += 1
            if len(event.value) > self.max_scalar:
                raise UnsafeYAMLError(
                    f"document {self.document} has a scalar of {len(event.value)} characters"
                    f"{_where(event)}; the limit is {self.max_scalar} (the API server refuses "
                    "larger requests): shorten the value"
                )
            self._add(1, event.anchor)
        elif isinstance(event, yaml.AliasEvent):
            self.written += 1
            size = self.anchors.get(event.anchor or "", 1)
            self.from_aliases += size
            self._add(size, None)
            if self.from_aliases > 100 * self.max_alias_nodes:
                self._check_aliases(event, early=True)  # stop early: the count only grows
        elif isinstance(event, yaml.CollectionStartEvent):
            self.written += 1
            self.open.append((1, event.anchor))
            if len(self.open) > self.max_depth:
                raise UnsafeYAMLError(
                    f"document {self.document} nests mappings and sequences more than "
                    f"{self.max_depth} levels deep{_where(event)}: flatten the document"
                )
        elif isinstance(event, yaml.CollectionEndEvent) and self.open:
            size, anchor = self.open.pop()
            self._add(size, anchor)

    def _check_aliases(self, event: Any, *, early: bool = False) -> None:
        extra = self.from_aliases
        if extra > self.max_alias_nodes and extra > self.written:
            counted = f"at least {extra}" if early else str(extra)
            raise UnsafeYAMLError(
                f"document {self.document} uses excessive aliasing{_where(event)}: its aliases "
                f"(*name) expand to {counted} nodes from {self.written} written, over the limit of "
                f"{self.max_alias_nodes}; write the values out instead of repeating anchors "
                "(&name) inside each other"
            )


def check_events(
    text: str | bytes,
    *,
    loader: type[Any] = _SafeLoader,
    max_alias_nodes: int = MAX_ALIAS_NODES,
    max_depth: int = MAX_DEPTH,
    max_scalar_chars: int = MAX_SCALAR_CHARS,
) -> None:
    """Raise `UnsafeYAMLError` when a document of `text` exceeds a limit (see module doc).

    Syntax errors surface as PyYAML's own ``yaml.YAMLError`` with their position.
    """
    counter = _Counter(max_alias_nodes, max_depth, max_scalar_chars)
    parser = loader(text)
    try:
        while parser.check_event():
            counter.feed(parser.get_event())
    finally:
        parser.dispose()


def load_all(text: str | bytes, *, loader: type[Any] = _SafeLoader) -> list[Any]:
    """Every document of `text` (``None`` for empty ones) after `check_events` accepted it."""
    check_events(text, loader=loader)
    return list(yaml.load_all(text, Loader=loader))


def load(text: str | bytes, *, loader: type[Any] = _SafeLoader) -> Any:
    """The single document of `text` after `check_events` accepted it."""
    check_events(text, loader=loader)
    return yaml.load(text, Loader=loader)
