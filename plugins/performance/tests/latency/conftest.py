"""Fixtures of the latency-test tests: the recorded rt-tests outputs and parsed flags."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

from nto_performance.latency import command

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def recorded() -> Callable[[str], str]:
    """The text of one recorded tool output in ``data/`` (see its README)."""
    return lambda name: (DATA / name).read_text()


@pytest.fixture
def parse_flags() -> Callable[..., argparse.Namespace]:
    """The command's flags parsed as the CLI parses them."""

    def parse(*argv: str) -> argparse.Namespace:
        parser = argparse.ArgumentParser()
        command.configure(parser)
        return parser.parse_args(list(argv))

    return parse
