"""Recovery after an API brownout: 3 minutes of 500s on ``/profiles``, then the API heals.

Starts the emulated API server with a few Nodes and ``nto operator`` as a subprocess (production
retry backoff: 0.8 s doubling to 30 s, +20% jitter), waits for it to converge, then answers 500
to every request on ``tuned.openshift.io/v1 profiles`` for ``--seconds`` (default: the real 180),
adding a Node meanwhile. Prints whether the same process survived, when the ClusterOperator went
Degraded (WatchFailing), and, after the heal, the seconds until Degraded cleared and until the
new Node's Profile was written: the time to recover.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nto.bundle.generate import disabled_by_default  # noqa: E402
from nto.plugins import build_plugin_host  # noqa: E402
from nto.testing import (  # noqa: E402
    EmulatedCluster,
    OperatorProcess,
    free_port,
    operator_command,
    wait_for,
)
from nto_api.names import CONFIG_V1, TUNED_V1  # noqa: E402
from test.e2e.conftest import project_crds  # noqa: E402

NS = "openshift-cluster-node-tuning-operator"


def node(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"node-role.kubernetes.io/worker": ""}},
    }


def degraded(cluster: EmulatedCluster) -> dict[str, Any]:
    operator = cluster.get(CONFIG_V1, "ClusterOperator", "node-tuning") or {}
    conditions = (operator.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c["type"] == "Degraded"), {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="brownout length")
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--backoff", default="", help="NTO_API_RETRY_BACKOFF (default: 0.8,30)")
    args = parser.parse_args()
    env = {
        "WATCH_NAMESPACE": NS,
        "NTO_DISABLED_PLUGINS": ",".join(disabled_by_default(build_plugin_host())),
        "RELEASE_VERSION": "bench",
    }
    if args.backoff:
        env["NTO_API_RETRY_BACKOFF"] = args.backoff
    with EmulatedCluster() as cluster:
        cluster.load_crds(project_crds())
        cluster.apply([node(f"worker-{i}") for i in range(args.nodes)])
        command = operator_command(f"--webhook-port={free_port()}")
        assert cluster.kubeconfig_path is not None
        with OperatorProcess(command, kubeconfig=cluster.kubeconfig_path, env=env) as operator:
            assert operator.process is not None
            pid = operator.process.pid
            wait_for(lambda: len(cluster.list(TUNED_V1, "Profile", NS)) == args.nodes, timeout=120)
            wait_for(lambda: degraded(cluster).get("status") == "False", timeout=60)
            fault = cluster.inject_fault(500, count=10**9, resource="profiles")
            cluster.break_watches()
            started = time.monotonic()
            cluster.apply([node("late-worker")])
            degraded_after = None
            while time.monotonic() - started < args.seconds and operator.running:
                if degraded_after is None and degraded(cluster).get("reason") == "WatchFailing":
                    degraded_after = time.monotonic() - started
                time.sleep(0.5)
            cluster.faults.clear()
            healed = time.monotonic()
            survived = operator.running and operator.process.pid == pid
            print(f"brownout: {args.seconds:.0f} s, {fault.hits} requests answered 500")
            print(f"same process survived:        {'yes' if survived else 'NO'}")
            if degraded_after is not None:
                print(f"Degraded WatchFailing after:  {degraded_after:.1f} s")
            else:
                print("Degraded WatchFailing:        never seen")
            if not survived:
                print(operator.log[-3000:])
                return 1
            wait_for(lambda: degraded(cluster).get("status") == "False", timeout=300)
            cleared = time.monotonic() - healed
            wait_for(lambda: cluster.get(TUNED_V1, "Profile", "late-worker", NS), timeout=300)
            converged = time.monotonic() - healed
            print(f"Degraded cleared after heal:  {cleared:.1f} s")
            print(f"converged after heal:         {converged:.1f} s (new Node's Profile written)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
