"""Fixtures of the CLI tests: log handlers removed after each in-process run; the Go binary."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from nto.testing import ReferenceBinaryMissing, unpack_reference_binary


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


@pytest.fixture(scope="session")
def reference_nto(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go ``cluster-node-tuning-operator``, unpacked outside the repository (or a skip)."""
    try:
        return unpack_reference_binary(
            "cluster-node-tuning-operator", tmp_path_factory.mktemp("reference")
        )
    except ReferenceBinaryMissing as missing:
        pytest.skip(str(missing))
