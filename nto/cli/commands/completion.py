"""``nto completion bash|zsh|fish|powershell``: print a shell completion script.

Without a shell it prints its help and exits 0 (as cobra's ``completion`` does). The script is
generated from the program's parsers by :mod:`nto.cli.completion`.
"""

from __future__ import annotations

import argparse

from nto.cli.parsers import subparsers
from nto.plugins.types import CliCommand

SHELLS = ("bash", "zsh", "fish", "powershell")  # nto.cli.completion.SHELLS, imported on use


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", nargs="?", choices=SHELLS, metavar="SHELL", help="|".join(SHELLS))


def _run(args: argparse.Namespace) -> int:
    from nto.cli.completion import completion_script, spec_from_parsers

    root: argparse.ArgumentParser = args.root_parser
    if args.shell is None:
        args.command_parser.print_help()
        return 0
    commands = subparsers(root)
    table = {
        name: ((parser.description or "").splitlines()[0] if parser.description else "", parser)
        for name, parser in commands.items()
        if parser.prog.rsplit(" ", 1)[-1] == name
    }
    default = commands.get(args.default_command, root)
    print(completion_script(args.shell, spec_from_parsers(root.prog, table, default)), end="")
    return 0


COMMAND = CliCommand(
    name="completion",
    help="print the autocompletion script for bash, zsh, fish or powershell",
    configure=_configure,
    run=_run,
)
