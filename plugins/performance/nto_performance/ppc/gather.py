"""``gather-sysinfo snapshot``: pack a machine's CPU topology files into a ``sysinfo.tgz``.

Run as ``python -m nto_performance.ppc.gather snapshot --root / --output FILE`` (``-`` writes
the archive to stdout; the must-gather script runs it on each node with ``--root /host``).
``--dump`` lists the paths the snapshot selects. The archive holds exactly the files
`nto_performance.ppc.snapshot` reads (`snapshot.is_topology_path`: ``sys/devices/system/cpu``
online/offline lists and per-CPU topology, ``sys/devices/system/node/nodeN/{cpulist,cpuM}``), with
root-relative names, so `snapshot.load_hardware` understands it.

Safety: the walk never follows a symbolic link. Directories are entered only when they are real
directories under the root; files are opened with ``O_NOFOLLOW`` and must be regular files of at
most `snapshot.MAX_MEMBER_BYTES`; symbolic links (the NUMA node's ``cpuM`` entries) are stored
as links, and only when their target stays inside the root. Anything else is skipped with a
log message. A file output is written to a temporary name and renamed, so a failure leaves no
half-written archive.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import posixpath
import re
import stat
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from nto_performance.ppc.snapshot import MAX_MEMBER_BYTES, is_topology_path

__all__ = ["Entry", "GatherError", "collect", "main", "write_snapshot"]

logger = logging.getLogger(__name__)

_TOP_DIRS = ("sys/devices/system/cpu", "sys/devices/system/node")
_DESCEND = re.compile(r"sys/devices/system/(?:cpu/(?:smt|cpu[0-9]+(?:/topology)?)|node/node[0-9]+)")
"""Directories that can hold topology files; no other directory is entered."""
_NODE_LINK = re.compile(r"sys/devices/system/node/node[0-9]+/cpu[0-9]+")
"""The only symbolic links stored: a NUMA node's links to its CPUs."""
_MAX_ENTRIES = 200_000


class GatherError(RuntimeError):
    """The root cannot be snapshotted (no sysfs, unreadable, output not writable)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One archive member: file content, or the target of a symbolic link."""

    name: str
    data: bytes = b""
    link: str | None = None


def collect(root: str | Path) -> list[Entry]:
    """Return the snapshot's members for the machine mounted at `root`, sorted by name."""
    root = Path(root)
    entries: list[Entry] = []
    for top in _TOP_DIRS:
        if not _is_real_dir(root, top):
            if top.endswith("/cpu"):
                raise GatherError(
                    f"{str(root / top)!r} is not a directory; pass --root the directory where "
                    "the machine's /sys and /proc are mounted"
                )
            continue
        entries.extend(_walk(root, top))
        if len(entries) > _MAX_ENTRIES:
            raise GatherError(f"{str(root)!r} has over {_MAX_ENTRIES} topology entries")
    return sorted(entries, key=lambda entry: entry.name)


def _is_real_dir(root: Path, relative: str) -> bool:
    """True when every component of `relative` under `root` is a directory, not a link."""
    path = root
    for part in relative.split("/"):
        path = path / part
        try:
            if not stat.S_ISDIR(path.lstat().st_mode):
                return False
        except OSError:
            return False
    return True


def _walk(root: Path, relative: str) -> Iterator[Entry]:
    try:
        children = sorted(os.scandir(root / relative), key=lambda child: child.name)
    except OSError as error:
        logger.warning("skipping %s: %s", relative, error)
        return
    for child in children:
        name = f"{relative}/{child.name}"
        if child.is_symlink():
            entry = _link(name, child.path)
            if entry is not None:
                yield entry
        elif child.is_dir(follow_symlinks=False):
            if _DESCEND.fullmatch(name):
                yield from _walk(root, name)
        elif is_topology_path(name):
            data = _read(child.path, name)
            if data is not None:
                yield Entry(name, data)


def _link(name: str, path: str) -> Entry | None:
    if not _NODE_LINK.fullmatch(name):
        if is_topology_path(name):
            logger.warning("skipping %s: a symbolic link where a file is expected", name)
        return None
    target = os.readlink(path)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if target.startswith("/") or resolved == ".." or resolved.startswith("../"):
        logger.warning("skipping %s: link to %r leaves the root", name, target)
        return None
    return Entry(name, link=target)


def _read(path: str, name: str) -> bytes | None:
    """Read a regular file without following links or blocking; None when skipped."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        logger.debug("skipping %s: %s", name, error)
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            logger.warning("skipping %s: not a regular file", name)
            return None
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_MEMBER_BYTES + 1)
    except OSError as error:
        logger.debug("skipping %s: %s", name, error)
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_MEMBER_BYTES:
        logger.warning("skipping %s: over %d bytes", name, MAX_MEMBER_BYTES)
        return None
    return data


def write_snapshot(entries: Sequence[Entry], stream: BinaryIO) -> None:
    """Write `entries` to `stream` as a gzipped tar (deterministic: fixed owner and times)."""
    with tarfile.open(fileobj=stream, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.mtime = 0
            if entry.link is not None:
                info.type = tarfile.SYMTYPE
                info.linkname = entry.link
                info.mode = 0o777
                archive.addfile(info)
            else:
                info.size = len(entry.data)
                info.mode = 0o444
                archive.addfile(info, io.BytesIO(entry.data))


def _write_output(entries: Sequence[Entry], output: str) -> None:
    if output == "-":
        write_snapshot(entries, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    try:
        fd, temporary = tempfile.mkstemp(prefix=".sysinfo-", dir=target.parent or ".")
    except OSError as error:
        raise GatherError(f"cannot write {output!r}: {error}") from error
    try:
        with os.fdopen(fd, "wb") as stream:
            write_snapshot(entries, stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """``gather-sysinfo``: ``snapshot --root DIR --output FILE|-`` or ``snapshot --dump``."""
    parser = argparse.ArgumentParser(prog="gather-sysinfo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    snapshot = commands.add_parser("snapshot", help="pack the CPU topology files")
    snapshot.add_argument("--root", default="/", help="where /sys is mounted (default /)")
    snapshot.add_argument("--output", default="-", help="archive path, or - for stdout")
    snapshot.add_argument("--dump", action="store_true", help="list the selected paths")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="gather-sysinfo: %(message)s")
    try:
        entries = collect(args.root)
        if args.dump:
            sys.stdout.write("".join(f"{entry.name}\n" for entry in entries))
        else:
            _write_output(entries, args.output)
    except (GatherError, OSError) as error:
        sys.stderr.write(f"gather-sysinfo: error: {error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
