"""Fixtures of the CLI tests: log handlers removed after each in-process run; the Go binary."""

from __future__ import annotations

import logging
import lzma
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _drop_cli_log_handlers() -> Iterator[None]:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


REFERENCE_BIN = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference-bin"


@pytest.fixture(scope="session")
def reference_nto(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go ``cluster-node-tuning-operator``, unpacked outside the repository (or a skip)."""
    packed = REFERENCE_BIN / "cluster-node-tuning-operator.xz"
    if not packed.exists():
        pytest.skip(f"the Go reference binary {packed} is absent (read-only shared data)")
    target = tmp_path_factory.mktemp("reference") / "cluster-node-tuning-operator"
    with lzma.open(packed) as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink)
    target.chmod(0o755)
    return target
