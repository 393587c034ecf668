"""``nto ocp-tuned``: the per-node operand that drives TuneD from the node's Profile.

Flags follow the reference: ``--in-cluster`` (default true) and ``--one-shot`` (default false).
The body lives in :mod:`nto.operand.entry` (imported lazily: the CLI builds every parser on start).
"""

from __future__ import annotations

import argparse
import os

from nto.cli.flags import BoolFlag
from nto.plugins.types import CliCommand


class OperandUsageError(Exception):
    """Flags or environment of the operand are inconsistent."""


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--in-cluster", action=BoolFlag, default=True, help="watch the Profile")
    parser.add_argument("--one-shot", action=BoolFlag, default=False, help="apply once and exit")


def check_flags(in_cluster: bool, one_shot: bool, environ: dict[str, str]) -> None:
    """The reference's flag rules: in-cluster mode needs OCP_NODE_NAME and excludes one-shot."""
    if in_cluster and one_shot:
        raise OperandUsageError("--one-shot=true needs --in-cluster=false")
    if not in_cluster and not one_shot:
        raise OperandUsageError("--in-cluster=false is only supported with --one-shot=true")
    if in_cluster and not environ.get("OCP_NODE_NAME"):
        raise OperandUsageError("environment variable OCP_NODE_NAME is not set; it names this node")


def _run(args: argparse.Namespace) -> int:
    check_flags(args.in_cluster, args.one_shot, dict(os.environ))
    from nto.operand.entry import run_operand

    return run_operand(in_cluster=args.in_cluster, one_shot=args.one_shot, environ=os.environ)


COMMAND = CliCommand(
    name="ocp-tuned",
    help="run the per-node TuneD operand",
    configure=_configure,
    run=_run,
)
