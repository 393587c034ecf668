"""``nto bundle``: write the CVO manifests (namespace, CRDs, RBAC, operator, ...)."""

from __future__ import annotations

import argparse
from pathlib import Path

from nto.plugins.types import CliCommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-dir", type=Path, default=Path("bundle"))
    parser.add_argument(
        "--check", action="store_true", help="compare with the directory instead of writing"
    )


def _run(args: argparse.Namespace) -> int:
    from nto.bundle.generate import run

    return run(args.plugin_host, output_dir=args.output_dir, check=args.check)


COMMAND = CliCommand(
    name="bundle",
    help="generate the CVO manifests into a directory",
    configure=_configure,
    run=_run,
)
