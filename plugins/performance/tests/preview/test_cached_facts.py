"""The webhook's cached view of pools and the disruption policy: read once, refreshed when old,
answered from the old view meanwhile, bounded on the first read, failures said in notes."""

from __future__ import annotations

import asyncio
from typing import Any

from nto.kube.client import ApiError
from nto_performance.webhooks.preview import KubeClusterFacts

POOL = {
    "metadata": {"name": "worker-cnf"},
    "spec": {"nodeSelector": {"matchLabels": {"node-role.kubernetes.io/worker-cnf": ""}}},
}


class FakeClient:
    def __init__(self) -> None:
        self.lists = 0
        self.gate: asyncio.Event | None = None
        self.forbid_policy = False

    async def list(self, api_version: str, plural: str) -> list[dict[str, Any]]:
        self.lists += 1
        if self.gate is not None:
            await self.gate.wait()
        return [POOL]

    async def get(self, api_version: str, plural: str, name: str) -> dict[str, Any] | None:
        if plural == "machineconfigurations" and self.forbid_policy:
            raise ApiError(403, "Forbidden", "machineconfigurations is forbidden")
        return None


async def test_reads_once_then_refreshes_in_the_background() -> None:
    client = FakeClient()
    now = [0.0]

    async def open_client() -> Any:
        return client

    view = KubeClusterFacts(open_client, fresh_for=30, clock=lambda: now[0])
    first = await view.facts()
    assert [p.metadata.name for p in first.pools] == ["worker-cnf"]
    assert await view.facts() is first
    assert client.lists == 1
    now[0] = 31.0
    client.gate = asyncio.Event()
    assert await view.facts() is first  # stale view answered while the refresh waits
    for _ in range(500):  # the refresh task starts at the next turn of the loop
        if client.lists == 2:
            break
        await asyncio.sleep(0.01)
    assert client.lists == 2
    assert await view.facts() is first  # still refreshing: no second refresh
    assert client.lists == 2
    client.gate.set()
    for _ in range(500):
        if await view.facts() is not first:
            break
        await asyncio.sleep(0.01)
    assert await view.facts() is not first


async def test_first_read_is_bounded_and_failures_are_notes() -> None:
    client = FakeClient()
    client.gate = asyncio.Event()

    async def open_client() -> Any:
        return client

    view = KubeClusterFacts(open_client, first_read_timeout=0.05)
    slow = await view.facts()
    assert slow.pools == ()
    assert "not read in time" in slow.notes[0]
    client.gate.set()
    client.forbid_policy = True
    view = KubeClusterFacts(open_client)
    facts = await view.facts()
    assert facts.notes == (
        "cannot read MachineConfiguration cluster: 403 Forbidden: "
        "machineconfigurations is forbidden",
    )


async def test_a_client_that_cannot_open_gives_notes() -> None:
    async def broken() -> Any:
        raise RuntimeError("no kubeconfig")

    facts = await KubeClusterFacts(broken).facts()
    assert len(facts.notes) == 4
    assert "no kubeconfig" in facts.notes[0]
