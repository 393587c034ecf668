"""The operator process logs klog lines (or JSON) at -v=10 and never prints its credentials.

The kubeconfig comes from ``--kubeconfig`` (which wins over the ``KUBECONFIG`` the harness sets)
and carries a bearer token and a password; the test waits until the operator has worked against
the API (the default Tuned exists, metrics answer), stops it, and greps its whole log.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
import yaml

from nto.testing import free_port, wait_for

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
TOKEN = "sha256~c2VjcmV0LXRva2VuLW9mLXRoZS1vcGVyYXRvci1sb2c"
PASSWORD = "pa55-w0rd-of-the-operator"
KLOG = re.compile(r"^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ [\w.-]+:\d+\] ")


def scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            return response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return ""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_operator_log_format_and_no_credentials(operator_factory, cluster, tmp_path, fmt):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "c", "cluster": {"server": cluster.url}}],
                "users": [{"name": "u", "user": {"token": TOKEN, "password": PASSWORD}}],
                "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "x",
            }
        )
    )
    port = free_port()
    operator = operator_factory(
        f"--kubeconfig={kubeconfig}",
        "--v=10",
        f"--logging-format={fmt}",
        "--metrics-insecure",
        f"--metrics-port={port}",
        f"--webhook-port={free_port()}",
        "--enable-leader-election=false",
    )
    wait_for(lambda: scrape(port), timeout=90, message="metrics endpoint answers")
    wait_for(
        lambda: cluster.get("tuned.openshift.io/v1", "Tuned", "default", NS),
        timeout=90,
        message="default Tuned created",
    )
    operator.stop()
    log = operator.log
    assert TOKEN not in log
    assert PASSWORD not in log
    # a record's continuation lines (tracebacks, multi-line messages) start with a tab
    lines = [line for line in log.splitlines() if line and not line.startswith("\t")]
    assert len(lines) > 10
    if fmt == "json":
        documents = [json.loads(line) for line in lines]
        assert {"ts", "level", "v", "logger", "caller", "msg"} <= set(documents[0])
        assert any(document["v"] >= 2 for document in documents)  # -v=10 reaches DEBUG
    else:
        assert all(KLOG.match(line) for line in lines), [
            line for line in lines if not KLOG.match(line)
        ][:3]
