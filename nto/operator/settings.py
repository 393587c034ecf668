"""Operator settings from the reference's environment variables and flags.

Invalid values fall back to the default with a warning, like the reference (``RESYNC_PERIOD``).
Neighbours: :mod:`nto.cli.commands.operator` (flags), :mod:`nto.operator.runtime` (consumer).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # keeps aiohttp off the import path of short CLI commands
    from nto.operator.leader import LeaseTimings
    from nto.runtime.topology import Topology

logger = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "openshift-cluster-node-tuning-operator"
DEFAULT_TUNED_IMAGE = "registry.svc.ci.openshift.org/openshift/origin-v4.0:cluster-node-tuned"
DEFAULT_RESYNC_SECONDS = 600
WEBHOOK_PORT = 4343
WEBHOOK_CERT_DIR = Path("/apiserver.local.config/certificates")
METRICS_PORT = 60000
METRICS_CERT_DIR = Path("/etc/secrets")
DEFAULT_API_RETRY_BACKOFF = (0.8, 30.0)
HYPERSHIFT_METRICS_CLIENT_CA = Path("/tmp/metrics-client-ca/ca.crt")
"""Where the HyperShift operator reads the metrics client CA (mounted by the HyperShift
operator); ``NTO_METRICS_CLIENT_CA_FILE`` or ``--metrics-client-ca-file`` move it (tests)."""


@dataclass(frozen=True)
class OperatorSettings:
    """Everything the operator reads from its environment, resolved once at start."""

    namespace: str = DEFAULT_NAMESPACE
    operator_namespace: str = DEFAULT_NAMESPACE
    release_version: str = ""
    resync_period: int = DEFAULT_RESYNC_SECONDS
    tuned_image: str = DEFAULT_TUNED_IMAGE
    pod_name: str = ""
    hypershift: bool = False
    management_kubeconfig: str | None = None
    """HyperShift: a kubeconfig for the management cluster instead of the in-cluster config
    (``--management-kubeconfig`` / ``NTO_MANAGEMENT_KUBECONFIG``; tests and local runs)."""
    metrics_client_ca_file: Path = HYPERSHIFT_METRICS_CLIENT_CA
    """HyperShift: the metrics client CA file (re-read when it changes)."""
    leader_election: bool = True
    webhook_port: int = WEBHOOK_PORT
    webhook_cert_dir: Path = WEBHOOK_CERT_DIR
    metrics_port: int = METRICS_PORT
    metrics_cert_dir: Path = METRICS_CERT_DIR
    metrics_insecure: bool = False
    lease_timings: LeaseTimings | None = None
    """Leader-election timings; ``None`` picks the reference's by cluster topology."""
    api_retry_backoff: tuple[float, float] = DEFAULT_API_RETRY_BACKOFF
    """First and longest delay (s) between retries of a failing API request (watches included);
    ``NTO_API_RETRY_BACKOFF=FIRST,MAX`` shortens them in tests."""

    def topology(self) -> Topology:
        """Classic, or HyperShift with the ConfigMaps in ``operator_namespace`` (MY_NAMESPACE)."""
        from nto.runtime.topology import Topology

        if not self.hypershift:
            return Topology()
        return Topology.hypershift_in(self.operator_namespace)

    def identity(self) -> str:
        """This replica's leader-election identity: the pod name, else host name and pid."""
        return self.pod_name or f"{socket.gethostname()}_{os.getpid()}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> OperatorSettings:
        """Read the reference's environment variables, then apply flag overrides."""
        namespace = environ.get("WATCH_NAMESPACE") or DEFAULT_NAMESPACE
        settings = cls(
            namespace=namespace,
            operator_namespace=environ.get("MY_NAMESPACE") or namespace,
            release_version=environ.get("RELEASE_VERSION", ""),
            resync_period=_positive_int(environ, "RESYNC_PERIOD", DEFAULT_RESYNC_SECONDS),
            tuned_image=environ.get("CLUSTER_NODE_TUNED_IMAGE") or DEFAULT_TUNED_IMAGE,
            pod_name=environ.get("POD_NAME", ""),
            hypershift=environ.get("HYPERSHIFT", "").lower() == "true",
            management_kubeconfig=environ.get("NTO_MANAGEMENT_KUBECONFIG") or None,
            metrics_client_ca_file=Path(
                environ.get("NTO_METRICS_CLIENT_CA_FILE") or HYPERSHIFT_METRICS_CLIENT_CA
            ),
            api_retry_backoff=_backoff(environ, "NTO_API_RETRY_BACKOFF"),
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        logger.warning("%s=%r is not a positive number of seconds; using %d", name, raw, default)
        return default
    return value


def _backoff(environ: Mapping[str, str], name: str) -> tuple[float, float]:
    raw = environ.get(name)
    if not raw:
        return DEFAULT_API_RETRY_BACKOFF
    try:
        first, longest = (float(part) for part in raw.split(","))
    except ValueError:
        first = longest = 0.0
    if not 0 < first <= longest:
        logger.warning(
            "%s=%r is not FIRST,MAX seconds with 0 < FIRST <= MAX; using %s",
            name,
            raw,
            ",".join(f"{value:g}" for value in DEFAULT_API_RETRY_BACKOFF),
        )
        return DEFAULT_API_RETRY_BACKOFF
    return first, longest
