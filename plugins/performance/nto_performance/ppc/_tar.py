"""A streaming reader of gzipped tar archives that parses only what the profile creator uses.

The standard library's `tarfile` builds a full `TarInfo` per member (owner, times, mode, header
checksum computed in Python): for a node snapshot of 11,000 members that is most of the profile
creator's run. A node's ``sysinfo.tgz`` is written by GNU tar, so this module reads the three
header flavours such archives hold (POSIX ustar with its name prefix, GNU long names ``L``/``K``,
and pax ``x`` records for ``path``, ``linkpath`` and ``size``) and nothing else, decompressing
in chunks so the archive is never held in memory whole.

Integrity: zlib checks the gzip trailer's CRC-32 over the whole stream, so corruption anywhere
fails the read; a header without the ``ustar`` magic must carry a valid header checksum.
Anything malformed raises `TarFormatError`; callers decide what is safe (`.snapshot` refuses
links out of the archive and device nodes).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final

__all__ = ["MemberKind", "TarFormatError", "TarMember", "TarReader"]

BLOCK: Final = 512
CHUNK: Final = 1 << 20
MAX_META_BYTES: Final = 1 << 20
"""Largest GNU long name or pax record block accepted."""

MemberKind = str
"""One of ``file``, ``dir``, ``symlink``, ``hardlink``, ``device`` or ``other``."""

_KINDS: Final = {
    b"0": "file",
    b"\0": "file",
    b"7": "file",
    b"1": "hardlink",
    b"2": "symlink",
    b"3": "device",
    b"4": "device",
    b"6": "device",
    b"5": "dir",
}


class TarFormatError(ValueError):
    """The data is not a readable gzipped tar archive."""


@dataclass(frozen=True, slots=True)
class TarMember:
    """What one member's header says."""

    name: str
    kind: MemberKind
    size: int
    linkname: str


class _Inflater:
    """Decompressed bytes of a gzip stream, pulled in chunks; concatenated members allowed."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._zlib = zlib.decompressobj(wbits=31)
        self._buffer = bytearray()
        self._position = 0

    def take(self, count: int) -> bytes:
        self._need(count)
        data = bytes(self._buffer[self._position : self._position + count])
        self._position += count
        return data

    def skip(self, count: int) -> None:
        while count:
            available = len(self._buffer) - self._position
            if available >= count:
                self._position += count
                return
            count -= available
            self._position = len(self._buffer)
            self._need(min(count, CHUNK))

    def drain(self) -> None:
        """Read to the end of the gzip stream so that its CRC is checked."""
        while self._inflate():
            pass

    def _need(self, count: int) -> None:
        if self._position > CHUNK:
            del self._buffer[: self._position]
            self._position = 0
        while len(self._buffer) - self._position < count:
            chunk = self._inflate()
            if not chunk:
                raise TarFormatError("the archive ends in the middle of a member (truncated)")
            self._buffer += chunk

    def _inflate(self) -> bytes:
        while True:
            if self._zlib.eof:
                leftover = self._zlib.unused_data
                if not leftover.strip(b"\0"):
                    return b""
                self._zlib = zlib.decompressobj(wbits=31)  # another gzip member follows
                return self._zlib.decompress(leftover)
            compressed = self._stream.read(CHUNK // 4)
            if not compressed:
                if not self._zlib.eof:
                    raise TarFormatError("the gzip stream is truncated")
                return b""
            try:
                data = self._zlib.decompress(compressed)
            except zlib.error as error:
                raise TarFormatError(f"the gzip stream is corrupt ({error})") from error
            if data:
                return data


class TarReader:
    """Iterate members of a gzipped tar stream; `data` reads the current member's content."""

    def __init__(self, stream: BinaryIO) -> None:
        self._inflater = _Inflater(stream)
        self._unread = 0

    def __iter__(self) -> Iterator[TarMember]:
        overrides: dict[str, str] = {}
        while True:
            self._skip_unread()
            header = self._inflater.take(BLOCK)
            if not header.strip(b"\0"):
                self._inflater.drain()
                return
            _check_header(header)
            type_flag = header[156:157]
            size = _number(header[124:136])
            if type_flag in (b"L", b"K", b"x"):
                if size > MAX_META_BYTES:
                    raise TarFormatError(f"an extended header of {size} bytes is too large")
                payload = self._inflater.take(size)
                self._inflater.skip(-size % BLOCK)
                key = {b"L": "path", b"K": "linkpath"}.get(type_flag)
                if key:
                    overrides[key] = _text(payload.split(b"\0", 1)[0])
                else:
                    overrides.update(_pax_records(payload))
                continue
            if type_flag == b"g":  # pax global header: nothing the reader uses
                self._inflater.skip(size + (-size % BLOCK))
                continue
            if "size" in overrides:
                size = int(overrides["size"])
            kind = _KINDS.get(type_flag, "other")
            name = overrides.get("path") or _header_name(header)
            member = TarMember(
                name=name.rstrip("/") if kind == "dir" else name,
                kind=kind,
                size=size if type_flag not in (b"1", b"2", b"5") else 0,
                linkname=overrides.get("linkpath") or _text(header[157:257].split(b"\0", 1)[0]),
            )
            overrides = {}
            self._unread = member.size + (-member.size % BLOCK)
            yield member

    def data(self, member: TarMember) -> bytes:
        """The content of the member just yielded (once, before the iteration moves on)."""
        content = self._inflater.take(member.size)
        self._inflater.skip(-member.size % BLOCK)
        self._unread = 0
        return content

    def _skip_unread(self) -> None:
        self._inflater.skip(self._unread)
        self._unread = 0


def _check_header(header: bytes) -> None:
    if header[257:262] == b"ustar":
        return
    stored = header[148:156].split(b"\0", 1)[0].strip()
    computed = sum(header[:148]) + 8 * 0x20 + sum(header[156:])
    try:
        valid = int(stored or b"-1", 8) == computed
    except ValueError:
        valid = False
    if not valid:
        raise TarFormatError("a member header is damaged or the data is not a tar archive")


def _number(field: bytes) -> int:
    if field[0] & 0x80:  # GNU base-256 for sizes over 8 GiB
        if field[0] != 0x80:
            raise TarFormatError("a member has a negative size")
        return int.from_bytes(field[1:], "big")
    digits = field.split(b"\0", 1)[0].strip()
    try:
        return int(digits or b"0", 8)
    except ValueError:
        raise TarFormatError(f"a member header has a bad size field {field!r}") from None


def _header_name(header: bytes) -> str:
    name = header[:100].split(b"\0", 1)[0]
    if header[257:263] == b"ustar\x00":  # POSIX: a prefix directory may hold the start
        prefix = header[345:500].split(b"\0", 1)[0]
        if prefix:
            name = prefix + b"/" + name
    return _text(name)


def _pax_records(payload: bytes) -> dict[str, str]:
    """``length key=value\\n`` records; only the keys the reader uses are kept."""
    records: dict[str, str] = {}
    position = 0
    while position < len(payload):
        space = payload.find(b" ", position)
        try:
            length = int(payload[position:space])
        except ValueError:
            raise TarFormatError("a pax extended header is malformed") from None
        record = payload[space + 1 : position + length - 1]
        key, separator, value = record.partition(b"=")
        if length <= 0 or not separator:
            raise TarFormatError("a pax extended header is malformed")
        if key in (b"path", b"linkpath", b"size"):
            records[key.decode()] = _text(value)
        position += length
    return records


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")
