"""``nto dev-cluster``: run the emulated API server (:mod:`nto.testing`) for local work.

``--kubeconfig`` (the flag every command has) names the kubeconfig this command *writes*.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nto.cli.flags import UsageError
from nto.plugins.types import CliCommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--crds",
        action="append",
        default=[],
        type=Path,
        help="CRD file or directory to load (default: the project's CRDs)",
    )


def _run(args: argparse.Namespace) -> int:
    if not args.kubeconfig:
        raise UsageError(
            "--kubeconfig is required: the kubeconfig to write for the emulated cluster"
        )
    from importlib import resources

    from nto.testing.__main__ import main

    crds = list(args.crds) or [Path(str(resources.files("nto_api.crds")))]
    argv = ["--port", str(args.port), "--kubeconfig", str(args.kubeconfig), "--crds"]
    return main([*argv, *map(str, crds)])


COMMAND = CliCommand(
    name="dev-cluster",
    help="run an emulated Kubernetes API server on loopback (needs nto[testing])",
    configure=_configure,
    run=_run,
)
