"""The operator's start-up: from process start to its readiness probe answering 200.

Starts the emulated cluster (`nto.testing`) with the project's CRDs, issues a serving certificate
(as the service CA would), and runs ``nto operator`` (all installed plugins, no leader election)
``NTO_BENCH_RUNS`` times (default 5). Each run polls what the Deployment's readiness probe polls,
``GET https://127.0.0.1:<webhook port>/healthz`` (see `nto.bundle.operator_deployment`), every
10 ms and records the time from ``Popen`` to the first 200; the median is printed with min and
max. Prints numbers; never fails on them.
"""

from __future__ import annotations

import os
import ssl
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nto.testing import (  # noqa: E402
    EmulatedCluster,
    OperatorProcess,
    free_port,
    operator_command,
)
from nto.testing._service_ca import issue_webhook_certs  # noqa: E402
from test.e2e.conftest import project_crds  # noqa: E402

RUNS = int(os.environ.get("NTO_BENCH_RUNS", "5"))
TIMEOUT = 120.0


def ready(port: int, context: ssl.SSLContext) -> bool:
    """What the readiness probe sees: a 200 from /healthz."""
    try:
        with urllib.request.urlopen(
            f"https://127.0.0.1:{port}/healthz", context=context, timeout=2
        ) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def one_run(kubeconfig: str, certs: Path, context: ssl.SSLContext) -> float:
    port = free_port()
    command = operator_command(f"--webhook-port={port}", f"--webhook-cert-dir={certs}")
    with OperatorProcess(
        command, kubeconfig=kubeconfig, env={"RELEASE_VERSION": "bench"}
    ) as operator:
        started = time.perf_counter()
        while not ready(port, context):
            if not operator.running:
                raise SystemExit(f"the operator exited before it was ready:\n{operator.log}")
            if time.perf_counter() - started > TIMEOUT:
                raise SystemExit(f"not ready within {TIMEOUT} s:\n{operator.log[-2000:]}")
            time.sleep(0.01)
        return time.perf_counter() - started


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="nto-bench-ready-") as scratch:
        certs = Path(scratch) / "certs"
        ca = issue_webhook_certs(certs)
        context = ssl.create_default_context(cafile=str(ca))
        with EmulatedCluster() as cluster:
            cluster.load_crds(project_crds())
            assert cluster.kubeconfig_path is not None
            times = [one_run(cluster.kubeconfig_path, certs, context) for _ in range(RUNS)]
    median = statistics.median(times)
    print(
        f"operator start -> readiness (/healthz 200), median of {RUNS}: {median * 1000:.0f} ms "
        f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
