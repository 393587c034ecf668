"""Object names are path segments: a hostile name never makes the operator write elsewhere.

A real API server refuses such names; a broken or hostile one (here: the emulator, seeded past
admission) may serve them. kopf builds object URLs without encoding and aiohttp normalizes
``..`` away, so a PerformanceProfile named ``../../etc`` once made kopf PATCH
``/apis/performance.openshift.io/etc``. The emulator records the raw path of every request.
"""

from __future__ import annotations

import pytest

from nto.testing import free_port, wait_for
from test.e2e.test_performance_profile import PP_API, cnf_pool, node, profile

pytestmark = pytest.mark.e2e

NS = "openshift-cluster-node-tuning-operator"
HOSTILE = ["../../etc", "..", "../../../../api/v1/namespaces/default/configmaps/victim"]


def escaping(sent: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Writes whose path left the resource they were meant for."""
    bad = []
    for method, path in list(sent):
        segments = path.split("?")[0].split("/")
        if method != "GET" and (
            {"..", "etc", "victim"} & set(segments)
            or not path.startswith(("/api/v1/", "/apis/"))
            or len(segments) < 5  # /apis/<group>/<version> itself
        ):
            bad.append((method, path))
    return bad


@pytest.mark.parametrize("name", HOSTILE, ids=["traversal", "dotdot", "other-resource"])
def test_hostile_profile_name_sends_no_escaping_request(cluster, operator_factory, name):
    cluster.apply([cnf_pool(), node("cnf-0")])
    sent = cluster.record_requests()
    operator = operator_factory(
        "--metrics-insecure",
        f"--metrics-port={free_port()}",
        f"--webhook-port={free_port()}",
        "--enable-leader-election=false",
    )
    cluster.apply([profile(name), profile("ok")])
    wait_for(
        lambda: escaping(sent) or "is not reconciled" in operator.log,
        timeout=60,
        message="the hostile profile is seen",
    )
    wait_for(
        lambda: (cluster.get(PP_API, "PerformanceProfile", "ok") or {}).get("status"),
        timeout=60,
        message="the other profile is reconciled",
    )
    assert escaping(sent) == []
    assert any(method != "GET" for method, _ in sent)
    assert operator.running
    assert "Traceback" not in operator.log
