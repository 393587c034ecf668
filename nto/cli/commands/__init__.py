"""The core's subcommands, one module each; :func:`core_commands` lists them for the CLI."""

from nto.plugins.types import CliCommand


def core_commands() -> list[CliCommand]:
    """Every subcommand the core provides, plugins excluded."""
    from nto.cli.commands import (
        bootcmd,
        bundle,
        completion,
        dev_cluster,
        help,
        must_gather,
        operand,
        operator,
        plugins,
        version,
    )

    return [
        bootcmd.COMMAND,
        bundle.COMMAND,
        completion.COMMAND,
        dev_cluster.COMMAND,
        help.COMMAND,
        must_gather.COMMAND,
        operand.COMMAND,
        operator.COMMAND,
        plugins.COMMAND,
        version.COMMAND,
    ]
