"""Find the ``nto.plugins`` entry points without importing ``importlib.metadata``.

Every CLI start looks for plugins. ``importlib.metadata`` answers correctly but costs ~30-40 ms
before it reads a single file (it imports the ``email`` package to parse metadata headers), which
is a quarter of a short command's budget. This module reads only what the host needs: each
distribution's ``entry_points.txt`` (an INI file, specified by the PyPA entry points spec) and,
when ``nto plugins`` asks, the ``Name`` and ``Version`` headers of its ``METADATA``. As
``importlib.metadata`` does, the first distribution of a name on ``sys.path`` wins.

Neighbour: :mod:`nto.plugins.host` loads and registers what this finds.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EntryPoint", "entry_points"]

_METADATA_DIR = re.compile(r"^(?P<name>[^-]+)(?:-[^-]+)?\.(?:dist|egg)-info$")


@dataclass(frozen=True)
class EntryPoint:
    """One ``name = module:attr`` line of a distribution's ``entry_points.txt``."""

    name: str
    value: str
    metadata_dir: Path

    def load(self) -> object:
        """Import the module and return the named attribute (the module itself without one)."""
        module_name, _, attrs = self.value.partition(":")
        loaded: object = importlib.import_module(module_name.strip())
        for attr in filter(None, attrs.strip().split(".")):
            loaded = getattr(loaded, attr)
        return loaded

    def distribution(self) -> tuple[str, str]:
        """``(Name, Version)`` from the distribution's metadata headers; blanks when unreadable."""
        headers: dict[str, str] = {}
        for file_name in ("METADATA", "PKG-INFO"):
            try:
                with open(self.metadata_dir / file_name, encoding="utf-8") as stream:
                    for line in stream:
                        if not line.strip():
                            break
                        key, _, value = line.partition(":")
                        headers.setdefault(key.strip(), value.strip())
            except OSError:
                continue
            break
        return headers.get("Name", ""), headers.get("Version", "")


def entry_points(group: str, *, path: Iterable[str] | None = None) -> list[EntryPoint]:
    """The entry points of ``group`` from every distribution on ``path`` (``sys.path``)."""
    found: list[EntryPoint] = []
    for metadata_dir in _distributions(sys.path if path is None else path):
        try:
            text = (metadata_dir / "entry_points.txt").read_text(encoding="utf-8")
        except OSError:
            continue
        found.extend(EntryPoint(name, value, metadata_dir) for name, value in _section(text, group))
    return found


def _distributions(path: Iterable[str]) -> Iterator[Path]:
    """Each distribution's metadata directory, the first of every normalized name only."""
    seen: set[str] = set()
    for entry in path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:  # a missing directory, a zip archive, a file
            continue
        for name in names:
            match = _METADATA_DIR.match(name)
            if match is None:
                continue
            normalized = re.sub(r"[-_.]+", "_", match["name"]).lower()
            if normalized not in seen:
                seen.add(normalized)
                yield Path(entry or ".", name)


def _section(text: str, group: str) -> Iterator[tuple[str, str]]:
    """``(name, value)`` pairs of one ``[group]`` section; extras (``[...]``) are dropped."""
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == group and "=" in line:
            name, _, value = line.partition("=")
            yield name.strip(), value.split("[", 1)[0].strip()
