#!/usr/bin/env python3
"""Benchmark of the performance plugin's webhooks (issue 7 targets).

Run by `make bench` (or directly: ``.venv/bin/python hack/bench_webhooks.py``). Measures the
handlers as the shared server calls them (body bytes in, JSON out), without the network:

- validation of a typical v2 profile whose nodeSelector matches 500 nodes, with 20 other
  profiles in the cluster (lookups answered from memory): p50/p99 over 2,000 requests; target
  p99 < 10 ms;
- one ConversionReview of 1,000 profiles (v1alpha1 -> v2 and v2 -> v1): best of 5; target
  < 200 ms.

Prints one line per measurement; exits 0. Tests never assert wall time.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nto_api.names import PERFORMANCE_GROUP
from nto_performance.webhooks import AdmissionWebhook, ConversionWebhook

SELECTOR = {"node-role.kubernetes.io/worker-cnf": ""}
NODES = 500
OTHER_PROFILES = 20
REQUESTS = 2_000
BATCH = 1_000


def _profile(name: str, api_version: str = "v2", **selector: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "cpu": {"reserved": "0-3,64-67", "isolated": "4-63,68-127"},
        "nodeSelector": selector or dict(SELECTOR),
        "hugepages": {
            "defaultHugepagesSize": "1G",
            "pages": [{"size": "1G", "count": 16, "node": 0}, {"size": "2M", "count": 1024}],
        },
        "realTimeKernel": {"enabled": True},
        "numa": {"topologyPolicy": "single-numa-node"},
        "additionalKernelArgs": ["nmi_watchdog=0", "audit=0", "mce=off"],
    }
    if api_version == "v2":
        spec["cpu"]["offlined"] = "128-131"
        spec["net"] = {"userLevelNetworking": True, "devices": [{"interfaceName": "ens*"}]}
        spec["workloadHints"] = {"realTime": True, "highPowerConsumption": True}
    return {
        "apiVersion": f"performance.openshift.io/{api_version}",
        "kind": "PerformanceProfile",
        "metadata": {"name": name, "uid": f"uid-{name}", "resourceVersion": "1"},
        "spec": spec,
    }


class MemoryProvider:
    def __init__(self) -> None:
        self._nodes = [
            {
                "metadata": {"name": f"worker-{i}", "labels": dict(SELECTOR)},
                "status": {"nodeInfo": {"architecture": "amd64"}, "capacity": {"cpu": "128"}},
            }
            for i in range(NODES)
        ]
        self._profiles = [
            _profile(f"other-{i}", **{f"node-role.kubernetes.io/pool-{i}": ""})
            for i in range(OTHER_PROFILES)
        ]

    async def nodes(self, node_selector: Any) -> list[dict[str, Any]]:
        return self._nodes

    async def profiles(self) -> list[dict[str, Any]]:
        return self._profiles


def _admission_body() -> bytes:
    request = {
        "uid": "bench",
        "kind": {
            "group": PERFORMANCE_GROUP,
            "version": "v2",
            "kind": "PerformanceProfile",
        },
        "operation": "CREATE",
        "object": _profile("manual"),
    }
    review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    return json.dumps(review).encode()


def _conversion_body(api_version: str, desired: str) -> bytes:
    objects = [_profile(f"p-{i}", api_version) for i in range(BATCH)]
    request = {"uid": "bench", "desiredAPIVersion": desired, "objects": objects}
    review = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "ConversionReview",
        "request": request,
    }
    return json.dumps(review).encode()


async def _bench_validation() -> None:
    webhook = AdmissionWebhook(provider=MemoryProvider())
    body = _admission_body()
    status, payload = await webhook(body, "application/json")
    assert status == 200, payload
    assert payload["response"]["allowed"], payload
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        status, payload = await webhook(body, "application/json")
        json.dumps(payload)
        samples.append(time.perf_counter() - started)
    samples.sort()
    p50 = statistics.median(samples) * 1000
    p99 = samples[int(len(samples) * 0.99) - 1] * 1000
    print(
        f"validation, typical profile, {NODES} nodes, {OTHER_PROFILES} other profiles: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms (target p99 < 10 ms)"
    )


async def _bench_conversion(source: str, desired: str) -> None:
    webhook = ConversionWebhook()
    body = _conversion_body(source, f"performance.openshift.io/{desired}")
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        _, payload = await webhook(body, "application/json")
        json.dumps(payload)
        best = min(best, time.perf_counter() - started)
        assert payload["response"]["result"]["status"] == "Success", payload["response"]["result"]
    print(
        f"ConversionReview of {BATCH} profiles {source} -> {desired}: best of 5 "
        f"{best * 1000:.1f} ms (target < 200 ms)"
    )


async def main() -> None:
    await _bench_validation()
    await _bench_conversion("v1alpha1", "v2")
    await _bench_conversion("v2", "v1")


if __name__ == "__main__":
    asyncio.run(main())
