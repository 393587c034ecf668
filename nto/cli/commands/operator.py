"""``nto operator`` (the default command): run the Node Tuning Operator.

A start-up failure (no kubeconfig, say) exits 1, like the reference's ``GetConfigOrDie``; the
other commands exit 255 (:mod:`nto.cli.main`).
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from nto.cli.flags import BoolFlag
from nto.operator.settings import METRICS_CERT_DIR, METRICS_PORT, WEBHOOK_CERT_DIR, WEBHOOK_PORT
from nto.plugins.types import CliCommand

logger = logging.getLogger(__name__)

TRACEBACK_VERBOSITY = 4


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--enable-leader-election",
        action=BoolFlag,
        default=True,
        help="elect a leader with Lease node-tuning-operator-lock (default true)",
    )
    parser.add_argument(
        "--leader-elect-timings",
        type=_timings,
        default=None,
        metavar="LEASE,RENEW,RETRY",
        help="leader-election seconds (default: the reference's, by cluster topology)",
    )
    parser.add_argument("--webhook-port", type=int, default=WEBHOOK_PORT)
    parser.add_argument("--webhook-cert-dir", type=Path, default=WEBHOOK_CERT_DIR)
    parser.add_argument("--metrics-port", type=int, default=METRICS_PORT)
    parser.add_argument("--metrics-cert-dir", type=Path, default=METRICS_CERT_DIR)
    parser.add_argument(
        "--metrics-insecure",
        action=BoolFlag,
        default=False,
        help="serve /metrics over plain HTTP without client auth (development only)",
    )
    parser.add_argument(
        "--management-kubeconfig",
        default=None,
        metavar="PATH",
        help="HYPERSHIFT=true: the management cluster's kubeconfig instead of the in-cluster "
        "config (env NTO_MANAGEMENT_KUBECONFIG; tests and local runs)",
    )
    parser.add_argument(
        "--metrics-client-ca-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="HYPERSHIFT=true: the metrics client CA file (default "
        "/tmp/metrics-client-ca/ca.crt; env NTO_METRICS_CLIENT_CA_FILE)",
    )


def _timings(text: str) -> tuple[float, float, float]:
    """``LEASE,RENEW,RETRY`` seconds, each positive, renew shorter than the lease."""
    try:
        lease, renew, retry = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid timings {text!r}; use three numbers LEASE,RENEW,RETRY like 137,107,26"
        ) from None
    if not 0 < retry < renew < lease:
        raise argparse.ArgumentTypeError(f"timings {text!r} must satisfy 0 < RETRY < RENEW < LEASE")
    return lease, renew, retry


def _run(args: argparse.Namespace) -> int:
    from nto.kube.config import load_connection
    from nto.operator.leader import LeaseTimings
    from nto.operator.runtime import run_operator
    from nto.operator.settings import OperatorSettings

    timings = LeaseTimings(*args.leader_elect_timings) if args.leader_elect_timings else None
    settings = OperatorSettings.from_env(
        os.environ,
        leader_election=args.enable_leader_election,
        webhook_port=args.webhook_port,
        webhook_cert_dir=args.webhook_cert_dir,
        metrics_port=args.metrics_port,
        metrics_cert_dir=args.metrics_cert_dir,
        metrics_insecure=args.metrics_insecure,
        lease_timings=timings,
        management_kubeconfig=args.management_kubeconfig,
        metrics_client_ca_file=args.metrics_client_ca_file,
    )
    try:
        load_connection()  # like GetConfigOrDie: no cluster configuration, no start
        return run_operator(settings, args.plugin_host)
    except Exception as exc:  # the reference exits 1 when the manager cannot start
        logger.error("operator: %s", exc, exc_info=args.verbosity >= TRACEBACK_VERBOSITY)
        return 1


COMMAND = CliCommand(
    name="operator",
    help="run the Node Tuning Operator (the default command)",
    configure=_configure,
    run=_run,
)
