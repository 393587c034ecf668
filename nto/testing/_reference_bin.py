"""The reference's Go binaries, unpacked for the tests and benches that run them side by side.

They live xz-compressed in ``../shared/reference-bin`` beside the repository (read-only shared
data, never committed); ``NTO_REFERENCE_BIN`` names another folder. Each is unpacked into a
directory the caller owns (a pytest temporary directory), so nothing lands in the repository.
"""

from __future__ import annotations

import lzma
import os
import platform
import shutil
import sys
from pathlib import Path

DEFAULT_FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "reference-bin"


class ReferenceBinaryMissing(LookupError):
    """The binary cannot run here; the message is the reason to give when skipping."""


def reference_folder() -> Path:
    return Path(os.environ.get("NTO_REFERENCE_BIN") or DEFAULT_FOLDER)


def unpack_reference_binary(name: str, directory: Path) -> Path:
    """``name`` (e.g. ``performance-profile-creator``) unpacked into ``directory``, executable."""
    packed = reference_folder() / f"{name}.xz"
    if not packed.is_file():
        raise ReferenceBinaryMissing(
            f"the Go reference binary {packed} is absent (set NTO_REFERENCE_BIN to its folder)"
        )
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise ReferenceBinaryMissing(f"the Go reference binary {name} is built for linux/amd64")
    target = directory / name
    with lzma.open(packed) as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink)
    target.chmod(0o755)
    return target
