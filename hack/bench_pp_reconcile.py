"""PerformanceProfile controller at scale: 100 new profiles on the emulated cluster.

Starts the emulated API server with one MachineConfigPool and one Node per profile, runs
``nto operator`` as a subprocess, creates every profile at once and prints the seconds until
all their Tuneds exist and until all profiles are Available (MachineConfig, KubeletConfig and
RuntimeClass written after the pool signal). The operand does not run: a loop plays the nodes
by copying each TuneD Profile's bootcmdline-deps annotation onto its Node. Target (issue 7):
100 profiles Available in under 30 s.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nto.testing import EmulatedCluster, OperatorProcess, operator_command, wait_for  # noqa: E402
from nto_api.names import MACHINECONFIG_V1, PERFORMANCE_V2, TUNED_V1  # noqa: E402
from nto_api.objects import annotations_of  # noqa: E402
from test.e2e.conftest import project_crds  # noqa: E402

NS = "openshift-cluster-node-tuning-operator"
DEPS = "tuned.openshift.io/bootcmdline-deps"
ROLE = "machineconfiguration.openshift.io/role"


def world(index: int) -> list[dict[str, Any]]:
    role = f"cnf-{index}"
    label = f"node-role.kubernetes.io/{role}"
    return [
        {
            "apiVersion": MACHINECONFIG_V1,
            "kind": "MachineConfigPool",
            "metadata": {"name": role, "labels": {ROLE: role}},
            "spec": {
                "machineConfigSelector": {"matchLabels": {ROLE: role}},
                "nodeSelector": {"matchLabels": {label: ""}},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": f"node-{index}",
                "labels": {"kubernetes.io/os": "linux", label: ""},
            },
        },
    ]


def profile(index: int) -> dict[str, Any]:
    return {
        "apiVersion": PERFORMANCE_V2,
        "kind": "PerformanceProfile",
        "metadata": {"name": f"pp-{index}"},
        "spec": {
            "cpu": {"reserved": "0-1", "isolated": "2-7"},
            "nodeSelector": {f"node-role.kubernetes.io/cnf-{index}": ""},
        },
    }


def play_nodes(cluster: EmulatedCluster, stop: threading.Event) -> None:
    """Copy each Profile's deps onto its Node, as the operand would."""
    while not stop.is_set():
        nodes = {n["metadata"]["name"]: n for n in cluster.list("v1", "Node")}
        for found in cluster.list(TUNED_V1, "Profile", NS):
            deps = annotations_of(found).get(DEPS)
            node = nodes.get(found["metadata"]["name"])
            if not deps or node is None or "openshift-node-performance" not in deps:
                continue
            annotations = node["metadata"].setdefault("annotations", {})
            if annotations.get(DEPS) != deps:
                annotations[DEPS] = deps
                annotations["tuned.openshift.io/bootcmdline"] = "nohz=on"
                cluster.apply(node)
        stop.wait(0.1)


def available(cluster: EmulatedCluster, count: int) -> bool:
    done = 0
    for found in cluster.list(PERFORMANCE_V2, "PerformanceProfile"):
        conditions = (found.get("status") or {}).get("conditions") or []
        done += any(c["type"] == "Available" and c["status"] == "True" for c in conditions)
    return done == count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--log", default=None, help="write the operator log here")
    args = parser.parse_args()
    count = args.profiles
    with EmulatedCluster() as cluster:
        cluster.load_crds(project_crds())
        cluster.apply([obj for i in range(count) for obj in world(i)])
        command = operator_command()
        assert cluster.kubeconfig_path is not None
        stop = threading.Event()
        player = threading.Thread(target=play_nodes, args=(cluster, stop), daemon=True)
        with OperatorProcess(
            command,
            kubeconfig=cluster.kubeconfig_path,
            env={"RELEASE_VERSION": "bench", "RESYNC_PERIOD": "3600"},
            log_path=args.log,
        ):
            wait_for(
                lambda: len(cluster.list(TUNED_V1, "Profile", NS)) == count,
                timeout=120,
                interval=0.2,
            )
            player.start()
            started = time.perf_counter()
            cluster.apply([profile(i) for i in range(count)])
            created = time.perf_counter() - started
            wait_for(
                lambda: (
                    sum(
                        t["metadata"]["name"].startswith("openshift-node-performance-")
                        for t in cluster.list(TUNED_V1, "Tuned", NS)
                    )
                    == count
                ),
                timeout=300,
                interval=0.2,
            )
            tuneds = time.perf_counter() - started
            wait_for(lambda: available(cluster, count), timeout=300, interval=0.2)
            total = time.perf_counter() - started
            stop.set()
        kinds = {
            "MachineConfig": len(
                [
                    m
                    for m in cluster.list(MACHINECONFIG_V1, "MachineConfig")
                    if "performance" in m["metadata"]["name"]
                ]
            ),
            "KubeletConfig": len(cluster.list(MACHINECONFIG_V1, "KubeletConfig")),
            "RuntimeClass": len(cluster.list("node.k8s.io/v1", "RuntimeClass")),
        }
    print(f"profiles: {count} (one pool and one node each)")
    print(f"  created in the API:      {created:6.2f} s")
    print(f"  all Tuneds written:      {tuneds:6.2f} s")
    print(f"  all Available:           {total:6.2f} s  (target < 30 s)")
    print("  objects: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    return 0 if total < 30 and all(v == count for v in kinds.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
