"""``make demo``: an emulated cluster, the operator with its plugins, sample objects, a summary.

Steps, each shown as it happens: start the emulated API server (:mod:`nto.testing`) with the
project's CRDs, add fake nodes and MachineConfigPools, start ``nto operator`` as a subprocess,
apply our sample Tuned and PerformanceProfile from ``examples/``, let the operator react (node
agents simulated), then print one screen (at most 50 rows of 120 columns): ``kubectl get``
tables of the ClusterOperator, Profiles and Tuneds as the server's Tables give them (the CRDs'
printer columns), what the PerformanceProfile rendered, a short metrics table, and the
``kubectl`` commands that explore the running demo. Runs until Ctrl-C; ``--once`` prints the
summary and exits (used by the e2e suite).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from nto.bundle.generate import disabled_by_default
from nto.plugins.host import build_plugin_host
from nto.testing import (
    EmulatedCluster,
    OperatorProcess,
    free_port,
    operator_command,
    simulate_node_agents,
)
from nto_api.names import MACHINECONFIG_V1, PERFORMANCE_V2

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
        "apiVersion": MACHINECONFIG_V1,
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


WIDTH = 120  # the summary fits a 120x50 terminal
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io"


def fit(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "~"


def kubectl_get(cluster: EmulatedCluster, command: str, path: str) -> list[str]:
    """``$ kubectl get ...`` and its output, from the server's Table as kubectl prints it."""
    request = urllib.request.Request(cluster.url + path, headers={"Accept": TABLE_ACCEPT})
    with urllib.request.urlopen(request, timeout=10) as response:
        table = json.loads(response.read())
    shown = [i for i, c in enumerate(table["columnDefinitions"]) if c["priority"] == 0]
    headers = [table["columnDefinitions"][i]["name"].upper() for i in shown]
    rows = [
        ["<none>" if row["cells"][i] is None else str(row["cells"][i]) for i in shown]
        for row in table["rows"]
    ]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [
        "   ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    return [f"$ kubectl {command}", *(fit(line) for line in lines)]


def rendered_details(cluster: EmulatedCluster) -> list[str]:
    """A few telling fields of what the performance plugin wrote, one line per object."""
    lines = []
    for mc in cluster.list(MACHINECONFIG_V1, "MachineConfig"):
        spec = mc.get("spec", {})
        files = spec.get("config", {}).get("storage", {}).get("files", [])
        units = spec.get("config", {}).get("systemd", {}).get("units", [])
        facts = []
        if spec.get("kernelArguments"):
            facts.append(f"kernelArguments: {' '.join(spec['kernelArguments'])}")
        if spec.get("kernelType"):
            facts.append(f"kernelType: {spec['kernelType']}")
        if files or units:
            facts.append(f"{len(files)} files, {len(units)} units")
        lines.append(f"  MachineConfig {mc['metadata']['name']}: {'; '.join(facts)}")
    for kc in cluster.list(MACHINECONFIG_V1, "KubeletConfig"):
        config = kc.get("spec", {}).get("kubeletConfig", {})
        keys = ("cpuManagerPolicy", "reservedSystemCPUs")
        shown = ", ".join(f"{key}={config[key]}" for key in keys if key in config)
        lines.append(f"  KubeletConfig {kc['metadata']['name']}: {shown}")
    for rc in cluster.list("node.k8s.io/v1", "RuntimeClass"):
        lines.append(f"  RuntimeClass {rc['metadata']['name']}: handler {rc.get('handler')}")
    return [fit(line) for line in lines] or ["  (nothing rendered yet)"]


def rendered_heading(cluster: EmulatedCluster) -> list[str]:
    lines = []
    for profile in cluster.list(PERFORMANCE_V2, "PerformanceProfile"):
        conditions = profile.get("status", {}).get("conditions", [])
        true = [c["type"] for c in conditions if c.get("status") == "True"] or ["no condition"]
        name = profile["metadata"]["name"]
        lines.append(f"PerformanceProfile {name} ({', '.join(true)}) rendered:")
    return lines or ["No PerformanceProfile"]


def metric_rows(exposition: str) -> list[list[str]]:
    """A short METRIC/VALUE table: build info, totals summed over labels, gauges as they are."""
    samples: dict[str, list[tuple[str, float]]] = {}
    for line in exposition.splitlines():
        metric = line.split("{")[0].split(" ")[0]
        if not line.startswith("nto_") or metric.endswith(("_bucket", "_sum", "_count")):
            continue
        name_labels, _, value = line.rpartition(" ")
        name, _, labels = name_labels.partition("{")
        samples.setdefault(name, []).append((labels.rstrip("}"), float(value)))
    rows = []
    for name, values in samples.items():
        if name == "nto_build_info":
            rows.append([f"{name}{{version}}", "".join(re.findall(r'="([^"]*)"', values[0][0]))])
        elif name.endswith(("_total", "_count")):
            label = f"{name} (sum of {len(values)})" if len(values) > 1 else name
            rows.append([label, f"{sum(v for _, v in values):g}"])
        elif len(values) == 1:
            rows.append([name, f"{values[0][1]:g}"])
        else:
            true = ["/".join(re.findall(r'="([^"]*)"', labels)) for labels, v in values if v]
            rows.append([f"{name} (non-zero)", ", ".join(true) or "none"])
    return rows


def summary(cluster: EmulatedCluster, metrics_port: int) -> list[str]:
    ns = f"-n {NAMESPACE}"
    co = "/apis/config.openshift.io/v1/clusteroperators"
    tuned = f"/apis/tuned.openshift.io/v1/namespaces/{NAMESPACE}"
    parts = [
        *kubectl_get(cluster, "get clusteroperator node-tuning", f"{co}/node-tuning"),
        "",
        *kubectl_get(cluster, f"get profiles {ns}", f"{tuned}/profiles"),
        "",
        *kubectl_get(cluster, f"get tuned {ns}", f"{tuned}/tuneds"),
        "",
        *rendered_heading(cluster),
        *rendered_details(cluster),
        "",
    ]
    metrics = metric_rows(scrape(metrics_port))
    if metrics:
        widths = [max(len(row[0]) for row in metrics), 0]
        parts.append(f"{'METRIC (/metrics)'.ljust(widths[0])}   VALUE")
        parts += [fit(f"{name.ljust(widths[0])}   {value}") for name, value in metrics]
    else:
        parts.append("(metrics endpoint not answering)")
    return parts


def explore(cluster: EmulatedCluster, metrics_port: int, log: object) -> list[str]:
    return [
        "Explore from another terminal while the demo runs:",
        f"  export KUBECONFIG={cluster.kubeconfig_path}",
        "  kubectl get tuned,profiles,performanceprofiles -A -o wide",
        "  kubectl explain performanceprofile.spec.cpu",
        "  kubectl get machineconfig 50-performance-demo-low-latency -o yaml",
        f"  curl -s http://127.0.0.1:{metrics_port}/metrics | grep ^nto_",
        f"Operator log: {log}",
    ]


def run(once: bool, settle: float) -> int:
    print("==> Starting the emulated Kubernetes API server", end="", flush=True)
    with EmulatedCluster() as cluster:
        from nto.bundle.generate import core_crds

        disabled = disabled_by_default(build_plugin_host())
        host = build_plugin_host(disabled=disabled)
        crds = core_crds() + [crd for _, crd in host.collect("nto_crds")]
        cluster.load_crds(crds)
        print(f" at {cluster.url}", flush=True)
        step(f"Adding {len(NODES)} nodes and {len(POOLS)} MachineConfigPools")
        cluster.apply([node(name, labels) for name, labels in NODES])
        cluster.apply([pool(name) for name in POOLS])
        plugins = ", ".join(i.name for i in host.plugins() if i.enabled) or "none"
        print(f"==> Starting the operator (plugins: {plugins}) ", end="", flush=True)
        port = free_port()
        assert cluster.kubeconfig_path is not None
        command = operator_command(metrics_port=port)
        env = {"RELEASE_VERSION": "demo", "NTO_DISABLED_PLUGINS": ",".join(disabled)}
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
                simulate_node_agents(cluster, namespace=NAMESPACE, plugins=host)
                time.sleep(0.5)
            print()
            print("\n".join(summary(cluster, port)))
            print()
            print("\n".join(fit(line) for line in explore(cluster, port, operator.log_path)))
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
