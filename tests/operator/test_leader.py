"""Leader election over a Lease on the emulated cluster: one leader, hand-over, loss."""

from __future__ import annotations

import asyncio

import pytest

from nto.kube.client import KubeClient
from nto.kube.config import from_kubeconfig
from nto.operator.leader import (
    HIGHLY_AVAILABLE,
    SINGLE_NODE,
    LeaderElector,
    LeaseTimings,
    timings_for_topology,
)

FAST = LeaseTimings(lease_duration=0.6, renew_deadline=0.4, retry_period=0.1)
NS = "openshift-cluster-node-tuning-operator"


@pytest.fixture
async def clients(emulated_cluster):
    connection = from_kubeconfig(emulated_cluster.kubeconfig_path)
    async with KubeClient(connection) as first, KubeClient(connection) as second:
        yield first, second


def elector(client, identity, timings=FAST):
    return LeaderElector(client, namespace=NS, identity=identity, timings=timings)


def holder(cluster):
    lease = cluster.get("coordination.k8s.io/v1", "Lease", "node-tuning-operator-lock", NS)
    return lease and lease["spec"]["holderIdentity"]


@pytest.mark.parametrize(
    ("topology", "expected"),
    [
        ("SingleReplica", SINGLE_NODE),
        ("HighlyAvailable", HIGHLY_AVAILABLE),
        (None, HIGHLY_AVAILABLE),
    ],
)
def test_reference_timings(topology, expected):
    assert timings_for_topology(topology) == expected
    assert (HIGHLY_AVAILABLE.lease_duration, SINGLE_NODE.retry_period) == (137, 60)


async def test_only_one_leader_and_release_hands_over(emulated_cluster, clients):
    a, b = elector(clients[0], "a"), elector(clients[1], "b")
    assert await a.try_acquire_or_renew()
    assert not await b.try_acquire_or_renew()
    assert await a.try_acquire_or_renew(), "the holder renews"
    assert holder(emulated_cluster) == "a"
    await a.release()
    assert holder(emulated_cluster) == ""
    await asyncio.wait_for(b.acquire(), timeout=5)
    lease = emulated_cluster.get("coordination.k8s.io/v1", "Lease", "node-tuning-operator-lock", NS)
    assert lease["spec"]["holderIdentity"] == "b"
    assert lease["spec"]["leaseTransitions"] == 1


async def test_follower_takes_over_after_the_lease_expires(emulated_cluster, clients):
    a, b = elector(clients[0], "a"), elector(clients[1], "b")
    assert await a.try_acquire_or_renew()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.wait_for(b.acquire(), timeout=5)  # "a" never renews again
    assert loop.time() - started >= FAST.lease_duration
    assert holder(emulated_cluster) == "b"


async def test_renewing_leader_keeps_the_lease(emulated_cluster, clients):
    a, b = elector(clients[0], "a"), elector(clients[1], "b")
    await a.acquire()
    lost = asyncio.Event()
    holding = asyncio.create_task(a.hold(lost))
    try:
        for _ in range(10):
            assert not await b.try_acquire_or_renew()
            await asyncio.sleep(FAST.retry_period)
        assert not lost.is_set()
    finally:
        holding.cancel()


async def test_leader_notices_it_cannot_renew(emulated_cluster, clients):
    a = elector(clients[0], "a")
    await a.acquire()
    emulated_cluster.inject_fault(500, count=1000, resource="leases")
    lost = asyncio.Event()
    holding = asyncio.create_task(a.hold(lost))
    await asyncio.wait_for(lost.wait(), timeout=5)
    await holding


async def test_conflicting_create_is_not_leadership(emulated_cluster, clients):
    a = elector(clients[0], "a")
    emulated_cluster.inject_fault(409, count=1, method="POST", resource="leases")
    assert not await a.try_acquire_or_renew()
    assert await a.try_acquire_or_renew()
