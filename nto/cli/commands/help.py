"""``nto help [COMMAND]``: print the help of the program or of one command (cobra's ``help``).

An unknown topic prints a notice and the program's usage to stderr and still exits 0, as the
reference does. The root parser comes from :mod:`nto.cli.main` (``args.root_parser``).
"""

from __future__ import annotations

import argparse
import sys

from nto.cli.parsers import command_parsers, configured
from nto.plugins.types import CliCommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("topic", nargs="*", metavar="COMMAND", help="command to explain")


def _run(args: argparse.Namespace) -> int:
    root: argparse.ArgumentParser = args.root_parser
    if not args.topic:
        root.print_help()
        return 0
    command = command_parsers(root).get(args.topic[0])
    if command is None:
        print(f"Unknown help topic {args.topic[0]!r}", file=sys.stderr)
        root.print_usage(sys.stderr)
        return 0
    configured(command).print_help()
    return 0


COMMAND = CliCommand(name="help", help="help about any command", configure=_configure, run=_run)
