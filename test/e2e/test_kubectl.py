"""The real ``kubectl`` as the client: install the bundle, run the operator, and use the cluster
as an administrator would (validation on, printer columns, explain, describe with events,
v1/v1alpha1 profiles through the conversion webhook, the three patch types, wait, foreground
deletion). The webhooks are reached as ``nto dev-cluster --webhook-certs --webhook-url`` wires
them: a service CA injected into ``caBundle`` and every Service routed to the operator."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from nto.plugins import build_plugin_host
from nto.testing import EmulatedCluster, free_port, simulate_node_agents, wait_for
from nto.testing._service_ca import issue_webhook_certs


def _kubectl_minor() -> int | None:
    """kubectl's client minor version, None when there is no kubectl."""
    if shutil.which("kubectl") is None:
        return None
    out = subprocess.run(
        ["kubectl", "version", "--client", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout
    try:
        return int(json.loads(out)["clientVersion"]["minor"].rstrip("+"))
    except (ValueError, KeyError, TypeError):
        return 0


KUBECTL_MINOR = _kubectl_minor()
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        KUBECTL_MINOR is None,
        reason="kubectl is not on PATH (hack/install-system-deps.sh installs kubernetes-client)",
    ),
    pytest.mark.skipif(
        KUBECTL_MINOR is not None and KUBECTL_MINOR < 27,
        reason=f"kubectl 1.{KUBECTL_MINOR} predates server-side field validation through"
        " /openapi/v3 (1.27); its client-side validation needs protobuf OpenAPI v2, which the"
        " emulator does not serve",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
NS = "openshift-cluster-node-tuning-operator"
PP = "performanceprofiles.performance.openshift.io"


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    return []  # kubectl installs them from bundle/


class Kubectl:
    """Runs kubectl against the cluster with its own discovery/OpenAPI cache directory."""

    def __init__(self, kubeconfig: Path, cache: Path) -> None:
        self.base = ["kubectl", f"--kubeconfig={kubeconfig}", f"--cache-dir={cache}"]

    def __call__(self, *args: str, check: bool = True, stdin: str | None = None) -> str:
        result = subprocess.run(
            [*self.base, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check:
            assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
        return result.stdout + result.stderr

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*self.base, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )


def _node(name: str, role: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/os": "linux", f"node-role.kubernetes.io/{role}": ""},
        },
        "status": {
            "conditions": [{"type": "Ready", "status": "True"}],
            "capacity": {"cpu": "8", "memory": "32Gi"},
            "nodeInfo": {"architecture": "amd64", "operatingSystem": "linux"},
        },
    }


def _pool(name: str) -> dict[str, Any]:
    roles = ["worker", name] if name != "worker" else [name]
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


def _profile(api_version: str, name: str) -> str:
    return f"""apiVersion: {api_version}
kind: PerformanceProfile
metadata:
  name: {name}
spec:
  cpu: {{reserved: "0-1", isolated: "2-7"}}
  nodeSelector: {{node-role.kubernetes.io/{name}: ""}}
"""


def _header(output: str, resource: str) -> list[str]:
    """The column names of the block of ``kubectl get`` output that lists ``resource``."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if index + 1 < len(lines) and resource in lines[index + 1] and line.startswith("NAME"):
            return line.split()
    raise AssertionError(f"no table listing {resource} in:\n{output}")


def test_kubectl_scenario(cluster: EmulatedCluster, operator_factory, tmp_path):
    plugins = build_plugin_host()  # the node agents report for the plugins' TuneD profiles
    kubectl = Kubectl(cluster.kubeconfig_path or Path(), tmp_path / "kube-cache")
    certs = tmp_path / "certs"
    cluster.inject_service_ca(issue_webhook_certs(certs).read_bytes())
    port = free_port()
    cluster.route_all_services(f"https://127.0.0.1:{port}")

    # 1. the bundle, validated (kubectl asks /openapi/v3 and sends fieldValidation=Strict)
    out = kubectl("apply", "-f", str(ROOT / "bundle"))
    assert f"customresourcedefinition.apiextensions.k8s.io/{PP} created" in out
    assert "clusteroperator.config.openshift.io/node-tuning created" in out
    bad = kubectl(
        "apply",
        "-f",
        "-",
        check=False,
        stdin=_profile("performance.openshift.io/v2", "x") + "  bogus: 1\n",
    )
    assert 'strict decoding error: unknown field "spec.bogus"' in bad

    cluster.apply([_node("worker-0", "worker"), _node("worker-cnf-0", "worker-cnf")])
    cluster.apply([_pool("worker"), _pool("worker-cnf")])
    deployment = cluster.get("apps/v1", "Deployment", "cluster-node-tuning-operator", NS)
    assert deployment is not None
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        f"--webhook-port={port}",
        f"--webhook-cert-dir={certs}",
        "--enable-leader-election=false",
        env=env,
    )
    wait_for(lambda: "webhook server listening" in operator.log, timeout=60, message="webhooks")

    # 2. wait for the ClusterOperator while the node agents report
    waiter = kubectl.popen(
        "wait", "--for=condition=Available", "clusteroperator/node-tuning", "--timeout=90s"
    )
    deadline = time.monotonic() + 100
    while waiter.poll() is None and time.monotonic() < deadline:
        simulate_node_agents(cluster, namespace=NS, plugins=plugins)
        _report_daemonset(cluster)
        time.sleep(0.5)
    output = waiter.communicate(timeout=10)[0]
    assert waiter.returncode == 0, output
    assert "clusteroperator.config.openshift.io/node-tuning condition met" in output

    # 3. printer columns, as server-side Tables
    wait_for(
        lambda: cluster.get("tuned.openshift.io/v1", "Profile", "worker-0", NS),
        timeout=30,
        message="Profile worker-0",
    )
    kubectl("apply", "-f", str(ROOT / "examples" / "performanceprofile.yaml"))
    listing = kubectl("get", "tuned,profiles,performanceprofiles", "-A", "-o", "wide")
    assert _header(listing, "tuned.openshift.io/default") == ["NAMESPACE", "NAME", "VALID", "AGE"]
    assert _header(listing, "profile.tuned.openshift.io/worker-0") == [
        "NAMESPACE",
        "NAME",
        "TUNED",
        "APPLIED",
        "DEGRADED",
        "MESSAGE",
        "AGE",
    ]
    assert _header(listing, "performanceprofile.performance.openshift.io/demo-low-latency") == [
        "NAMESPACE",
        "NAME",
        "AGE",
    ]
    nodes = kubectl("get", "nodes")
    assert nodes.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]

    # 4. explain, from /openapi/v3
    explained = kubectl("explain", "performanceprofile.spec.cpu")
    assert "KIND:       PerformanceProfile" in explained
    assert "isolated" in explained

    # 5. v1 and v1alpha1 profiles, stored as v2 through the operator's conversion webhook
    for version in ("v1", "v1alpha1"):
        name = f"pp-{version}"
        kubectl("apply", "-f", "-", stdin=_profile(f"performance.openshift.io/{version}", name))
        stored = cluster.get("performance.openshift.io/v2", "PerformanceProfile", name)
        assert stored is not None
        assert stored["apiVersion"] == "performance.openshift.io/v2"
        back = kubectl(
            "get",
            f"{PP.replace('.performance', f'.{version}.performance')}",
            name,
            "-o",
            "jsonpath={.apiVersion} {.spec.cpu.isolated}",
        )
        assert back == f"performance.openshift.io/{version} 2-7"

    # the validating webhook names v2 only; a v1 request reaches it converted (matchPolicy)
    overlapping = _profile("performance.openshift.io/v1", "pp-bad").replace('"2-7"', '"1-7"')
    denied = kubectl("apply", "-f", "-", check=False, stdin=overlapping)
    assert 'admission webhook "vwb.performance.openshift.io" denied the request' in denied
    assert "overlap" in denied

    # 6. patches: JSON merge, JSON patch, server-side apply
    kubectl(
        "patch",
        "tuned",
        "default",
        "-n",
        NS,
        "--type=merge",
        "-p",
        '{"metadata":{"labels":{"a":"1"}}}',
    )
    kubectl(
        "patch",
        "tuned",
        "default",
        "-n",
        NS,
        "--type=json",
        "-p",
        '[{"op":"add","path":"/metadata/labels/b","value":"2"}]',
    )
    labels = cluster.get("tuned.openshift.io/v1", "Tuned", "default", NS)["metadata"]["labels"]
    assert {"a": "1", "b": "2"}.items() <= labels.items()
    applied = kubectl(
        "apply",
        "--server-side",
        "-f",
        "-",
        stdin="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: default}\n"
        "data: {k: v}\n",
    )
    assert "configmap/ssa serverside-applied" in applied
    managers = kubectl(
        "get",
        "configmap",
        "ssa",
        "--show-managed-fields",
        "-o",
        "jsonpath={.metadata.managedFields[*].manager}",
    )
    assert managers == "kubectl"

    # 7. describe with the plugin's events (needs involvedObject field selectors)
    def profile_event() -> bool:
        simulate_node_agents(cluster, namespace=NS, plugins=plugins)  # plugin waits on its Tuned
        return any(
            e.get("involvedObject", {}).get("name") == "demo-low-latency"
            for e in cluster.list("v1", "Event", "default")
        )

    wait_for(
        profile_event,
        timeout=60,
        message="an Event about demo-low-latency",
    )
    described = kubectl("describe", "performanceprofile", "demo-low-latency")
    assert "Name:         demo-low-latency" in described
    assert "Creation succeeded" in described, described  # events by involvedObject selectors

    # 8. foreground deletion waits for the dependents' garbage collection
    owned = [
        mc
        for mc in cluster.list("machineconfiguration.openshift.io/v1", "MachineConfig")
        if any(
            o.get("name") == "demo-low-latency" for o in mc["metadata"].get("ownerReferences", [])
        )
    ]
    assert owned, "the profile's MachineConfig, to be collected with it"
    kubectl(
        "delete", "performanceprofile", "demo-low-latency", "--cascade=foreground", "--timeout=60s"
    )
    assert (
        cluster.get("performance.openshift.io/v2", "PerformanceProfile", "demo-low-latency") is None
    )
    assert all(
        cluster.get("machineconfiguration.openshift.io/v1", "MachineConfig", mc["metadata"]["name"])
        is None
        for mc in owned
    )


def _report_daemonset(cluster: EmulatedCluster) -> None:
    """What the DaemonSet controller would report once the operand pods run."""
    ds = cluster.get("apps/v1", "DaemonSet", "tuned", NS)
    if ds is None or ds.get("status", {}).get("numberAvailable") == 2:
        return
    ds["status"] = {
        "observedGeneration": ds["metadata"].get("generation", 1),
        **dict.fromkeys(
            (
                "desiredNumberScheduled",
                "currentNumberScheduled",
                "updatedNumberScheduled",
                "numberAvailable",
                "numberReady",
            ),
            2,
        ),
    }
    cluster.apply(ds)
