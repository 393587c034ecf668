"""The profile creator's tar reader sees what `tarfile` sees, in every header flavour GNU tar and
Python write, and refuses what is not a tar archive."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from nto_performance.ppc._tar import TarFormatError, TarMember, TarReader

REFERENCE = Path(__file__).resolve().parents[5] / "shared" / "reference" / "must-gather"


def _archive(tar_format: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tar_format) as archive:
        for name, data in [
            ("short", b"1\n"),
            ("d/" + "long-directory-name/" * 8 + "file", b"x" * 700),
            ("é-ünïcode/" + "n" * 120, b""),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("links/" + "l" * 110)
        link.type, link.linkname = tarfile.SYMTYPE, "../" + "t" * 120
        archive.addfile(link)
        directory = tarfile.TarInfo("dir")
        directory.type = tarfile.DIRTYPE
        archive.addfile(directory)
    return gzip.compress(buffer.getvalue())


def _with_tarfile(data: bytes) -> list[tuple[TarMember, bytes | None]]:
    members = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for info in archive:
            kind = "file" if info.isfile() else "symlink" if info.issym() else "dir"
            stream = archive.extractfile(info) if info.isfile() else None
            member = TarMember(info.name, kind, info.size if info.isfile() else 0, info.linkname)
            members.append((member, stream.read() if stream else None))
    return members


def _with_reader(data: bytes) -> list[tuple[TarMember, bytes | None]]:
    reader = TarReader(io.BytesIO(data))
    return [(member, reader.data(member) if member.kind == "file" else None) for member in reader]


@pytest.mark.parametrize(
    "tar_format",
    [tarfile.GNU_FORMAT, tarfile.PAX_FORMAT, tarfile.USTAR_FORMAT],
    ids=["gnu", "pax", "ustar"],
)
def test_agrees_with_tarfile(tar_format: int) -> None:
    if tar_format == tarfile.USTAR_FORMAT:  # ustar cannot hold the long link or name
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tar_format) as archive:
            info = tarfile.TarInfo("p" * 90 + "/" + "q" * 90 + "/file")
            info.size = 3
            archive.addfile(info, io.BytesIO(b"abc"))
        data = gzip.compress(buffer.getvalue())
    else:
        data = _archive(tar_format)
    assert _with_reader(data) == _with_tarfile(data)


def test_skipping_members_reads_the_rest_right() -> None:
    data = _archive(tarfile.GNU_FORMAT)
    names = [member.name for member in TarReader(io.BytesIO(data))]
    assert names == [member.name for member, _ in _with_tarfile(data)]


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference/must-gather is absent")
@pytest.mark.parametrize(
    "archive", sorted(REFERENCE.rglob("sysinfo.tgz")), ids=lambda path: path.parent.name
)
def test_reference_snapshots(archive: Path) -> None:
    assert _with_reader(archive.read_bytes()) == _with_tarfile(archive.read_bytes())


def test_damaged_header_without_magic_is_refused() -> None:
    raw = bytearray(gzip.decompress(_archive(tarfile.GNU_FORMAT)))
    raw[257:265] = b"\0" * 8  # a v7 header must then have a valid checksum
    raw[0:5] = b"XXXXX"
    with pytest.raises(TarFormatError, match="damaged or the data is not a tar archive"):
        list(TarReader(io.BytesIO(gzip.compress(bytes(raw)))))


def test_corrupted_stream_fails_on_the_crc_even_after_the_last_member() -> None:
    data = bytearray(_archive(tarfile.GNU_FORMAT))
    data[-6] ^= 0xFF  # inside the gzip trailer's CRC-32
    with pytest.raises(TarFormatError, match="corrupt"):
        list(TarReader(io.BytesIO(bytes(data))))
