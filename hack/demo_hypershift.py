"""``make demo-hypershift``: the operator between a management and a hosted cluster, on one screen.

Two emulated API servers (:mod:`nto.testing`): the **management** cluster holds the hosted
control plane's namespace with a NodePool's Tuned ConfigMap; the **hosted** cluster holds the
nodes of two NodePools. ``nto operator`` runs with ``HYPERSHIFT=true`` against both (hosted:
``KUBECONFIG``; management: ``NTO_MANAGEMENT_KUBECONFIG``). The screen shows the flow: the
ConfigMap's Tuned mirrored into the hosted cluster under its hashed name, the Profiles per
NodePool, the ``nto-mc-<nodepool>`` ConfigMap with the kernel arguments; then the NodePool
drops its ConfigMap and everything it caused is pruned. ``--once`` prints and exits (the e2e
suite runs it); otherwise it keeps running for ``kubectl`` until Ctrl-C. See docs/hypershift.md.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo import fit, kubectl_get, scrape, step

from nto.bundle.generate import core_crds
from nto.testing import (
    EmulatedCluster,
    OperatorProcess,
    free_port,
    operator_command,
    simulate_node_agents,
)

NAMESPACE = "openshift-cluster-node-tuning-operator"
HCP = "clusters-demo"
NODE_POOL = "hypershift.openshift.io/nodePool"
NODES = [("demo-a-0", "workers-a"), ("demo-a-1", "workers-a"), ("demo-b-0", "workers-b")]
TUNING = """\
apiVersion: tuned.openshift.io/v1
kind: Tuned
metadata:
  name: hugepages
spec:
  profile:
  - name: openshift-node-hugepages
    data: |
      [main]
      summary=Boot time configuration for hugepages
      include=openshift-node
      [bootloader]
      cmdline_openshift_node_hugepages=hugepagesz=2M hugepages=50
  recommend:
  - priority: 20
    profile: openshift-node-hugepages
"""


def node(name: str, pool: str) -> dict[str, Any]:
    labels = {"kubernetes.io/os": "linux", "node-role.kubernetes.io/worker": "", NODE_POOL: pool}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": {"providerID": f"demo://{name}"},
    }


def tuned_config_map() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "tuned-hugepages",
            "namespace": HCP,
            "labels": {"hypershift.openshift.io/tuned-config": "true"},
            "annotations": {NODE_POOL: "clusters/workers-a"},
        },
        "data": {"tuning": TUNING},
    }


def management_lines(management: EmulatedCluster) -> list[str]:
    lines = [f"Management cluster, namespace {HCP} (ConfigMaps):"]
    for cm in management.list("v1", "ConfigMap", HCP):
        meta = cm["metadata"]
        labels = meta.get("labels") or {}
        if "hypershift.openshift.io/tuned-config" in labels:
            pool = (meta.get("annotations") or {}).get(NODE_POOL)
            lines.append(f"  {meta['name']}: Tuned manifests for NodePool {pool}")
        elif "hypershift.openshift.io/nto-generated-machine-config" in labels:
            mc = yaml.safe_load(cm["data"]["config"])
            args = " ".join(mc["spec"].get("kernelArguments") or [])
            lines.append(
                f"  {meta['name']}: MachineConfig {mc['metadata']['name']} for NodePool "
                f"{labels.get(NODE_POOL)}, kernelArguments: {args}"
            )
    return [fit(line) for line in lines]


def hosted_lines(hosted: EmulatedCluster) -> list[str]:
    tuned = f"/apis/tuned.openshift.io/v1/namespaces/{NAMESPACE}"
    co = "/apis/config.openshift.io/v1/clusteroperators/node-tuning"
    ns = f"-n {NAMESPACE}"
    return [
        "Hosted cluster:",
        *kubectl_get(hosted, "get clusteroperator node-tuning", co),
        *kubectl_get(hosted, f"get tuned {ns}", f"{tuned}/tuneds"),
        *kubectl_get(hosted, f"get profiles {ns}", f"{tuned}/profiles"),
    ]


def settle(hosted: EmulatedCluster, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        simulate_node_agents(hosted, namespace=NAMESPACE, bootloader=True)
        time.sleep(0.5)


def run(once: bool, seconds: float) -> int:
    step("Starting two emulated API servers: management and hosted")
    with EmulatedCluster() as management, EmulatedCluster() as hosted:
        hosted.load_crds(core_crds())
        management.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": HCP}})
        hosted.apply([node(name, pool) for name, pool in NODES])
        step("NodePool workers-a references ConfigMap tuned-hugepages (Tuned with kernel args)")
        management.apply(tuned_config_map())
        assert hosted.kubeconfig_path is not None
        assert management.kubeconfig_path is not None
        port = free_port()
        env = {
            "HYPERSHIFT": "true",
            "MY_NAMESPACE": HCP,
            "NTO_MANAGEMENT_KUBECONFIG": str(management.kubeconfig_path),
            "NTO_DISABLED_PLUGINS": "performance,example",
            "RELEASE_VERSION": "demo",
        }
        command = operator_command(metrics_port=port)
        with OperatorProcess(command, kubeconfig=hosted.kubeconfig_path, env=env) as operator:
            step("Starting the operator with HYPERSHIFT=true; reconciling (node agents simulated)")
            deadline = time.monotonic() + 60
            while not scrape(port) and time.monotonic() < deadline and operator.running:
                time.sleep(0.5)
            settle(hosted, seconds)
            print("\n".join([*management_lines(management), "", *hosted_lines(hosted)]))
            step("NodePool workers-a drops its ConfigMap: its Tuned and nto-mc-workers-a go")
            management.delete("v1", "ConfigMap", "tuned-hugepages", HCP)
            settle(hosted, seconds)
            names = [t["metadata"]["name"] for t in hosted.list("tuned.openshift.io/v1", "Tuned")]
            left = [c["metadata"]["name"] for c in management.list("v1", "ConfigMap", HCP)]
            print(f"Hosted Tuneds: {', '.join(names)}; management ConfigMaps: {left or 'none'}")
            print(f"Operator log: {operator.log_path}")
            if once:
                return 0 if operator.running else 1
            print(f"export KUBECONFIG={hosted.kubeconfig_path}  # the hosted cluster")
            step("Running; press Ctrl-C to stop")
            try:
                signal.pause()
            except KeyboardInterrupt:
                step("Stopping")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="print the flow and exit")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds per reconcile wait")
    args = parser.parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run(args.once, args.settle)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
