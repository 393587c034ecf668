"""Entry point of ``nto`` and ``cluster-node-tuning-operator``: one program, many subcommands.

Like the reference binary, running it without a subcommand starts the operator. Subcommands come
from :mod:`nto.cli.commands` and from plugins (hook ``nto_cli_commands``). Usage errors exit 2
with a message and no traceback; failures inside a command exit 1 with a one-line error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from nto._version import __version__
from nto.cli.commands import core_commands
from nto.cli.flags import add_common_flags
from nto.plugins.host import PluginHost, build_plugin_host
from nto.plugins.types import CliCommand, PluginFailure

logger = logging.getLogger(__name__)

DEFAULT_COMMAND = "operator"
PROGRAM = "cluster-node-tuning-operator"


class UsageError(Exception):
    """The command line is wrong; reported like an argparse error (exit 2)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    prog = os.path.basename(sys.argv[0]) if argv is None else PROGRAM
    if prog in {"__main__.py", "-c", ""}:
        prog = PROGRAM
    host = build_plugin_host(disabled=_prescan_disabled(args_list))
    commands = _all_commands(host)
    parser = build_parser(prog, commands)
    try:
        args = parser.parse_args(_with_default_command(args_list, commands, parser))
    except UsageError as exc:
        parser.error(str(exc))
    _configure_logging(args.verbosity)
    args.plugin_host = host
    command: CliCommand = args.command
    try:
        return command.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.verbosity >= 4:
            logger.exception("%s failed", command.name)
        print(f"{prog} {command.name}: error: {exc}", file=sys.stderr)
        return 1


def build_parser(prog: str, commands: Sequence[CliCommand]) -> argparse.ArgumentParser:
    """Build the argparse program for the given commands."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Node Tuning Operator: tunes nodes with TuneD; runs the operator by default.",
    )
    parser.add_argument("--version", action="version", version=f"{prog} {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in commands:
        sub = subparsers.add_parser(command.name, help=command.help, aliases=command.aliases)
        sub.description = command.help
        add_common_flags(sub)
        command.configure(sub)
        sub.set_defaults(command=command)
    return parser


def _all_commands(host: PluginHost) -> list[CliCommand]:
    commands = {command.name: command for command in core_commands()}
    for plugin, command in host.collect("nto_cli_commands"):
        if not isinstance(command, CliCommand):
            host.failures.append(_failure(plugin, f"returned {command!r}, not a CliCommand"))
        elif command.name in commands:
            host.failures.append(_failure(plugin, f"command {command.name!r} already exists"))
        else:
            commands[command.name] = command
    return sorted(commands.values(), key=lambda command: command.name)


def _failure(plugin: str, error: str) -> PluginFailure:
    logger.error("plugin %r: nto_cli_commands %s", plugin, error)
    return PluginFailure(plugin=plugin, stage="nto_cli_commands", error=error)


def _with_default_command(
    argv: list[str],
    commands: Sequence[CliCommand],
    parser: argparse.ArgumentParser,
) -> list[str]:
    """Move the subcommand to the front, or insert ``operator`` when there is none."""
    names = {name for command in commands for name in (command.name, *command.aliases)}
    if any(arg in {"-h", "--help", "--version"} for arg in argv[:1]):
        return argv
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("-"):
            continue
        if arg in names:
            return [arg, *argv[:index], *argv[index + 1 :]]
        if index == 0:
            raise UsageError(f"unknown command {arg!r}; choose from {', '.join(sorted(names))}")
        break
    return [DEFAULT_COMMAND, *argv]


def _prescan_disabled(argv: Sequence[str]) -> list[str]:
    """Read ``--disable-plugin`` values before plugins are loaded (they shape the parser)."""
    disabled: list[str] = []
    for index, arg in enumerate(argv):
        if arg == "--disable-plugin" and index + 1 < len(argv):
            disabled.append(argv[index + 1])
        elif arg.startswith("--disable-plugin="):
            disabled.append(arg.split("=", 1)[1])
    return disabled


def _configure_logging(verbosity: int) -> None:
    level = logging.DEBUG if verbosity >= 2 else logging.INFO
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
