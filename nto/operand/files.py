"""Files the operand writes: name checks first, then atomic writes (temp file + rename).

A profile name becomes a directory under ``/var/lib/ocp-tuned/profiles``, so every name is checked
before anything is written: TuneD's own rule (``[a-zA-Z0-9_.-]+``, which also rules out ``/``,
NUL and non-ASCII), not ``.`` or ``..``, at most 255 characters. Profile data is capped in size.
One bad entry rejects the whole set and nothing is written. Neighbours: `paths` (where),
`daemon` (when), `fingerprint` (reads the unpacked tree back).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

logger = logging.getLogger(__name__)

PROFILE_FILE: Final = "tuned.conf"
MAX_NAME_LENGTH: Final = 255
MAX_PROFILE_BYTES: Final = 1024 * 1024
"""The CRDs cap spec.profile[].data at 1 MiB of text and the operator keeps whole Profiles under
that budget; anything larger did not come from the operator."""
"""Larger ``data`` is rejected: far beyond any real TuneD profile, and above etcd's object cap."""
_NAME_RE: Final = re.compile(r"[a-zA-Z0-9_.-]+")


class InvalidProfileError(ValueError):
    """A Profile's content cannot be unpacked safely; the message names the entry and the fix."""


def check_profile_name(name: Any, *, where: str = "spec.profile[].name") -> str:
    """Return `name` if it is a safe TuneD profile name, else raise InvalidProfileError."""
    if not isinstance(name, str) or not name:
        raise InvalidProfileError(f"{where} {name!r} is empty or not a string; give it a name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidProfileError(
            f"{where} {name[:40]!r}... is {len(name)} characters long; "
            f"use at most {MAX_NAME_LENGTH}"
        )
    if not _NAME_RE.fullmatch(name) or name in {".", ".."}:
        raise InvalidProfileError(
            f"{where} {name!r} is not a valid TuneD profile name; use only letters, digits, "
            "'_', '.' and '-' (and not '.' or '..')"
        )
    return name


def check_profiles(entries: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """Validate ``spec.profile`` and return ``{name: data}``; entries without data are skipped."""
    result: dict[str, str] = {}
    for index, entry in enumerate(entries or []):
        if not isinstance(entry, Mapping):
            raise InvalidProfileError(f"spec.profile[{index}] is {entry!r}, not an object")
        name = check_profile_name(entry.get("name"), where=f"spec.profile[{index}].name")
        data = entry.get("data")
        if data is None:
            continue
        if not isinstance(data, str):
            raise InvalidProfileError(f"spec.profile[{index}].data of {name!r} is not a string")
        if len(data.encode()) > MAX_PROFILE_BYTES:
            raise InvalidProfileError(
                f"spec.profile[{index}].data of {name!r} is {len(data.encode())} bytes; "
                f"keep TuneD profiles under {MAX_PROFILE_BYTES} bytes"
            )
        if "\0" in data:
            raise InvalidProfileError(f"spec.profile[{index}].data of {name!r} contains NUL")
        result[name] = data
    return result


def atomic_write(path: Path, content: str | bytes, *, mode: int = 0o644) -> None:
    """Write `content` to a temp file in `path`'s directory, then rename it over `path`."""
    data = content.encode() if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist or cannot be read."""
    try:
        return path.read_text(errors="replace")
    except OSError:
        return None


def write_if_changed(path: Path, content: str, *, mode: int = 0o644) -> bool:
    """Atomically write `content` unless the file already holds it; True when written."""
    if read_text(path) == content:
        return False
    atomic_write(path, content, mode=mode)
    return True


@dataclass
class UnpackResult:
    """What `unpack_profiles` changed: profile names written and stale directories removed."""

    changed: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


def unpack_profiles(profiles_dir: Path, profiles: Mapping[str, str]) -> UnpackResult:
    """Write ``<name>/tuned.conf`` for each profile; remove every other entry of `profiles_dir`.

    Names must already be checked (`check_profiles`).
    """
    result = UnpackResult()
    profiles_dir.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(profiles.items()):
        target = profiles_dir / name
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            target.unlink()
        target.mkdir(exist_ok=True)
        if write_if_changed(target / PROFILE_FILE, data):
            result.changed.add(name)
    for entry in profiles_dir.iterdir():
        if entry.name in profiles or entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        result.removed.add(entry.name)
    return result


def read_unpacked(profiles_dir: Path) -> dict[str, str]:
    """``{name: data}`` of the profiles unpacked on disk."""
    found: dict[str, str] = {}
    if not profiles_dir.is_dir():
        return found
    for entry in profiles_dir.iterdir():
        data = read_text(entry / PROFILE_FILE) if entry.is_dir() else None
        if data is not None:
            found[entry.name] = data
    return found


def recommend_content(profile: str) -> str:
    """The recommend file's text: one section naming the profile."""
    return f"[{profile}]\n"


def read_recommend(path: Path) -> str:
    """The profile named by the first ``[section]`` of a recommend file, or ``""``."""
    for line in (read_text(path) or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            return stripped[1:-1].strip()
    return ""


def last_line(path: Path) -> str:
    """The last non-empty line of a file (``active_profile``), or ``""``."""
    lines = [line.strip() for line in (read_text(path) or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def read_bootcmdline(path: Path) -> str:
    """The value of the last ``TUNED_BOOT_CMDLINE=`` line, with one layer of quotes stripped."""
    value = ""
    for line in (read_text(path) or "").splitlines():
        if line.startswith("TUNED_BOOT_CMDLINE="):
            value = line.split("=", 1)[1].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value
