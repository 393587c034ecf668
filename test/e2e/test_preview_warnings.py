"""``kubectl apply`` of a changed PerformanceProfile prints what the change does to the nodes.

The operator's validating webhook answers with admission warnings and the emulated API server
passes them on as ``Warning`` headers, which the real kubectl (``/usr/bin/kubectl``) prints as
``Warning: ...`` lines: a CPU split change reboots the pool (kernel arguments change), an IRQ
load-balancing change only reloads TuneD, and a KubeletConfig-only change restarts the kubelet
when the cluster's MachineConfiguration node disruption policy says so. A Tuned whose kernel
arguments change prints the reboot of the pool it binds to through machineConfigLabels. The
operator runs as a follower (another replica holds the Lease) so only its webhooks act.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .test_performance_webhooks import (  # noqa: F401 - fixtures
    ca,
    ca_bundle,
    emulated_cluster_crds,
    follower_with_webhooks,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.access(shutil.which("kubectl") or "/usr/bin/kubectl", os.X_OK),
        reason="kubectl is not installed (/usr/bin/kubectl)",
    ),
]

ROLE = "machineconfiguration.openshift.io/role"
NAMESPACE = "openshift-cluster-node-tuning-operator"


def node(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"node-role.kubernetes.io/worker-cnf": ""}},
        "status": {
            "capacity": {"cpu": "8"},
            "nodeInfo": {"architecture": "amd64", "operatingSystem": "linux"},
        },
    }


POOL = {
    "apiVersion": "machineconfiguration.openshift.io/v1",
    "kind": "MachineConfigPool",
    "metadata": {"name": "worker-cnf", "labels": {ROLE: "worker-cnf"}},
    "spec": {
        "machineConfigSelector": {
            "matchExpressions": [
                {"key": ROLE, "operator": "In", "values": ["worker", "worker-cnf"]}
            ]
        },
        "nodeSelector": {"matchLabels": {"node-role.kubernetes.io/worker-cnf": ""}},
    },
}

POLICY = {
    "apiVersion": "operator.openshift.io/v1",
    "kind": "MachineConfiguration",
    "metadata": {"name": "cluster"},
    "spec": {
        "nodeDisruptionPolicy": {
            "files": [
                {
                    "path": "/etc/kubernetes/kubelet.conf",
                    "actions": [{"type": "Restart", "restart": {"serviceName": "kubelet.service"}}],
                }
            ]
        }
    },
}


def profile(isolated: str = "2-7", reserved: str = "0-1", extra: str = "") -> str:
    return f"""apiVersion: performance.openshift.io/v2
kind: PerformanceProfile
metadata:
  name: cnf
spec:
  cpu: {{reserved: "{reserved}", isolated: "{isolated}"}}
  nodeSelector: {{node-role.kubernetes.io/worker-cnf: ""}}
{extra}"""


def kubectl_apply(cluster, cache: Path, manifest: str) -> str:
    done = subprocess.run(
        [
            shutil.which("kubectl") or "/usr/bin/kubectl",
            f"--kubeconfig={cluster.kubeconfig_path}",
            f"--cache-dir={cache}",
            "apply",
            "-f",
            "-",
        ],
        input=manifest,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.fixture
def pool_of_two(cluster) -> None:
    cluster.apply([node("cnf-0"), node("cnf-1"), POOL, POLICY])


@pytest.fixture
def tuned_webhook(request, cluster) -> None:
    """The Tuned warnings webhook registered with the CA of the running operator's webhooks."""
    from nto_performance.webhooks.manifests import tuned_warnings_webhook_configuration

    request.getfixturevalue("follower_with_webhooks")
    cluster.apply(
        [
            tuned_warnings_webhook_configuration(request.getfixturevalue("ca_bundle")),
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
        ]
    )


@pytest.mark.usefixtures("pool_of_two", "follower_with_webhooks")
def test_kubectl_apply_prints_the_reboot_warning(cluster, tmp_path):
    cache = tmp_path / "kube-cache"
    created = kubectl_apply(cluster, cache, profile())
    assert (
        'Warning: PerformanceProfile "cnf": this change reboots the 2 nodes of '
        'MachineConfigPool "worker-cnf"' in created
    ), created

    resplit = kubectl_apply(cluster, cache, profile(isolated="2-6", reserved="0-1,7"))
    assert 'Warning: PerformanceProfile "cnf": this change reboots the 2 nodes' in resplit
    assert (
        'Warning: reboot reason: Tuned "openshift-node-performance-cnf" updated: kernel arguments '
        "added: isolcpus=managed_irq,2-6, nohz_full=2-6, rcu_nocbs=2-6" in resplit
    ), resplit

    irq = kubectl_apply(
        cluster,
        cache,
        profile(
            isolated="2-6", reserved="0-1,7", extra="  globallyDisableIrqLoadBalancing: true\n"
        ),
    )
    assert "only reloads TuneD (no reboot) on the 2 nodes" in irq, irq
    assert "reboot" not in irq.replace("no reboot", ""), irq

    numa = kubectl_apply(
        cluster,
        cache,
        profile(
            isolated="2-6",
            reserved="0-1,7",
            extra="  globallyDisableIrqLoadBalancing: true\n  numa: {topologyPolicy: restricted}\n",
        ),
    )
    assert "restarts the kubelet (no reboot) on the 2 nodes" in numa, numa

    unchanged = kubectl_apply(
        cluster,
        cache,
        profile(
            isolated="2-6",
            reserved="0-1,7",
            extra="  globallyDisableIrqLoadBalancing: true\n  numa: {topologyPolicy: restricted}\n",
        ),
    )
    assert "Warning" not in unchanged, unchanged


def tuned(cmdline: str) -> str:
    return f"""apiVersion: tuned.openshift.io/v1
kind: Tuned
metadata:
  name: cnf-kargs
  namespace: {NAMESPACE}
spec:
  profile:
  - name: cnf-kargs
    data: |
      [main]
      summary=kernel arguments for worker-cnf
      [bootloader]
      cmdline_cnf=+{cmdline}
  recommend:
  - profile: cnf-kargs
    priority: 15
    machineConfigLabels:
      {ROLE}: worker-cnf
"""


@pytest.mark.usefixtures("pool_of_two", "tuned_webhook")
def test_kubectl_apply_of_a_tuned_prints_the_reboot_warning(cluster, tmp_path):
    cache = tmp_path / "kube-cache"
    kubectl_apply(cluster, cache, tuned("nosmt"))
    changed = kubectl_apply(cluster, cache, tuned("nosmt mitigations=off"))
    assert (
        'Warning: Tuned "cnf-kargs": this change reboots the 2 nodes of MachineConfigPool '
        '"worker-cnf"' in changed
    ), changed
    assert "Warning: reboot reason: kernel arguments added: mitigations=off" in changed, changed
