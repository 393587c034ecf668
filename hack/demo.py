"""``make demo``: an emulated cluster, the operator with its plugins, sample objects, a summary.

Steps, each shown as it happens: start the emulated API server (:mod:`nto.testing`) with the
project's CRDs, add fake nodes and MachineConfigPools, start ``nto operator`` as a subprocess,
apply the sample Tuned and PerformanceProfile (the reference's samples when
``../shared/reference`` is present, else ours from ``examples/``), wait for the operator to
react, and print tables of nodes, rendered objects, conditions and a metrics excerpt. Runs until
Ctrl-C; ``--once`` prints the summary and exits (used by the e2e suite).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from nto.bundle.generate import DISABLED_BY_DEFAULT
from nto.plugins.host import build_plugin_host
from nto.testing import EmulatedCluster, OperatorProcess, free_port, simulate_node_agents

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference"
NAMESPACE = "openshift-cluster-node-tuning-operator"

NODES = [
    (
        "master-0",
        {"node-role.kubernetes.io/master": "", "node-role.kubernetes.io/control-plane": ""},
    ),
    ("worker-0", {"node-role.kubernetes.io/worker": "", "tuned.openshift.io/hugepages": ""}),
    ("worker-1", {"node-role.kubernetes.io/worker": ""}),
    (
        "worker-cnf-0",
        {"node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/worker-cnf": ""},
    ),
]
POOLS = ["master", "worker", "worker-cnf"]


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def node(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/os": "linux", **labels}},
        "spec": {"providerID": f"demo://{name}"},
        "status": {"nodeInfo": {"operatingSystem": "linux", "architecture": "amd64"}},
    }


def pool(name: str) -> dict[str, Any]:
    roles = ["worker", name] if name == "worker-cnf" else [name]
    return {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfigPool",
        "metadata": {
            "name": name,
            "labels": {f"pools.operator.machineconfiguration.openshift.io/{name}": ""},
        },
        "spec": {
            "machineConfigSelector": {
                "matchExpressions": [
                    {
                        "key": "machineconfiguration.openshift.io/role",
                        "operator": "In",
                        "values": roles,
                    }
                ]
            },
            "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{name}": ""}},
        },
    }


def samples() -> list[dict[str, Any]]:
    """Our sample Tuned and PerformanceProfile (shared/ samples target labels we do not fake)."""
    documents: list[dict[str, Any]] = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        documents.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return documents


def scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            return str(response.read().decode())
    except OSError:
        return ""


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False))
        for row in [headers, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def condition_summary(obj: dict[str, Any]) -> str:
    conditions = obj.get("status", {}).get("conditions", [])
    return ", ".join(f"{c.get('type')}={c.get('status')}" for c in conditions) or "-"


def rendered_details(cluster: EmulatedCluster) -> list[str]:
    """A few telling fields of what the performance plugin and the core wrote."""
    mco = "machineconfiguration.openshift.io/v1"
    lines = []
    for mc in cluster.list(mco, "MachineConfig"):
        spec = mc.get("spec", {})
        files = [f["path"] for f in spec.get("config", {}).get("storage", {}).get("files", [])]
        units = [u["name"] for u in spec.get("config", {}).get("systemd", {}).get("units", [])]
        lines.append(f"  MachineConfig {mc['metadata']['name']}:")
        if spec.get("kernelArguments"):
            lines.append(f"    kernelArguments: {' '.join(spec['kernelArguments'])}")
        if spec.get("kernelType"):
            lines.append(f"    kernelType: {spec['kernelType']}")
        if files or units:
            lines.append(f"    {len(files)} files, units: {', '.join(units)}")
    for kc in cluster.list(mco, "KubeletConfig"):
        config = kc.get("spec", {}).get("kubeletConfig", {})
        keys = (
            "cpuManagerPolicy",
            "reservedSystemCPUs",
            "topologyManagerPolicy",
            "memoryManagerPolicy",
        )
        shown = ", ".join(f"{key}={config[key]}" for key in keys if key in config)
        lines.append(f"  KubeletConfig {kc['metadata']['name']}: {shown}")
    for rc in cluster.list("node.k8s.io/v1", "RuntimeClass"):
        lines.append(f"  RuntimeClass {rc['metadata']['name']}: handler {rc.get('handler')}")
    return lines or ["  (nothing rendered yet)"]


def summary(cluster: EmulatedCluster, metrics_port: int) -> str:
    profiles = {p["metadata"]["name"]: p for p in cluster.list("tuned.openshift.io/v1", "Profile")}
    rows = []
    for name, _ in NODES:
        profile = profiles.get(name, {})
        tuned = profile.get("spec", {}).get("config", {}).get("tunedProfile", "-")
        rows.append([name, tuned, condition_summary(profile) if profile else "(no Profile yet)"])
    parts = ["Nodes and their TuneD profile", table(["NODE", "TUNED PROFILE", "CONDITIONS"], rows)]
    kinds = [
        ("tuned.openshift.io/v1", "Tuned"),
        ("performance.openshift.io/v2", "PerformanceProfile"),
        ("machineconfiguration.openshift.io/v1", "MachineConfig"),
        ("machineconfiguration.openshift.io/v1", "KubeletConfig"),
        ("node.k8s.io/v1", "RuntimeClass"),
        ("config.openshift.io/v1", "ClusterOperator"),
    ]
    objects = [
        [kind, obj["metadata"].get("name", ""), condition_summary(obj)]
        for api_version, kind in kinds
        for obj in cluster.list(api_version, kind)
    ]
    parts += ["", "Objects", table(["KIND", "NAME", "CONDITIONS"], objects)]
    parts += ["", "Rendered for the PerformanceProfile", *rendered_details(cluster)]
    metrics = [
        line
        for line in scrape(metrics_port).splitlines()
        if line.startswith("nto_") and "_bucket{" not in line
    ]
    parts += ["", "Metrics (nto_*)", "\n".join(metrics[:30]) or "(metrics endpoint not answering)"]
    return "\n".join(parts)


def run(once: bool, settle: float) -> int:
    step("Starting the emulated Kubernetes API server")
    with EmulatedCluster() as cluster:
        from nto.bundle.generate import core_crds

        host = build_plugin_host(disabled=DISABLED_BY_DEFAULT)
        crds = core_crds() + [crd for _, crd in host.collect("nto_crds")]
        cluster.load_crds(crds)
        print(f"    {cluster.url}  (KUBECONFIG={cluster.kubeconfig_path})")
        step(f"Adding {len(NODES)} nodes and {len(POOLS)} MachineConfigPools")
        cluster.apply([node(name, labels) for name, labels in NODES])
        cluster.apply([pool(name) for name in POOLS])
        plugins = ", ".join(i.name for i in host.plugins() if i.enabled) or "none"
        step(f"Starting the operator (plugins: {plugins})")
        port = free_port()
        assert cluster.kubeconfig_path is not None
        command = [
            sys.executable,
            "-m",
            "nto",
            "operator",
            "--metrics-insecure",
            f"--metrics-port={port}",
        ]
        command.append("--enable-leader-election=false")
        env = {"RELEASE_VERSION": "demo", "NTO_DISABLED_PLUGINS": ",".join(DISABLED_BY_DEFAULT)}
        with OperatorProcess(command, kubeconfig=cluster.kubeconfig_path, env=env) as operator:
            deadline = time.monotonic() + 60
            while not scrape(port) and time.monotonic() < deadline and operator.running:
                print(".", end="", flush=True)
                time.sleep(0.5)
            print()
            step("Applying the sample Tuned and PerformanceProfile")
            cluster.apply(samples())
            step(f"Letting the operator reconcile for {settle:.0f} s (node agents simulated)")
            deadline = time.monotonic() + settle
            while time.monotonic() < deadline:
                simulate_node_agents(cluster, namespace=NAMESPACE)
                time.sleep(0.5)
            print()
            print(summary(cluster, port))
            print(f"\n(operator log: {operator.log_path})")
            if once:
                return 0 if operator.running else 1
            step("Running; press Ctrl-C to stop")
            try:
                signal.pause()
            except KeyboardInterrupt:
                print()
                step("Stopping")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    del signum, frame
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="print the summary and exit")
    parser.add_argument(
        "--settle", type=float, default=5.0, help="seconds to wait before the summary"
    )
    args = parser.parse_args()
    # Ctrl-C (and SIGTERM) end the demo cleanly even when started from a script
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run(args.once, args.settle)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
