"""A small line-oriented template language for the TuneD profile texts in ``profiles/*.tmpl``.

TuneD's own ``${...}`` syntax must pass through untouched, so the templates use a syntax that
cannot clash with it:

- ``{{ name }}`` anywhere in a line is replaced by the string variable ``name``;
- a line holding only ``{% if COND %}``, ``{% else %}`` or ``{% end %}`` opens, flips or closes a
  conditional block (blocks nest); ``COND`` is one or more flag names joined by ``and``, each
  optionally preceded by ``not``;
- a line starting with ``{#`` is a template comment and is dropped.

Unknown names and unbalanced blocks raise `TemplateError`: they are bugs in a template, caught by
the tests. Neighbours: :mod:`._variables` computes the values, :mod:`nto_performance.components.
tuned` loads the templates and renders them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["TemplateError", "render_template"]

_DIRECTIVE = re.compile(r"^\{%\s*(?P<word>if|else|end)\b(?P<cond>[^%]*)%\}\s*$")
_PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>\w+)\s*\}\}")
_CONDITION_TERM = re.compile(r"^(?P<neg>not\s+)?(?P<name>\w+)$")


class TemplateError(ValueError):
    """A template is malformed or uses a name the variables do not define."""


@dataclass
class _Block:
    """One open ``{% if %}`` block: whether its current branch is emitted."""

    line: int
    condition: bool
    parent_active: bool
    in_else: bool = False

    @property
    def active(self) -> bool:
        return self.parent_active and (self.condition != self.in_else)


def _evaluate(condition: str, flags: Mapping[str, bool], where: str) -> bool:
    terms = [term.strip() for term in condition.split(" and ")]
    result = True
    for term in terms:
        match = _CONDITION_TERM.match(term)
        if match is None:
            raise TemplateError(f"{where}: malformed condition {condition!r}; use 'a and not b'")
        name = match["name"]
        if name not in flags:
            raise TemplateError(f"{where}: unknown flag {name!r}; known: {sorted(flags)}")
        result = result and (flags[name] != bool(match["neg"]))
    return result


def _substitute(line: str, values: Mapping[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in values:
            raise TemplateError(f"{where}: unknown variable {name!r}; known: {sorted(values)}")
        return values[name]

    return _PLACEHOLDER.sub(replace, line)


def _directive(
    word: str,
    condition: str,
    stack: list[_Block],
    flags: Mapping[str, bool],
    *,
    name: str,
    number: int,
) -> None:
    where = f"template {name}:{number}"
    if word == "if":
        active = stack[-1].active if stack else True
        stack.append(_Block(number, _evaluate(condition, flags, where), active))
    elif condition:
        raise TemplateError(f"{where}: '{{% {word} %}}' takes no condition, got {condition!r}")
    elif not stack:
        raise TemplateError(f"{where}: '{{% {word} %}}' without an open '{{% if %}}'")
    elif word == "else":
        if stack[-1].in_else:
            raise TemplateError(f"{where}: second '{{% else %}}' in one block")
        stack[-1].in_else = True
    else:
        stack.pop()


def render_template(
    name: str,
    text: str,
    *,
    values: Mapping[str, str],
    flags: Mapping[str, bool],
) -> str:
    """Render template `text` (called `name` in messages) with `values` and `flags`."""
    out: list[str] = []
    stack: list[_Block] = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"template {name}:{number}"
        if line.startswith("{#"):
            continue
        directive = _DIRECTIVE.match(line.strip())
        if directive is not None:
            word, condition = directive["word"], directive["cond"].strip()
            _directive(word, condition, stack, flags, name=name, number=number)
            continue
        if "{%" in line:
            raise TemplateError(f"{where}: a '{{% ... %}}' directive must stand on its own line")
        if stack and not stack[-1].active:
            continue
        out.append(_substitute(line, values, where))
    if stack:
        raise TemplateError(f"template {name}:{stack[-1].line}: '{{% if %}}' is never closed")
    return "\n".join(out) + "\n"
