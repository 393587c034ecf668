"""``nto version``: print the program's version."""

import argparse

from nto._version import __version__
from nto.plugins.types import CliCommand


def _configure(parser: argparse.ArgumentParser) -> None:
    del parser  # no flags of its own


def _run(args: argparse.Namespace) -> int:
    del args
    print(f"Version: {__version__}")
    return 0


COMMAND = CliCommand(
    name="version", help="print the version and exit", configure=_configure, run=_run
)
