"""The core's subcommands, one module each; :func:`core_commands` lists them for the CLI.

A command's module is imported only when that command is configured or run: the table below
holds what ``--help`` shows (name and help), and each entry's ``configure`` and ``run`` import
the module on first use. A test checks that the table agrees with each module's ``COMMAND``.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Mapping
from typing import Final

from nto.plugins.command import CliCommand

CORE_COMMANDS: Final = (
    (
        "render-bootcmd-mc",
        "bootcmd",
        "render the kernel-arguments MachineConfig at install bootstrap",
    ),
    ("bundle", "bundle", "generate the CVO manifests into a directory"),
    (
        "completion",
        "completion",
        "print the autocompletion script for bash, zsh, fish or powershell",
    ),
    (
        "dev-cluster",
        "dev_cluster",
        "run an emulated Kubernetes API server on loopback (needs nto[testing])",
    ),
    ("help", "help", "help about any command"),
    (
        "must-gather-script",
        "must_gather",
        "print the must-gather collection script (core and plugin steps)",
    ),
    ("ocp-tuned", "operand", "run the per-node TuneD operand"),
    ("operator", "operator", "run the Node Tuning Operator (the default command)"),
    ("plugins", "plugins", "list loaded plugins, their hooks and load errors"),
    ("version", "version", "print the version and exit"),
)
"""``(command name, module in this package, help)`` of every core command."""


class _Lazy:
    """The ``configure`` and ``run`` of a command whose module is imported on first call."""

    def __init__(self, module: str) -> None:
        self._module = f"{__name__}.{module}"

    def command(self) -> CliCommand:
        loaded: CliCommand = importlib.import_module(self._module).COMMAND
        return loaded

    def configure(self, parser: argparse.ArgumentParser) -> None:
        self.command().configure(parser)

    def run(self, args: argparse.Namespace) -> int:
        return self.command().run(args)


HYPERSHIFT_ABSENT: Final = frozenset({"render-bootcmd-mc"})
"""Commands the reference does not register with ``HYPERSHIFT=true`` (spec: no ``render*``)."""


def core_commands(environ: Mapping[str, str] | None = None) -> list[CliCommand]:
    """Every subcommand the core provides, plugins excluded; no command module is imported.

    With ``HYPERSHIFT=true`` (in `environ`, default the process environment) the commands of
    :data:`HYPERSHIFT_ABSENT` are left out, as the reference leaves them out.
    """
    env = os.environ if environ is None else environ
    hypershift = env.get("HYPERSHIFT", "").lower() == "true"
    commands = []
    for name, module, help_text in CORE_COMMANDS:
        if hypershift and name in HYPERSHIFT_ABSENT:
            continue
        lazy = _Lazy(module)
        commands.append(
            CliCommand(name=name, help=help_text, configure=lazy.configure, run=lazy.run)
        )
    return commands
