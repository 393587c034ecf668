"""Ignition 3.2.0 building blocks: file and unit entries, systemd unit text, package assets.

Files carry their content as a base64 ``data:`` URL and a decimal mode: node scripts 0700 (448),
configuration files 0644 (420). No ``overwrite`` flag is set, as in the reference. Unit text is
``[Section]`` headers and ``Key=Value`` lines with a blank line between sections.
Neighbours: :mod:`._files` and :mod:`._units` build the lists, :mod:`.machineconfig` wraps them;
the scripts and static configs are package data under ``scripts/`` and ``configs/``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from nto_api.foreign.ignition import IGNITION_VERSION, encode_data_url

__all__ = [
    "CONFIG_MODE",
    "SCRIPT_MODE",
    "UnitSection",
    "asset",
    "file_entry",
    "ignition_config",
    "unit_entry",
    "unit_text",
]

SCRIPT_MODE: Final = 0o700
"""Node scripts: 448."""
CONFIG_MODE: Final = 0o644
"""Configuration files: 420."""

UnitSection = tuple[str, Sequence[tuple[str, str]]]
"""A systemd unit section: its name and its ``(key, value)`` lines, in order."""


@functools.cache
def asset(kind: str, name: str) -> str:
    """The text of package data ``<kind>/<name>`` (``scripts`` or ``configs``).

    Read once per process: the assets are part of the code, like string constants. They are
    read next to this file (the wheels install files, not zips): importlib.resources would cost
    the offline render ~7 ms of imports (tempfile, zipfile).
    """
    return Path(__file__).parent.joinpath(kind, name).read_text(encoding="utf-8")


def file_entry(path: str, content: str, *, mode: int) -> dict[str, Any]:
    """An Ignition ``storage.files`` entry holding `content` inline."""
    return {"path": path, "mode": mode, "contents": {"source": encode_data_url(content)}}


def unit_entry(name: str, contents: str, *, enabled: bool | None = True) -> dict[str, Any]:
    """An Ignition ``systemd.units`` entry; ``enabled=None`` leaves the flag out (templates)."""
    unit: dict[str, Any] = {"name": name, "contents": contents}
    if enabled is not None:
        unit["enabled"] = enabled
    return unit


def unit_text(sections: Sequence[UnitSection]) -> str:
    """Serialize unit sections; a key may repeat (``Before=`` twice, several ``Environment=``)."""
    blocks = []
    for section, lines in sections:
        body = "".join(f"{key}={value}\n" for key, value in lines)
        blocks.append(f"[{section}]\n{body}")
    return "\n".join(blocks)


def ignition_config(
    files: Sequence[dict[str, Any]],
    units: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The ``spec.config`` Ignition object; empty sections are left out."""
    config: dict[str, Any] = {"ignition": {"version": IGNITION_VERSION}}
    if files:
        config["storage"] = {"files": list(files)}
    if units:
        config["systemd"] = {"units": list(units)}
    return config
