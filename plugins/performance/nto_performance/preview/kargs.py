"""The kernel arguments a Tuned object asks for, read from its TuneD profiles' text.

TuneD's bootloader plugin turns the ``cmdline*`` options of ``[bootloader]`` sections into kernel
arguments; the core's operand reports them and the core writes them into the pool's
``50-nto-<pool>`` MachineConfig, so a change here reboots the pool. This reading is static: it
expands ``${name}`` variables from the profiles' ``[variables]`` sections and leaves TuneD
functions (``${f:...}``) as text, which is enough to tell whether the arguments change and to
show which. Pure. Neighbours: :mod:`.effects`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

__all__ = ["kernel_arguments", "profile_sections"]

_VARIABLE: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MAX_EXPANSIONS: Final = 8


@functools.lru_cache(maxsize=64)
def _sections(data: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """:func:`profile_sections` frozen, memoised by text (a webhook sees the same profile
    texts request after request)."""
    return tuple((name, tuple(values.items())) for name, values in profile_sections(data).items())


def profile_sections(data: str) -> dict[str, dict[str, str]]:
    """The ``[section] key=value`` pairs of one TuneD profile text (continuation lines, which
    start with whitespace, join the previous value; comments are dropped)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    last_key = ""
    for raw in data.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = sections.setdefault(stripped[1:-1].strip(), {})
            last_key = ""
            continue
        if current is None:
            continue
        if line[:1].isspace() and last_key:
            current[last_key] += " " + stripped
            continue
        key, sep, value = stripped.partition("=")
        if sep:
            last_key = key.strip()
            current[last_key] = value.strip()
    return sections


def _expand(value: str, variables: Mapping[str, str]) -> str:
    for _ in range(_MAX_EXPANSIONS):
        expanded = _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(0)), value)
        if expanded == value:
            break
        value = expanded
    return value


def kernel_arguments(tuned: Mapping[str, Any] | None) -> frozenset[str]:
    """Every kernel argument the ``[bootloader]`` sections of a Tuned's profiles add."""
    if not isinstance(tuned, Mapping):
        return frozenset()
    spec = tuned.get("spec")
    profiles = spec.get("profile") if isinstance(spec, Mapping) else None
    parsed: list[dict[str, dict[str, str]]] = []
    for entry in profiles if isinstance(profiles, list) else []:
        data = entry.get("data") if isinstance(entry, Mapping) else None
        if isinstance(data, str):
            parsed.append({name: dict(values) for name, values in _sections(data)})
    variables: dict[str, str] = {}
    for sections in parsed:
        variables.update(sections.get("variables", {}))
    return frozenset(_arguments(parsed, variables))


def _arguments(
    parsed: Iterable[dict[str, dict[str, str]]],
    variables: Mapping[str, str],
) -> Iterable[str]:
    for sections in parsed:
        for key, value in sections.get("bootloader", {}).items():
            if not key.startswith("cmdline"):
                continue
            text = _expand(value.lstrip("+"), variables)
            yield from text.split()
