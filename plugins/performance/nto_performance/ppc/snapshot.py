"""Read a node's hardware snapshot (``sysinfo.tgz`` or a plain directory) without extracting it.

The must-gather holds one snapshot per node (``nodes/<node>/sysinfo.tgz``): a gzipped tar of the
node's ``/proc`` and ``/sys`` files. `read_snapshot` streams the archive once, keeps only the
members `wanted` selects (by default the few topology files `nto_performance.ppc.hardware` needs)
and returns their contents keyed by root-relative path; nothing is written to disk and the
archive is never held in memory whole (`._tar` parses only the headers' fields used).
`load_hardware` chains it with `Hardware.from_sysfs`.

Hostile archives are refused as a whole, never followed: member names that are absolute or contain
``..``, symbolic links or hard links whose target leaves the archive, device nodes, and members
larger than `MAX_MEMBER_BYTES` among those read. Unreadable input (missing, truncated, not gzip,
not tar) raises `SnapshotError` naming the file. A directory snapshot is read the same way, and a
path that resolves outside the directory is refused.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from nto_performance.ppc._tar import TarFormatError, TarMember, TarReader
from nto_performance.ppc.hardware import Hardware, HardwareError

__all__ = [
    "MAX_MEMBER_BYTES",
    "SnapshotError",
    "is_topology_path",
    "load_hardware",
    "read_snapshot",
]

logger = logging.getLogger(__name__)

MAX_MEMBER_BYTES = 1 << 20
"""Largest file read from a snapshot; sysfs topology files hold a few bytes."""

_TOPOLOGY_PATH = re.compile(
    r"sys/devices/system/cpu/(?:offline|online|present|smt/active"
    r"|cpu[0-9]+/(?:online|topology/(?:physical_package_id|core_id|thread_siblings_list)))"
    r"|sys/devices/system/node/node[0-9]+/(?:cpulist|cpu[0-9]+)"
)


class SnapshotError(ValueError):
    """A hardware snapshot cannot be read or is refused as unsafe; the message names the file."""


def is_topology_path(path: str) -> bool:
    """Select the members `Hardware.from_sysfs` reads."""
    return _TOPOLOGY_PATH.fullmatch(path) is not None


def load_hardware(path: str | Path) -> Hardware:
    """Read the snapshot at `path` (a ``.tgz`` file or a directory) and build its topology."""
    files = read_snapshot(path)
    try:
        return Hardware.from_sysfs(files, source=str(path))
    except HardwareError as error:
        raise SnapshotError(str(error)) from error


def read_snapshot(
    path: str | Path,
    *,
    wanted: Callable[[str], bool] = is_topology_path,
) -> dict[str, str]:
    """Return ``{root-relative path: text}`` for the wanted members of a snapshot.

    Symbolic links among the wanted members are returned with their target as the text (the
    NUMA node's ``cpuN`` entries are links); they are never followed.
    """
    path = Path(path)
    if path.is_dir():
        return _read_directory(path, wanted)
    try:
        with path.open("rb") as stream:
            return _read_archive(TarReader(stream), path, wanted)
    except SnapshotError:
        raise
    except FileNotFoundError as error:
        raise SnapshotError(f"hardware snapshot {str(path)!r} does not exist") from error
    except (TarFormatError, OSError, UnicodeDecodeError) as error:
        raise SnapshotError(
            f"hardware snapshot {str(path)!r} is not a readable gzipped tar archive "
            f"({type(error).__name__}: {error}); collect the node's sysinfo.tgz again"
        ) from error


def _read_archive(archive: TarReader, path: Path, wanted: Callable[[str], bool]) -> dict[str, str]:
    files: dict[str, str] = {}
    for member in archive:
        name = _checked_name(member, path)
        if not wanted(name):
            continue
        if member.kind == "symlink":
            files[name] = member.linkname
        elif member.kind == "file":
            if member.size > MAX_MEMBER_BYTES:
                raise _refuse(path, name, f"is {member.size} bytes, over {MAX_MEMBER_BYTES}")
            files[name] = archive.data(member).decode("utf-8")
    logger.debug("read %d members from %s", len(files), path)
    return files


def _checked_name(member: TarMember, path: Path) -> str:
    """Return the member's normalised name, or raise when the member is unsafe."""
    name = member.name.removeprefix("./")
    if _escapes(name, "") or not name:
        raise _refuse(path, member.name, "has an absolute or '..' path")
    if member.kind == "symlink" and _escapes(member.linkname, posixpath.dirname(name)):
        raise _refuse(path, name, f"is a symbolic link to {member.linkname!r} outside the archive")
    if member.kind == "hardlink" and _escapes(member.linkname.removeprefix("./"), ""):
        raise _refuse(path, name, f"is a hard link to {member.linkname!r} outside the archive")
    if member.kind == "device":
        raise _refuse(path, name, "is a device node")
    return name


def _escapes(target: str, base: str) -> bool:
    """True when `target`, relative to directory `base` of the archive, leaves the archive."""
    if target.startswith("/") or "\\" in target:
        return True
    if ".." not in target:  # the common case; `base` itself never leaves the archive
        return False
    resolved = posixpath.normpath(posixpath.join(base, target))
    return resolved == ".." or resolved.startswith("../")


def _refuse(path: Path, name: str, why: str) -> SnapshotError:
    return SnapshotError(
        f"hardware snapshot {str(path)!r} is refused: member {name!r} {why}; "
        "a sysinfo.tgz holds only relative paths inside the archive"
    )


_DIRECTORY_PATTERNS = (
    "sys/devices/system/cpu/*",
    "sys/devices/system/cpu/smt/active",
    "sys/devices/system/cpu/cpu*/online",
    "sys/devices/system/cpu/cpu*/topology/*",
    "sys/devices/system/node/node*/*",
)


def _read_directory(root: Path, wanted: Callable[[str], bool]) -> dict[str, str]:
    """Read the wanted files of an unpacked snapshot (or a live root such as ``/``)."""
    files: dict[str, str] = {}
    real_root = root.resolve()
    for pattern in _DIRECTORY_PATTERNS:
        for entry in root.glob(pattern):
            name = entry.relative_to(root).as_posix()
            if not wanted(name):
                continue
            if entry.is_symlink() and name.startswith("sys/devices/system/node/"):
                files[name] = str(entry.readlink())
                continue
            if not entry.resolve().is_relative_to(real_root):
                raise _refuse(root, name, "resolves outside the snapshot directory")
            try:
                data = entry.read_bytes()
            except OSError as error:
                raise SnapshotError(
                    f"hardware snapshot {str(root)!r}: cannot read {name!r}: {error}"
                ) from error
            if len(data) > MAX_MEMBER_BYTES:
                raise _refuse(root, name, f"is {len(data)} bytes, over {MAX_MEMBER_BYTES}")
            files[name] = data.decode("utf-8")
    return files
