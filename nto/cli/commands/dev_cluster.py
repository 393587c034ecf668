"""``nto dev-cluster``: run the emulated API server (:mod:`nto.testing`) for local work.

``--kubeconfig`` (the flag every command has) names the kubeconfig this command *writes*.
Without ``--crds`` it installs the core's CRDs and those of every enabled plugin (hook
``nto_crds``): a plugin switched off with ``--disable-plugin`` or ``NTO_DISABLED_PLUGINS``
brings none.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nto.cli.flags import UsageError
from nto.plugins.types import CliCommand
from nto_api.objects import JSONDict


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--crds",
        action="append",
        default=[],
        type=Path,
        help="CRD file or directory to load (default: the core's and the enabled plugins' CRDs)",
    )
    parser.add_argument(
        "--webhook-url",
        help="base URL of the running operator's webhook server, e.g. https://127.0.0.1:4343"
        " (start it with nto operator --webhook-port 4343 --webhook-cert-dir DIR)",
    )
    parser.add_argument(
        "--service-ca", type=Path, help="PEM CA of the operator's webhook serving certificate"
    )
    parser.add_argument(
        "--webhook-certs",
        type=Path,
        help="write a CA and serving certificate here for the operator's --webhook-cert-dir",
    )


def _run(args: argparse.Namespace) -> int:
    if not args.kubeconfig:
        raise UsageError(
            "--kubeconfig is required: the kubeconfig to write for the emulated cluster"
        )
    from nto.bundle.crds import core_crds
    from nto.testing.__main__ import main

    manifests: list[JSONDict] = []
    if not args.crds:
        manifests = core_crds() + [crd for _, crd in args.plugin_host.collect("nto_crds")]
    argv = ["--port", str(args.port), "--kubeconfig", str(args.kubeconfig), "--crds"]
    for flag, value in (
        ("--webhook-url", args.webhook_url),
        ("--service-ca", args.service_ca),
        ("--webhook-certs", args.webhook_certs),
    ):
        if value:
            argv[:0] = [flag, str(value)]
    return main([*argv, *map(str, args.crds)], crds=manifests)


COMMAND = CliCommand(
    name="dev-cluster",
    help="run an emulated Kubernetes API server on loopback (needs nto[testing])",
    configure=_configure,
    run=_run,
)
