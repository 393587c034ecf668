"""``python -m nto.testing``: run the emulated API server standalone (for ``make demo``).

Serves until SIGINT or SIGTERM, printing the URL and the kubeconfig path; ``--crds`` installs
CRDs from files or directories first; ``--webhook-url``, ``--service-ca`` and ``--webhook-certs``
let CRD conversion and admission webhooks reach an operator running outside (see
:mod:`nto.testing._service_ca`). The server itself is :class:`nto.testing.EmulatedCluster`.
"""

from __future__ import annotations

import argparse
import logging
import pathlib
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nto.testing",
        description="Run the emulated Kubernetes API server on 127.0.0.1 until interrupted.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free port)")
    parser.add_argument(
        "--kubeconfig",
        type=pathlib.Path,
        default=pathlib.Path("kubeconfig"),
        help="where to write the kubeconfig (default: ./kubeconfig)",
    )
    parser.add_argument(
        "--crds",
        type=pathlib.Path,
        nargs="*",
        default=[],
        help="CRD files or directories to install at start",
    )
    parser.add_argument(
        "--webhook-url",
        help="base URL of a running operator's webhook server (e.g. https://127.0.0.1:4343):"
        " CRD conversion and admission webhooks of every Service are called there",
    )
    parser.add_argument(
        "--service-ca",
        type=pathlib.Path,
        help="PEM CA that signed the operator's serving certificate; written into caBundle of"
        " CRDs and webhook configurations annotated service.beta.openshift.io/inject-cabundle",
    )
    parser.add_argument(
        "--webhook-certs",
        type=pathlib.Path,
        help="write a new CA and a serving certificate (apiserver.crt/.key, ca.crt) into this"
        " directory for the operator's --webhook-cert-dir, and trust that CA (implies"
        " --service-ca DIR/ca.crt)",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, crds: Sequence[Mapping[str, Any]] = ()) -> int:
    """Serve until interrupted; ``crds`` (manifests) are installed before the ``--crds`` paths."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    missing = [str(path) for path in [*args.crds, args.service_ca] if path and not path.exists()]
    if missing:
        print(f"error: --crds paths do not exist: {', '.join(missing)}", file=sys.stderr)
        return 2
    from nto.testing import EmulatedCluster

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with EmulatedCluster(port=args.port) as cluster:
        ca = args.service_ca
        if args.webhook_certs is not None:
            from nto.testing._service_ca import issue_webhook_certs

            ca = issue_webhook_certs(args.webhook_certs)
            print(f"webhook serving certificate: {args.webhook_certs.resolve()}", flush=True)
        if ca is not None:
            cluster.inject_service_ca(ca.read_bytes())
        if args.webhook_url:
            cluster.route_all_services(args.webhook_url)
            print(f"webhooks of every Service go to {args.webhook_url}", flush=True)
        names = cluster.load_crds([*crds, *args.crds])
        path = cluster.write_kubeconfig(args.kubeconfig)
        print(f"Emulated API server at {cluster.url}", flush=True)
        print(f"kubeconfig: {path.resolve()}  (export KUBECONFIG={path.resolve()})", flush=True)
        if names:
            print(f"CRDs installed: {', '.join(names)}", flush=True)
        stop.wait()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
