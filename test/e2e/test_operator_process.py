"""The operator process starts against the cluster, serves metrics, and stops cleanly."""

from __future__ import annotations

import signal
import urllib.error
import urllib.request

import pytest

from nto.testing import free_port, wait_for

pytestmark = pytest.mark.e2e


def scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            return response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return ""


def test_operator_serves_metrics_and_stops_on_sigterm(operator_factory):
    port = free_port()
    operator = operator_factory(
        "--metrics-insecure", f"--metrics-port={port}", "--enable-leader-election=false", "-v=2"
    )
    text = wait_for(lambda: scrape(port), timeout=60, message="metrics endpoint answers")
    assert 'nto_build_info{version="' in text
    assert "nto_plugin_load_errors_total{" not in text, text
    assert operator.running
    assert operator.process is not None
    operator.process.send_signal(signal.SIGTERM)
    assert operator.process.wait(timeout=30) == 0, operator.log
    assert "Starting the Node Tuning Operator" in operator.log


def test_crds_are_served(cluster):
    names = {info.plural for info in cluster.resources}
    assert {"tuneds", "profiles", "performanceprofiles"} <= names
