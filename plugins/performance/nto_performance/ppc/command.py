"""``cluster-node-tuning-operator performance-profile-creator``: the creator as a core command.

Registered by `nto_performance.plugin` through the ``nto_cli_commands`` hook. Cheap to import
(the core builds every command's parser on start): the creator's flags come from
`nto_performance.ppc.cli`, which imports its heavy neighbours only when it runs.
"""

from __future__ import annotations

import argparse

__all__ = ["HELP", "NAME", "configure", "run"]

NAME = "performance-profile-creator"
HELP = "create a PerformanceProfile from a must-gather (or show node CPUs with 'info')"


def configure(parser: argparse.ArgumentParser) -> None:
    from nto_performance.ppc import cli

    parser.description = cli.DESCRIPTION
    cli.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from nto_performance.ppc import cli

    return cli.run_parsed(args, prog=f"cluster-node-tuning-operator {NAME}")
