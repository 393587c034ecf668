"""Prometheus' own tool on what we ship: ``promtool check metrics`` on a running operator's
``/metrics`` (the core's and the performance plugin's metrics, with series), ``promtool check
rules`` on the alert and recording rules of every PrometheusRule in the bundle.

promtool comes with Debian's ``prometheus`` package (``hack/install-system-deps.sh``); without
it these tests skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto.testing import EmulatedCluster, free_port

from .test_performance_profile import (
    MCO,
    TUNED_NAME,
    available,
    cnf_pool,
    node,
    play_nodes,
    profile,
    set_status,
    waited,
)

PROMTOOL = shutil.which("promtool")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        PROMTOOL is None,
        reason="promtool is not on PATH (hack/install-system-deps.sh installs Debian's prometheus)",
    ),
]

BUNDLE = Path(__file__).resolve().parents[2] / "bundle"


def promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def scrape(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def operator_ns() -> str:
    return "openshift-cluster-node-tuning-operator"


def test_operator_metrics_pass_promtool_lint(cluster: EmulatedCluster, operator_factory):
    cluster.apply([cnf_pool(), node("cnf-0"), node("cnf-1"), profile()])
    port = free_port()
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={port}",
        "--enable-leader-election=false",
        env={"RELEASE_VERSION": "4.99.0", "RESYNC_PERIOD": "3600"},
    )
    waited(
        lambda: cluster.get("tuned.openshift.io/v1", "Tuned", TUNED_NAME, operator_ns()),
        operator,
        "Tuned created",
    )
    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    waited(lambda: available(cluster), operator, "Available")
    pool = cluster.get(MCO, "MachineConfigPool", "worker-cnf")
    set_status(
        cluster,
        pool,
        {
            "machineCount": 2,
            "updatedMachineCount": 1,
            "conditions": [{"type": "Updating", "status": "True"}],
        },
    )
    pending = 'nto_performance_profile_nodes_pending{name="manual",pool="worker-cnf"} 1.0'
    text = waited(
        lambda: (found := scrape(port)) and pending in found and found,
        operator,
        "the plugin's series on /metrics",
    )
    for family in (
        "nto_build_info",
        "nto_reconcile_total",
        "nto_reconcile_duration_seconds_bucket",
        "nto_performance_profile_condition",
        "nto_performance_reconcile_duration_seconds_bucket",
        "nto_performance_profile_nodes_pending",
        "# HELP nto_performance_webhook_requests_total",
        "# HELP nto_plugin_load_errors_total",
    ):
        assert f"\n{family}" in text, family
    result = promtool("check", "metrics", stdin=text)
    problems = f"promtool check metrics: {result.stdout}{result.stderr}"
    assert result.returncode == 0, problems
    assert not result.stderr.strip(), problems


def test_promtool_reports_what_it_lints():
    """The checks above can fail: promtool exits 3 and names the metric of a lint problem."""
    bad = "# TYPE nto_x counter\nnto_x 1\n"
    result = promtool("check", "metrics", stdin=bad)
    assert result.returncode == 3
    assert "nto_x no help text" in result.stderr
    assert 'nto_x counter metrics should have "_total" suffix' in result.stderr


def bundle_rule_groups() -> list[dict[str, Any]]:
    """The ``spec.groups`` of every PrometheusRule in the bundle, in file order."""
    groups: list[dict[str, Any]] = []
    for path in sorted(BUNDLE.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "PrometheusRule":
                groups.extend(doc["spec"]["groups"])
    return groups


def test_bundle_alert_rules_pass_promtool(tmp_path):
    groups = bundle_rule_groups()
    names = {rule.get("alert") or rule.get("record") for g in groups for rule in g["rules"]}
    assert {"NTODegraded", "NTOPerformanceProfileDegraded"} <= names  # core and plugin rules
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))
    result = promtool("check", "rules", str(rules))
    assert result.returncode == 0, f"promtool check rules: {result.stdout}{result.stderr}"
    assert f"SUCCESS: {sum(len(g['rules']) for g in groups)} rules found" in result.stdout


ALERT_CASES: list[tuple[str, str, str, str, dict[str, str]]] = [
    # (alert, input series, values every minute, evaluated at, labels of the firing alert)
    (
        "NTOPerformanceProfileDegraded",
        'nto_performance_profile_condition{name="cnf",type="Degraded"}',
        "1x60",
        "40m",
        {"name": "cnf"},
    ),
    ("NTODegraded", "nto_degraded_info", "1x150", "130m", {}),
    ("NTOPerformanceRenderErrors", "nto_performance_render_errors_total", "0+1x150", "90m", {}),
    (
        "NTOPluginFailed",
        'nto_plugin_load_errors_total{plugin="broken"}',
        "1x30",
        "20m",
        {"plugin": "broken"},
    ),
]


def _rendered(text: str, labels: dict[str, str]) -> str:
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], text)


def test_bundle_alerts_fire_as_written(tmp_path):
    """``promtool test rules``: each alert fires on its metric after its ``for``, not before,
    with the labels and annotations it ships."""
    groups = bundle_rule_groups()
    alerts = {rule["alert"]: rule for g in groups for rule in g["rules"] if "alert" in rule}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": groups}, sort_keys=False))
    tests = []
    for name, series, values, at, labels in ALERT_CASES:
        rule = alerts[name]
        expected = {
            "exp_labels": {**labels, **rule["labels"]},
            "exp_annotations": {k: _rendered(v, labels) for k, v in rule["annotations"].items()},
        }
        tests.append(
            {
                "interval": "1m",
                "input_series": [{"series": series, "values": values}],
                "alert_rule_test": [
                    {"eval_time": "5m", "alertname": name, "exp_alerts": []},
                    {"eval_time": at, "alertname": name, "exp_alerts": [expected]},
                ],
            }
        )
    (tmp_path / "tests.yaml").write_text(
        yaml.safe_dump({"rule_files": ["rules.yaml"], "tests": tests}, sort_keys=False)
    )
    result = promtool("test", "rules", str(tmp_path / "tests.yaml"))
    assert result.returncode == 0, f"promtool test rules: {result.stdout}{result.stderr}"
