"""``RolloutStarted`` Events and ``nto_performance_profile_nodes_pending``, operator running.

A PerformanceProfile change whose objects make the pool's nodes reboot gets exactly one Normal
Event ``RolloutStarted`` (pool, node count, why), read back with kubectl and a field selector
as ``kubectl describe`` does; a restart with nothing changed posts none. The gauge follows the
MachineConfigPool's status counts while it reports ``Updating``, which the test plays here (no
Machine Config Operator runs). A failing Event POST leaves the reconcile unharmed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from typing import Any

import pytest

from nto.testing import EmulatedCluster

from . import test_performance_profile
from .test_performance_profile import (
    MCO,
    TUNED,
    TUNED_NAME,
    available,
    components,
    get_pp,
    play_nodes,
    profile,
    reconciles,
    set_status,
    waited,
)

start = test_performance_profile.start  # the fixture: a pool of two nodes, start() an operator

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("kubectl") is None,
        reason="kubectl is not on PATH (hack/install-system-deps.sh installs kubernetes-client)",
    ),
]

SELECTOR = "involvedObject.kind=PerformanceProfile,involvedObject.name=manual,reason=RolloutStarted"


def rollout_events(cluster: EmulatedCluster) -> list[dict[str, Any]]:
    """The RolloutStarted Events of profile ``manual``, as kubectl lists them (field selector
    on the server), oldest first."""
    result = subprocess.run(
        [
            "kubectl",
            f"--kubeconfig={cluster.kubeconfig_path}",
            "get",
            "events",
            "--namespace=default",
            f"--field-selector={SELECTOR}",
            "--output=json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)["items"]
    return sorted(items, key=lambda e: int(e["metadata"]["resourceVersion"]))


def gauge(operator, name: str = "manual", pool: str = "worker-cnf") -> float | None:
    """The profile's nodes-pending sample, None when absent or the server is not up yet."""
    url = f"http://127.0.0.1:{operator.metrics_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            text = response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None
    sample = re.search(
        rf'^nto_performance_profile_nodes_pending\{{name="{name}",pool="{pool}"\}} (\S+)$',
        text,
        re.M,
    )
    return float(sample.group(1)) if sample else None


def pool_status(*, updating: bool, machines: int, updated: int) -> dict[str, Any]:
    stamp = "2024-01-01T00:00:00Z"
    return {
        "machineCount": machines,
        "updatedMachineCount": updated,
        "readyMachineCount": updated,
        "conditions": [
            {"type": "Updated", "status": str(not updating), "lastTransitionTime": stamp},
            {"type": "Updating", "status": str(updating), "lastTransitionTime": stamp},
            {"type": "Degraded", "status": "False", "lastTransitionTime": stamp},
        ],
    }


def play_pool(cluster: EmulatedCluster, **status: Any) -> None:
    set_status(cluster, cluster.get(MCO, "MachineConfigPool", "worker-cnf"), pool_status(**status))


def test_one_event_per_rollout_and_the_gauge(cluster, start):
    operator = start()
    cluster.apply(profile())
    waited(lambda: components(cluster)["tuned"], operator, "Tuned created")
    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    waited(lambda: all(components(cluster).values()), operator, "MC, KC, RuntimeClass created")
    waited(lambda: available(cluster), operator, "Available")

    # Creating the profile rolls its MachineConfig out to the pool's 2 nodes.
    (created,) = waited(lambda: rollout_events(cluster), operator, "RolloutStarted on create")
    assert created["type"] == "Normal"
    assert created["involvedObject"]["uid"] == get_pp(cluster)["metadata"]["uid"]
    assert created["message"].startswith(
        'MachineConfigPool "worker-cnf" rolls this change out to its 2 nodes: the Machine Config '
        "Operator drains and reboots them"
    )
    assert 'MachineConfig "50-performance-manual" created' in created["message"]

    # The MCO (played here) rolls the pool out: the gauge follows its status counts.
    play_pool(cluster, updating=True, machines=2, updated=0)
    waited(lambda: gauge(operator) == 2, operator, "2 nodes pending")
    play_pool(cluster, updating=True, machines=2, updated=1)  # no condition changes
    waited(lambda: gauge(operator) == 1, operator, "1 node pending")
    play_pool(cluster, updating=False, machines=2, updated=2)
    waited(lambda: gauge(operator) == 0, operator, "no node pending")

    # cpu.isolated changes only the Tuned's kernel arguments: the apply writes the Tuned, waits
    # for the pool's kernel command line, and posts one Event when it completes.
    edited = get_pp(cluster)
    edited["spec"]["cpu"]["isolated"] = "2-5"
    cluster.apply(edited)
    waited(
        lambda: components(cluster)["tuned"]["metadata"]["generation"] == 2,
        operator,
        "Tuned updated",
    )
    done = reconciles(operator)
    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    events = waited(
        lambda: len(rollout_events(cluster)) == 2 and rollout_events(cluster),
        operator,
        "RolloutStarted on edit",
    )
    # Not before the nodes computed the new kernel command line (the core then writes them).
    played = int(cluster.get("v1", "Node", "cnf-1")["metadata"]["resourceVersion"])
    assert int(events[-1]["metadata"]["resourceVersion"]) > played
    message = events[-1]["message"]
    assert message.startswith(
        'MachineConfigPool "worker-cnf" rolls this change out to its 2 nodes: the Machine Config '
        "Operator drains and reboots them"
    )
    assert (
        'Tuned "openshift-node-performance-manual" updated: kernel arguments added: '
        "isolcpus=managed_irq,2-5, nohz_full=2-5, rcu_nocbs=2-5" in message
    )
    assert "kernel arguments removed: isolcpus=managed_irq,2-3" in message

    # Later reconciles of the same change post nothing more: make one happen and wait for it.
    waited(lambda: reconciles(operator) > done, operator, "edit reconciled")
    settled = reconciles(operator)
    play_pool(cluster, updating=True, machines=2, updated=0)
    waited(lambda: reconciles(operator) > settled and gauge(operator) == 2, operator, "reconciled")
    assert len(rollout_events(cluster)) == 2
    play_pool(cluster, updating=False, machines=2, updated=2)
    waited(lambda: gauge(operator) == 0, operator, "rolled out")

    # A restart with nothing changed posts no Event.
    operator.stop()
    operator = start()
    waited(lambda: reconciles(operator) >= 1, operator, "restarted controller reconciled")
    assert gauge(operator) == 0
    assert len(rollout_events(cluster)) == 2

    # The profile goes, and its series with it.
    cluster.delete("performance.openshift.io/v2", "PerformanceProfile", "manual")
    waited(lambda: get_pp(cluster) is None, operator, "profile deleted")
    waited(lambda: gauge(operator) is None, operator, "series removed")


def test_failing_event_post_leaves_the_reconcile_unharmed(cluster, start):
    fault = cluster.inject_fault(500, count=10_000, method="POST", resource="events")
    operator = start()
    cluster.apply(profile())
    waited(lambda: components(cluster)["tuned"], operator, "Tuned created")
    play_nodes(cluster, operator, TUNED_NAME, "cnf-0", "cnf-1")
    waited(lambda: all(components(cluster).values()), operator, "MC, KC, RuntimeClass created")
    waited(lambda: available(cluster), operator, "Available with Events failing")
    waited(
        lambda: "Event 'RolloutStarted' about" in operator.log and "not posted" in operator.log,
        operator,
        "the lost Event logged",
    )
    assert fault.hits >= 1
    assert components(cluster)["tuned"]["metadata"]["generation"] == 1
    assert cluster.get(TUNED, "Tuned", TUNED_NAME, "openshift-cluster-node-tuning-operator")
    assert rollout_events(cluster) == []
