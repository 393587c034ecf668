"""Command parsers configured on demand: a command's flags (and module) load only when needed.

`nto.cli.main` builds one sub-parser per command with its name and help only, and leaves the
configuration (common flags and the command's own ``configure``) pending on the parser;
`configured` runs it once. The CLI configures the command it runs; ``help`` and ``completion``,
which show every command, use `subparsers`. Neighbours: :mod:`nto.cli.main`,
:mod:`nto.cli.commands.help`, :mod:`nto.cli.commands.completion`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Final

__all__ = ["PENDING_CONFIGURATION", "command_parsers", "configured", "subparsers"]

PENDING_CONFIGURATION: Final = "_nto_pending_configuration"
"""Attribute of a command parser holding its configuration until `configured` runs it."""


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The command parsers of `parser` by name and alias, configured or not (see `configured`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The command parsers of `parser` by name and alias, every one configured."""
    return {name: configured(sub) for name, sub in command_parsers(parser).items()}


def configured(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`parser` with its flags: runs the configuration `nto.cli.main` left pending, once.

    Configuring a command imports its module; a short command configures only itself.
    """
    pending: Callable[[], None] | None = getattr(parser, PENDING_CONFIGURATION, None)
    if pending is not None:
        setattr(parser, PENDING_CONFIGURATION, None)
        pending()
    return parser
