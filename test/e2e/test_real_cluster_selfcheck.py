"""Run the real-cluster scenarios against an emulated cluster with the operator, so they are
proven to work here too (their own module skips unless NTO_E2E_KUBECONFIG is set)."""

from __future__ import annotations

import base64
import copy
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import trustme

from nto.testing import free_port, simulate_node_agents, wait_for

from .conftest import REAL_CLUSTER, project_crds

pytestmark = pytest.mark.e2e

HERE = Path(__file__).resolve().parent
NAMESPACE = "openshift-cluster-node-tuning-operator"
SERVICE = "performance-addon-operator-service"


@pytest.fixture
def emulated_cluster_crds() -> list:
    return []


@pytest.mark.skipif(bool(REAL_CLUSTER), reason="the real-cluster scenarios run directly")
def test_real_cluster_scenarios_pass_on_the_emulated_cluster(cluster, operator_factory, tmp_path):
    from nto_performance.webhooks.manifests import validating_webhook_configuration

    ca = trustme.CA()
    bundle = base64.b64encode(ca.cert_pem.bytes()).decode()
    crds = copy.deepcopy(project_crds())
    for crd in crds:
        webhook = (crd["spec"].get("conversion") or {}).get("webhook")
        if webhook:
            webhook["clientConfig"]["caBundle"] = bundle
    cluster.load_crds(crds)
    certs = tmp_path / "certs"
    certs.mkdir()
    cert = ca.issue_cert("127.0.0.1", f"{SERVICE}.{NAMESPACE}.svc")
    cert.cert_chain_pems[0].write_to_path(str(certs / "apiserver.crt"))
    cert.private_key_pem.write_to_path(str(certs / "apiserver.key"))
    port = free_port()
    cluster.route_service(NAMESPACE, SERVICE, 443, "127.0.0.1", port)
    cluster.apply(validating_webhook_configuration(bundle))
    cluster.apply(
        [
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": f"worker-{i}",
                    "labels": {"node-role.kubernetes.io/worker": ""},
                },
            }
            for i in range(2)
        ]
    )
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        f"--webhook-port={port}",
        f"--webhook-cert-dir={certs}",
        "--enable-leader-election=false",
    )
    wait_for(lambda: "webhook server listening" in operator.log, timeout=60, message="webhooks up")

    stop = threading.Event()

    def agents() -> None:
        while not stop.is_set():
            simulate_node_agents(cluster)
            stop.wait(0.3)

    thread = threading.Thread(target=agents, daemon=True)
    thread.start()
    try:
        env = {**os.environ, "NTO_E2E_KUBECONFIG": str(cluster.kubeconfig_path)}
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                str(HERE / "test_real_cluster.py"),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
    finally:
        stop.set()
        thread.join(timeout=5)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout, result.stdout[-2000:]
