#!/usr/bin/env python3
"""Benchmark of the performance plugin's webhooks (issue 7 targets).

Run by `make bench` (or directly: ``.venv/bin/python hack/bench_webhooks.py``). Measures the
handlers as the shared server calls them (body bytes in, JSON out), without the network:

- validation of a typical v2 profile whose nodeSelector matches 500 nodes, with 20 other
  profiles in the cluster (lookups answered from memory): p50/p99 over 2,000 requests; target
  p99 < 10 ms;
- the same validation as a sequence of 2,000 UPDATEs, each adding a kernel argument to the
  previous one (as repeated ``kubectl apply`` does), with the admission warnings: each new
  object rendered, the old one from the render cache, compared; pools and the disruption policy
  from the cached view: p50/p99; target p99 < 10 ms;
- the Tuned warnings webhook: an UPDATE of a Tuned bound to the 500-node pool through
  machineConfigLabels that changes its kernel arguments, 20 other Tuneds, the profile
  calculator run for every node before and after: p50/p99 over 500 requests; target p99 < 10 ms;
- one ConversionReview of 1,000 profiles (v1alpha1 -> v2 and v2 -> v1): best of 5; target
  < 200 ms.

Prints one line per measurement; exits 0. Tests never assert wall time.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nto_api.names import PERFORMANCE_GROUP
from nto_performance.preview.plan import ClusterFacts
from nto_performance.webhooks import AdmissionWebhook, ConversionWebhook, TunedWarningsWebhook

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


class MemoryFacts:
    """The preview's cached view: one pool of 500 machines and a node disruption policy."""

    def __init__(self) -> None:
        role = "machineconfiguration.openshift.io/role"
        pool = {
            "metadata": {"name": "worker-cnf", "labels": {role: "worker-cnf"}},
            "spec": {
                "machineConfigSelector": {"matchLabels": {role: "worker-cnf"}},
                "nodeSelector": {"matchLabels": dict(SELECTOR)},
            },
            "status": {"machineCount": NODES},
        }
        policy = {
            "spec": {
                "nodeDisruptionPolicy": {
                    "files": [
                        {"path": "/etc/kubernetes/kubelet.conf", "actions": [{"type": "None"}]}
                    ]
                }
            }
        }
        self._facts = ClusterFacts.build(pools=[pool], machine_configuration=policy)

    async def facts(self) -> ClusterFacts:
        return self._facts


def _admission_body(*, update: bool | int = False) -> bytes:
    request: dict[str, Any] = {
        "uid": "bench",
        "kind": {
            "group": PERFORMANCE_GROUP,
            "version": "v2",
            "kind": "PerformanceProfile",
        },
        "operation": "UPDATE" if update else "CREATE",
        "object": _profile("manual"),
    }
    if update is not False:
        old = _profile("manual")
        old["spec"]["cpu"] = {"reserved": "0-1,64-65", "isolated": "2-63,66-127"}
        if update is not True:  # a sequence of applies: each old object was the previous new one
            old["spec"]["additionalKernelArgs"].append(f"bench.step={update - 1}")
            request["object"]["spec"]["additionalKernelArgs"].append(f"bench.step={update}")
            old["spec"]["cpu"] = request["object"]["spec"]["cpu"]
        request["oldObject"] = old
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


def _ms(samples: list[float], quantile: float) -> str:
    ordered = sorted(samples)
    return f"{ordered[max(0, int(len(ordered) * quantile) - 1)] * 1000:.2f} ms"


async def _bench_validation(*, warnings: bool = False) -> None:
    facts = MemoryFacts() if warnings else None
    webhook = AdmissionWebhook(provider=MemoryProvider(), facts=facts)
    body = _admission_body(update=warnings)
    status, payload = await webhook(body, "application/json")
    assert status == 200, payload
    assert payload["response"]["allowed"], payload
    if warnings:
        assert "reboot" in payload["response"]["warnings"][0], payload
    bodies = [_admission_body(update=step + 1) if warnings else body for step in range(REQUESTS)]
    samples = []
    cpu = []
    for body in bodies:
        started, started_cpu = time.perf_counter(), time.thread_time()
        status, payload = await webhook(body, "application/json")
        json.dumps(payload)
        samples.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    what = "UPDATE with admission warnings" if warnings else "CREATE"
    print(
        f"validation ({what}), typical profile, {NODES} nodes, {OTHER_PROFILES} other profiles: "
        f"wall p50 {_ms(samples, 0.5)}, p99 {_ms(samples, 0.99)}; CPU p50 {_ms(cpu, 0.5)}, "
        f"p99 {_ms(cpu, 0.99)} (target p99 < 10 ms; CPU time leaves out other processes)"
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


class TunedFacts:
    """The Tuned webhook's cached view: 500 nodes in one pool, 21 Tuneds."""

    def __init__(self) -> None:
        role = "machineconfiguration.openshift.io/role"
        pool = {
            "metadata": {"name": "worker-cnf", "labels": {role: "worker-cnf"}},
            "spec": {
                "machineConfigSelector": {"matchLabels": {role: "worker-cnf"}},
                "nodeSelector": {"matchLabels": dict(SELECTOR)},
            },
        }
        nodes = [
            {
                "metadata": {
                    "name": f"worker-{i}",
                    "labels": {**SELECTOR, "kubernetes.io/hostname": f"worker-{i}"},
                }
            }
            for i in range(NODES)
        ]
        tuneds = [_tuned(f"other-{i}", "nosmt", match=[{"label": f"pool-{i}"}]) for i in range(20)]
        tuneds.append(_tuned("cnf", "nosmt", machineConfigLabels={role: "worker-cnf"}))
        self._facts = ClusterFacts.build(pools=[pool], nodes=nodes, tuneds=tuneds)

    async def facts(self) -> ClusterFacts:
        return self._facts


def _tuned(name: str, cmdline: str, **recommend: Any) -> dict[str, Any]:
    data = f"[main]\nsummary={name}\n[sysctl]\nvm.swappiness=10\n[bootloader]\ncmdline={cmdline}\n"
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": {"name": name, "namespace": "openshift-cluster-node-tuning-operator"},
        "spec": {
            "profile": [{"name": name, "data": data}],
            "recommend": [{"profile": name, "priority": 10, **recommend}],
        },
    }


async def _bench_tuned_warnings() -> None:
    webhook = TunedWarningsWebhook(facts=TunedFacts())
    role = {"machineconfiguration.openshift.io/role": "worker-cnf"}
    bodies = []
    for step in range(500):
        request = {
            "uid": "bench",
            "kind": {"group": "tuned.openshift.io", "version": "v1", "kind": "Tuned"},
            "namespace": "openshift-cluster-node-tuning-operator",
            "operation": "UPDATE",
            "object": _tuned("cnf", f"nosmt bench.step={step + 1}", machineConfigLabels=role),
            "oldObject": _tuned("cnf", f"nosmt bench.step={step}", machineConfigLabels=role),
        }
        review = {
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": request,
        }
        bodies.append(json.dumps(review).encode())
    _, payload = await webhook(bodies[0], "application/json")
    assert "reboots the 500 nodes" in payload["response"]["warnings"][0], payload
    samples, cpu = [], []
    for body in bodies:
        started, started_cpu = time.perf_counter(), time.thread_time()
        _, payload = await webhook(body, "application/json")
        json.dumps(payload)
        samples.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    print(
        f"Tuned warnings (UPDATE, kernel arguments), {NODES} nodes, 21 Tuneds: "
        f"wall p50 {_ms(samples, 0.5)}, p99 {_ms(samples, 0.99)}; CPU p50 {_ms(cpu, 0.5)}, "
        f"p99 {_ms(cpu, 0.99)} (target p99 < 10 ms)"
    )


async def main() -> None:
    await _bench_validation()
    await _bench_validation(warnings=True)
    await _bench_tuned_warnings()
    await _bench_conversion("v1alpha1", "v2")
    await _bench_conversion("v2", "v1")


if __name__ == "__main__":
    asyncio.run(main())
