"""Benchmark of the emulated API server (nto.testing): create N Nodes, list them, watch fan-out.

Run: ``.venv/bin/python hack/bench_emulator.py [--nodes 5000] [--watchers 20] [--events 500]``.
Prints one line per measurement; used by ``make bench``. Wall times swing with the machine's
load; the "server CPU" line (thread CPU time spent inside the request handler while creating)
is the steadier number to compare two versions of the emulator with.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import aiohttp

from nto.testing import EmulatedCluster, _handler

_SERVER_CPU = [0.0]


def _count_server_cpu() -> None:
    """Add the server thread's CPU time inside each request handler call to ``_SERVER_CPU``."""
    original = _handler.Router.__call__

    async def timed(self: _handler.Router, request: Any) -> Any:
        started = time.thread_time()
        try:
            return await original(self, request)
        finally:
            _SERVER_CPU[0] += time.thread_time() - started

    _handler.Router.__call__ = timed  # type: ignore[method-assign]


def _node(i: int) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": f"node-{i:05d}", "labels": {"node-role.kubernetes.io/worker": ""}},
        "status": {"capacity": {"cpu": "64", "memory": "256Gi"}},
    }


async def _create(session: aiohttp.ClientSession, url: str, count: int, parallel: int) -> None:
    queue = iter(range(count))

    async def worker() -> None:
        for i in queue:
            async with session.post(f"{url}/api/v1/nodes", json=_node(i)) as response:
                assert response.status == 201, await response.text()

    await asyncio.gather(*(worker() for _ in range(parallel)))


async def _watch(session: aiohttp.ClientSession, url: str, rv: str, events: int) -> int:
    seen = 0
    path = f"{url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={rv}"
    async with session.get(path) as response:
        async for _line in response.content:
            seen += 1
            if seen == events:
                break
    return seen


async def main(nodes: int, watchers: int, events: int) -> None:
    with EmulatedCluster(history=max(nodes, events) + 100) as cluster:
        async with aiohttp.ClientSession() as session:
            started = time.perf_counter()
            _SERVER_CPU[0] = 0.0
            await _create(session, cluster.url, nodes, parallel=8)
            elapsed = time.perf_counter() - started
            print(f"create {nodes} nodes over HTTP: {elapsed:.2f} s ({nodes / elapsed:.0f}/s)")
            per_request = _SERVER_CPU[0] / nodes * 1e6
            print(f"server CPU per create (handler only): {per_request:.0f} us")

            started = time.perf_counter()
            async with session.get(f"{cluster.url}/api/v1/nodes") as response:
                body = json.loads(await response.read())
            print(f"list {len(body['items'])} nodes: {time.perf_counter() - started:.3f} s")

            started = time.perf_counter()
            async with session.get(f"{cluster.url}/api/v1/nodes?labelSelector=missing") as response:
                await response.read()
            print(
                f"list nodes with a selector matching none: {time.perf_counter() - started:.3f} s"
            )

            started = time.perf_counter()
            pages, token = 0, ""
            while True:
                query = f"limit=500&continue={token}" if token else "limit=500"
                async with session.get(f"{cluster.url}/api/v1/nodes?{query}") as response:
                    page = json.loads(await response.read())
                pages += 1
                token = page["metadata"].get("continue", "")
                if not token:
                    break
            print(f"list nodes in {pages} pages of 500: {time.perf_counter() - started:.3f} s")

            rv = body["metadata"]["resourceVersion"]
            tasks = [
                asyncio.create_task(_watch(session, cluster.url, rv, events))
                for _ in range(watchers)
            ]
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            for i in range(events):
                async with session.post(
                    f"{cluster.url}/api/v1/namespaces/default/configmaps",
                    json={"metadata": {"name": f"cm-{i}"}},
                ) as response:
                    assert response.status == 201
            seen = await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
            print(
                f"watch fan-out: {events} events to {watchers} watchers"
                f" ({sum(seen)} deliveries): {elapsed:.2f} s"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--watchers", type=int, default=20)
    parser.add_argument("--events", type=int, default=500)
    args = parser.parse_args()
    _count_server_cpu()
    asyncio.run(main(args.nodes, args.watchers, args.events))
