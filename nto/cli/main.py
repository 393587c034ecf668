"""Entry point of ``nto`` and ``cluster-node-tuning-operator``: one program, many subcommands.

Like the reference binary, running it without a subcommand starts the operator. Subcommands come
from :mod:`nto.cli.commands` and from plugins (hook ``nto_cli_commands``); a command a plugin
declares (:mod:`nto.cli.declared`, e.g. ``render``) runs without loading the plugins, its
``args.plugin_host`` built only if it asks. Exit codes follow the
Go binary, where every failure goes through ``klog.Fatal``: a usage error prints ``Error: ...``
and a hint and exits 255; a failing command logs one klog ``F`` line and exits 255 (commands
that return their own code, like the operator's 1, keep it). ``--kubeconfig`` wins over
``KUBECONFIG`` (it replaces it for the process); logging is set up from klog's flags by
:mod:`nto.cli.klog`.
"""

from __future__ import annotations

import argparse
import functools
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from nto._version import __version__
from nto.cli.commands import CORE_COMMANDS, core_commands
from nto.cli.declared import declared_command
from nto.cli.flags import UsageError, add_common_flags, go_bool_argv, value_flags
from nto.cli.klog import LogOptions, configure_logging
from nto.cli.parsers import PENDING_CONFIGURATION, command_parsers, configured
from nto.plugins.command import CliCommand

if TYPE_CHECKING:
    from nto.plugins.host import PluginHost
    from nto.plugins.types import PluginFailure

__all__ = ["DEFAULT_COMMAND", "PROGRAM", "UsageError", "build_parser", "main"]

logger = logging.getLogger(__name__)

DEFAULT_COMMAND = "operator"
PROGRAM = "cluster-node-tuning-operator"
USAGE_EXIT = 255
FAILURE_EXIT = 255
TRACEBACK_VERBOSITY = 4


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, its width found without importing :mod:`shutil`.

    argparse builds a formatter for every flag it adds (to check the flag) and asks
    ``shutil.get_terminal_size`` each time; importing shutil (and the compression modules it
    loads) is ~2 ms of a short command's start-up. Same answer: ``COLUMNS`` when a positive
    number, else the width of the terminal on standard output, else 80; minus 2.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


class _Parser(argparse.ArgumentParser):
    """argparse that raises `UsageError` instead of printing and exiting 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            extra = message[len(prefix) :]
            message = (
                f"unknown flag: {extra}"
                if extra.startswith("-")
                else f"unexpected argument {extra!r}; boolean flags take their value after '=', "
                "like --one-shot=false"
            )
        command = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        raise UsageError(message, command=command)


def main(argv: Sequence[str] | None = None, *, collector_paused: bool = False) -> int:
    """Run the CLI and return the exit code.

    ``collector_paused``: the caller (:mod:`nto.cli.entry`) turned the garbage collector off
    for the start-up; it is frozen and turned on again just before the command runs.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    prog = os.path.basename(sys.argv[0]) if argv is None else PROGRAM
    if prog in {"__main__.py", "-c", ""}:
        prog = PROGRAM
    disabled = _prescan_disabled(args_list)
    declared = (
        declared_command(
            args_list[0], core={name for name, _, _ in CORE_COMMANDS}, disabled=disabled
        )
        if args_list
        else None
    )
    if declared is not None:
        arguments = _Arguments(functools.partial(build_plugin_host, disabled=disabled))
        commands = [declared]
    else:
        host = build_plugin_host(disabled=disabled)
        arguments = _Arguments(lambda: host)
        commands = _all_commands(host)
    parser = build_parser(prog, _parsers_needed(commands, args_list), lazy=True)
    normalised: list[str] = []
    try:
        normalised = _normalise(args_list, parser)
        args = parser.parse_args(normalised, namespace=arguments)
    except UsageError as exc:
        if not exc.command and normalised and normalised[0] in command_parsers(parser):
            exc.command = normalised[0]
        return _usage_error(prog, exc)
    except SystemExit as done:  # --help, --version
        return done.code if isinstance(done.code, int) else 0
    previous_kubeconfig = os.environ.get("KUBECONFIG")
    if args.kubeconfig:
        os.environ["KUBECONFIG"] = args.kubeconfig
    restore_logging = configure_logging(LogOptions.from_args(args), program=prog)
    try:
        return _run(args, parser, prog, collector_paused=collector_paused)
    finally:  # give in-process callers their logging and environment back
        restore_logging()
        if previous_kubeconfig is None:
            os.environ.pop("KUBECONFIG", None)
        else:
            os.environ["KUBECONFIG"] = previous_kubeconfig


class _Arguments(argparse.Namespace):
    """The parsed arguments; ``plugin_host`` is built when a command first reads it."""

    def __init__(self, host: Callable[[], PluginHost]) -> None:
        super().__init__()
        self._build_plugin_host = host

    def __getattr__(self, name: str) -> Any:
        if name != "plugin_host":
            raise AttributeError(name)
        host = self._build_plugin_host()
        self.plugin_host = host
        return host


def build_plugin_host(*, disabled: Sequence[str] = ()) -> PluginHost:
    """This process's plugin host: entry points loaded, ``disabled`` blocked (pluggy on use)."""
    from nto.plugins import host

    return host.build_plugin_host(disabled=disabled)


def _run(
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
    prog: str,
    *,
    collector_paused: bool = False,
) -> int:
    if collector_paused:  # what start-up made lives as long as the process: never scan it again
        gc.freeze()
        gc.enable()
    args.root_parser = parser
    args.default_command = DEFAULT_COMMAND
    command: CliCommand = args.command
    args.command_parser = configured(command_parsers(parser)[command.name])
    try:
        return command.run(args)
    except KeyboardInterrupt:
        return 130
    except UsageError as exc:
        exc.command = exc.command or command.name
        return _usage_error(prog, exc)
    except Exception as exc:
        logger.critical("%s: %s", command.name, exc, exc_info=args.verbosity >= TRACEBACK_VERBOSITY)
        return FAILURE_EXIT


def _usage_error(prog: str, exc: UsageError) -> int:
    where = f"{prog} {exc.command}" if exc.command else prog
    print(f"Error: {exc}\nRun '{where} --help' for usage.", file=sys.stderr)
    return USAGE_EXIT


def build_parser(
    prog: str,
    commands: Sequence[CliCommand],
    *,
    lazy: bool = False,
) -> argparse.ArgumentParser:
    """Build the argparse program for the given commands.

    With `lazy`, each command's flags are added only when `nto.cli.commands.help.configured`
    asks (the CLI asks for the command it runs): configuring a command imports its module, and a
    short command should not pay for the others.
    """
    parser = _Parser(
        prog=prog,
        description="Node Tuning Operator: tunes nodes with TuneD; runs the operator by default.",
    )
    parser.add_argument("--version", action="version", version=f"{prog} {__version__}")
    subs = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for command in commands:
        sub = subs.add_parser(command.name, help=command.help, aliases=command.aliases)
        sub.description = command.help
        sub.set_defaults(command=command)
        setattr(sub, PENDING_CONFIGURATION, functools.partial(_configure, sub, command))
        if not lazy:
            configured(sub)
    return parser


def _configure(parser: argparse.ArgumentParser, command: CliCommand) -> None:
    add_common_flags(parser)
    command.configure(parser)


def _normalise(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """The command first (``operator`` when none), its bare booleans written ``=true``."""
    commands = command_parsers(parser)

    def default_value_flags() -> set[str]:
        return value_flags(configured(commands.get(DEFAULT_COMMAND, parser)))

    ordered = _with_default_command(argv, set(commands), default_value_flags)
    if ordered and ordered[0] in commands:
        return [ordered[0], *go_bool_argv(ordered[1:], configured(commands[ordered[0]]))]
    return ordered


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


_SHOWS_EVERY_COMMAND = frozenset({"help", "completion"})


def _parsers_needed(commands: list[CliCommand], argv: Sequence[str]) -> list[CliCommand]:
    """Only the named command when the command line starts with it (``render ...``), else all.

    Each sub-parser costs argparse a formatter and gettext look-ups; a short command builds
    one. ``help`` and ``completion`` show every command, so they get them all.
    """
    if argv and argv[0] not in _SHOWS_EVERY_COMMAND:
        named = [c for c in commands if argv[0] == c.name or argv[0] in c.aliases]
        if named:
            return named
    return commands


def _failure(plugin: str, error: str) -> PluginFailure:
    from nto.plugins.types import PluginFailure

    logger.error("plugin %r: nto_cli_commands %s", plugin, error)
    return PluginFailure(plugin=plugin, stage="nto_cli_commands", error=error)


def _with_default_command(
    argv: list[str],
    names: set[str],
    valued: Callable[[], set[str]],
) -> list[str]:
    """Move the subcommand to the front, or insert ``operator`` when there is none.

    Flags before the command are skipped with their values (``--kubeconfig PATH render``);
    `valued` gives the flags that take a value, asked only when a flag comes first.
    """
    if any(arg in {"-h", "--help", "--version"} for arg in argv[:1]):
        return argv
    skip = False
    flags: set[str] | None = None
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--":
            break
        if arg.startswith("-"):
            if flags is None:
                flags = valued()
            skip = arg in flags
            continue
        if arg in names:
            return [arg, *argv[:index], *argv[index + 1 :]]
        raise UsageError(
            f"unknown command {arg!r} for {PROGRAM!r}; choose from {', '.join(sorted(names))}"
        )
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
