"""A subcommand of the CLI (:class:`CliCommand`), part of the plugin surface.

A module of its own, importing only the standard library and nothing of the operator runtime:
the CLI and the commands a plugin declares (:mod:`nto.cli.declared`) import it on every start,
and pure packages (a plugin's renderers) may define their commands with it. Re-exported by
:mod:`nto.plugins` and :mod:`nto.plugins.types`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Protocol

__all__ = ["ArgumentsConfigurer", "CliCommand", "CommandRunner"]


class CommandRunner(Protocol):
    """Runs a CLI command with its parsed arguments and returns the process exit code."""

    def __call__(self, args: argparse.Namespace, /) -> int: ...


class ArgumentsConfigurer(Protocol):
    """Adds a command's flags to its argparse sub-parser."""

    def __call__(self, parser: argparse.ArgumentParser, /) -> None: ...


@dataclass(frozen=True)
class CliCommand:
    """A subcommand of ``nto`` / ``cluster-node-tuning-operator``.

    ``configure`` and ``run`` should import heavy modules lazily, inside the functions: the CLI
    builds every command's parser on each start, and short commands must stay fast.
    """

    name: str
    help: str
    configure: ArgumentsConfigurer
    run: CommandRunner
    aliases: tuple[str, ...] = ()
