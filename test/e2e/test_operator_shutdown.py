"""A real operator process ends cleanly on SIGTERM, SIGINT, or Ctrl-C followed by SIGTERM.

Clean means: exit code 0, no traceback and no ERROR line in the log, the servers stopped, and the
Lease released so a follower takes over at once. The last case is ``make demo``'s: Ctrl-C
reaches the whole process group and the demo then stops the operator with SIGTERM.
"""

from __future__ import annotations

import signal

import pytest
import trustme

from nto.testing import free_port, wait_for

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
TUNED = "tuned.openshift.io/v1"


def holder(cluster) -> str | None:
    lease = cluster.get("coordination.k8s.io/v1", "Lease", "node-tuning-operator-lock", NS)
    return None if lease is None else lease["spec"].get("holderIdentity") or ""


@pytest.mark.parametrize(
    "signals",
    [(signal.SIGTERM,), (signal.SIGINT,), (signal.SIGINT, signal.SIGTERM)],
    ids=["sigterm", "sigint", "ctrl-c-then-sigterm"],
)
def test_signals_stop_every_task_cleanly(cluster, operator_factory, tmp_path, signals):
    certs = tmp_path / "certificates"
    certs.mkdir()
    cert = trustme.CA().issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(certs / "apiserver.crt"))
    cert.private_key_pem.write_to_path(str(certs / "apiserver.key"))
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "worker-0", "labels": {"node-role.kubernetes.io/worker": ""}},
        }
    )
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        f"--webhook-port={free_port()}",
        f"--webhook-cert-dir={certs}",
        "--leader-elect-timings=3,2,0.5",
        env={"POD_NAME": "replica-a"},
    )
    wait_for(lambda: holder(cluster) == "replica-a", timeout=60, message="replica-a leads")
    wait_for(
        lambda: cluster.get(TUNED, "Profile", "worker-0", NS), timeout=60, message="reconciled"
    )
    wait_for(lambda: "webhook server listening" in operator.log, timeout=30, message="webhooks")
    wait_for(lambda: "metrics server listening" in operator.log, timeout=30, message="metrics")

    assert operator.process is not None
    for signum in signals:
        operator.process.send_signal(signum)
    assert operator.process.wait(timeout=60) == 0, operator.log
    log = operator.log
    assert "Traceback" not in log, log
    assert " ERROR " not in log, log
    assert "received; stopping the operator" in log
    assert holder(cluster) == "", "the Lease is released on a clean stop"
    assert "Released Lease" in log
