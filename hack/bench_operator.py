"""Operator at scale on the emulated cluster: time to tune N nodes, then idle memory.

Starts the emulated API server with N Nodes, runs ``nto operator`` (all installed plugins) as a
subprocess, and prints: seconds until every node has its Profile, the operator's resident
memory once idle (VmRSS and VmHWM from /proc), and the time for one node's label change to
reach only that node's Profile. Targets (issue 4): idle RSS under 120 MiB with 500 nodes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nto.testing import EmulatedCluster, OperatorProcess, operator_command, wait_for  # noqa: E402
from nto_api.names import TUNED_V1  # noqa: E402
from test.e2e.conftest import project_crds  # noqa: E402

NS = "openshift-cluster-node-tuning-operator"


def rss_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            fields[key] = int(value.split()[0])
    return fields


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    args = parser.parse_args()
    with EmulatedCluster() as cluster:
        cluster.load_crds(project_crds())
        nodes = [
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": f"worker-{i}",
                    "labels": {"node-role.kubernetes.io/worker": ""},
                },
            }
            for i in range(args.nodes)
        ]
        cluster.apply(nodes)
        command = operator_command()
        assert cluster.kubeconfig_path is not None
        with OperatorProcess(
            command, kubeconfig=cluster.kubeconfig_path, env={"RELEASE_VERSION": "bench"}
        ) as operator:
            started = time.perf_counter()
            wait_for(
                lambda: len(cluster.list(TUNED_V1, "Profile", NS)) == args.nodes,
                timeout=300,
                interval=0.2,
            )
            tuned_in = time.perf_counter() - started
            time.sleep(5)
            assert operator.process is not None
            memory = rss_kib(operator.process.pid)
            before = {
                p["metadata"]["name"]: p["metadata"]["resourceVersion"]
                for p in cluster.list(TUNED_V1, "Profile", NS)
            }
            node = cluster.get("v1", "Node", "worker-0")
            node["metadata"]["labels"]["tuned.openshift.io/hugepages"] = ""
            cluster.apply(
                {
                    "apiVersion": TUNED_V1,
                    "kind": "Tuned",
                    "metadata": {"name": "bench", "namespace": NS},
                    "spec": {
                        "profile": [{"name": "bench", "data": "[main]\n"}],
                        "recommend": [
                            {"profile": "bench", "priority": 20, "match": [{"label": "bench"}]}
                        ],
                    },
                }
            )
            time.sleep(3)
            before = {
                p["metadata"]["name"]: p["metadata"]["resourceVersion"]
                for p in cluster.list(TUNED_V1, "Profile", NS)
            }
            node = cluster.get("v1", "Node", "worker-0")
            node["metadata"]["labels"]["bench"] = ""
            cluster.apply(node)
            started = time.perf_counter()
            wait_for(
                lambda: (
                    cluster.get(TUNED_V1, "Profile", "worker-0", NS)["spec"]["config"][
                        "tunedProfile"
                    ]
                    == "bench"
                ),
                timeout=60,
                interval=0.01,
            )
            one_node = time.perf_counter() - started
            time.sleep(1)
            after = {
                p["metadata"]["name"]: p["metadata"]["resourceVersion"]
                for p in cluster.list(TUNED_V1, "Profile", NS)
            }
            changed = sorted(name for name in after if after[name] != before.get(name))
    print(f"nodes: {args.nodes}")
    print(f"all Profiles written in: {tuned_in:.2f} s (from operator process start)")
    rss, peak = memory["VmRSS"] / 1024, memory["VmHWM"] / 1024
    print(f"idle RSS: {rss:.1f} MiB (peak {peak:.1f} MiB; target < 120 MiB)")
    print(f"one node's label change -> its Profile: {one_node * 1000:.0f} ms")
    print(f"Profiles rewritten by that change: {changed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
