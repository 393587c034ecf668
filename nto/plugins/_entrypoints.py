"""Find the ``nto.plugins`` entry points without importing ``importlib.metadata``.

Every CLI start looks for plugins. ``importlib.metadata`` answers correctly but costs ~30-40 ms
before it reads a single file (it imports the ``email`` package to parse metadata headers), which
is a quarter of a short command's budget. This module reads only what the host needs: each
distribution's ``entry_points.txt`` (an INI file, specified by the PyPA entry points spec) and,
when ``nto plugins`` asks, the ``Name`` and ``Version`` headers of its ``METADATA``. As
``importlib.metadata`` does, the first distribution of a name on ``sys.path`` wins. One scan can
read several groups: the CLI reads ``nto.plugins`` (the plugins) and ``nto.commands`` (commands a
plugin declares, so that running one needs neither pluggy nor the plugin's hooks) together.
The plugin settings read from the environment (``NTO_DISABLED_PLUGINS``, ``NTO_TRACE_HOOKS``)
are here too, for the same reason.

Neighbours: :mod:`nto.plugins.host` loads and registers what this finds; :mod:`nto.cli.declared`
runs a declared command.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "COMMAND_GROUP",
    "DISABLED_ENV",
    "PLUGIN_GROUP",
    "TRACE_ENV",
    "EntryPoint",
    "disabled_from_env",
    "entry_points",
    "scan",
]

PLUGIN_GROUP = "nto.plugins"
"""The plugins (``name = module``): what the host loads (also ``nto.plugins.ENTRY_POINT_GROUP``)."""
COMMAND_GROUP = "nto.commands"
"""Commands a plugin declares (``command-name = module:CliCommand``), run without the host."""
DISABLED_ENV = "NTO_DISABLED_PLUGINS"
TRACE_ENV = "NTO_TRACE_HOOKS"

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


class EntryPoint(NamedTuple):
    """One ``name = module:attr`` line of a distribution's ``entry_points.txt``.

    A named tuple rather than a dataclass: creating a dataclass costs ~0.5 ms of start-up.
    """

    name: str
    value: str
    metadata_dir: Path
    group: str = PLUGIN_GROUP

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
    return scan((group,), path=path)


def scan(groups: Collection[str], *, path: Iterable[str] | None = None) -> list[EntryPoint]:
    """The entry points of every group in ``groups``, in ``path`` order (``sys.path``)."""
    found: list[EntryPoint] = []
    markers = [group.encode() for group in groups]
    for metadata_dir in _distributions(sys.path if path is None else path):
        data = _read(os.path.join(metadata_dir, "entry_points.txt"))
        if data is None or not any(marker in data for marker in markers):
            continue  # most distributions declare none of these groups: not decoded nor parsed
        text = data.decode("utf-8", errors="replace")
        found.extend(
            EntryPoint(name, value, Path(metadata_dir), group)
            for group, name, value in _sections(text, groups)
        )
    return found


def _read(path: str) -> bytes | None:
    """The bytes of a small file, None when it cannot be read (plain system calls: the text
    layer of ``open()`` costs more than the read, dozens of times per start)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        chunks = []
        while chunk := os.read(descriptor, 65536):
            chunks.append(chunk)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def disabled_from_env(environ: Mapping[str, str] | None = None) -> set[str]:
    """Plugin names listed in ``NTO_DISABLED_PLUGINS`` (comma or space separated)."""
    raw = (environ if environ is not None else os.environ).get(DISABLED_ENV, "")
    return {name for name in raw.replace(",", " ").split() if name}


def _distributions(path: Iterable[str]) -> Iterator[str]:
    """Each distribution's metadata directory, the first of every normalized name only."""
    seen: set[str] = set()
    for entry in path:
        try:
            names = sorted(os.listdir(entry or "."))
        except OSError:  # a missing directory, a zip archive, a file
            continue
        for name in names:
            project = _project_name(name)
            if project is None:
                continue
            normalized = _normalized(project)
            if normalized not in seen:
                seen.add(normalized)
                yield os.path.join(entry or ".", name)


def _project_name(directory: str) -> str | None:
    """``NAME`` of a ``NAME[-VERSION].dist-info`` (or ``.egg-info``) directory name, else None.

    Plain string work: a regular expression costs more to compile than the whole scan.
    """
    for suffix in _METADATA_SUFFIXES:
        if directory.endswith(suffix):
            stem = directory[: -len(suffix)]
            break
    else:
        return None
    name, dash, version = stem.partition("-")
    if not name or (dash and not version) or "-" in version:
        return None
    return name


def _normalized(name: str) -> str:
    """The name with every run of ``-``, ``_`` and ``.`` made one ``_``, lower case (PEP 503)."""
    joined = name.replace("-", "_").replace(".", "_")
    while "__" in joined:
        joined = joined.replace("__", "_")
    return joined.lower()


def _sections(text: str, groups: Collection[str]) -> Iterator[tuple[str, str, str]]:
    """``(group, name, value)`` of the ``[group]`` sections in ``groups``; extras are dropped."""
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current is not None and current in groups and "=" in line:
            name, _, value = line.partition("=")
            yield current, name.strip(), value.split("[", 1)[0].strip()
