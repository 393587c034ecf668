#!/usr/bin/env python3
"""Benchmark of `nto.controller.calculator`: full recompute and one-node recompute.

Run by `make bench` (or directly: ``.venv/bin/python hack/bench_calculator.py``). The target of
issue 4: 5,000 nodes, 20 Tuned CRs with 5 recommend rules each, a full recompute well under
0.5 s. Prints one line per measurement; exits 0. Tests never assert wall time.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nto.controller.calculator import Calculator
from nto.controller.computed import NodeFacts
from nto.controller.default_tuned import default_tuned

NODES = 5_000
TUNEDS = 20
RULES = 5


def _tuneds(rng: random.Random) -> list[dict[str, Any]]:
    tuneds: list[dict[str, Any]] = [default_tuned()]
    for t in range(TUNEDS - 1):
        recommend = []
        for r in range(RULES):
            match: list[dict[str, Any]] = [
                {"label": f"example.com/feature-{rng.randrange(40)}", "value": "on"},
                {
                    "label": f"example.com/zone-{rng.randrange(10)}",
                    "match": [{"label": f"example.com/rack-{rng.randrange(20)}"}],
                },
            ]
            recommend.append(
                {"profile": f"custom-{t}-{r}", "priority": rng.randrange(50), "match": match}
            )
        profile = [
            {"name": f"custom-{t}-{r}", "data": "[main]\ninclude=openshift-node\n"}
            for r in range(RULES)
        ]
        tuneds.append(
            {
                "metadata": {"name": f"tuned-{t:02d}", "generation": 1},
                "spec": {"profile": profile, "recommend": recommend},
            }
        )
    return tuneds


def _nodes(rng: random.Random, *, dense: bool) -> list[NodeFacts]:
    """Nodes with a few random labels; `dense` nodes carry every rule's key with a wrong value,
    so no index can skip a rule (the worst case)."""
    nodes = []
    for n in range(NODES):
        labels = {
            "kubernetes.io/os": "linux",
            "kubernetes.io/hostname": f"node-{n}",
            "node-role.kubernetes.io/worker": "",
            "topology.kubernetes.io/region": "r1",
            f"example.com/feature-{rng.randrange(400)}": "on",
            f"example.com/zone-{rng.randrange(100)}": "",
            f"example.com/rack-{rng.randrange(20)}": "",
        }
        if dense:
            labels.update({f"example.com/feature-{i}": "off" for i in range(40)})
        if n % 50 == 0:
            labels["node-role.kubernetes.io/control-plane"] = ""
        nodes.append(NodeFacts(f"node-{n}", labels, provider_id=f"aws:///zone/i-{n:08x}"))
    return nodes


def _measure(tuneds: list[dict[str, Any]], nodes: list[NodeFacts], label: str) -> None:
    best_full = best_one = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        calculator = Calculator(tuneds, release_version="4.20.0")
        results = [calculator.calculate(node) for node in nodes]
        best_full = min(best_full, time.perf_counter() - start)
        start = time.perf_counter()
        calculator.calculate(nodes[123])
        best_one = min(best_one, time.perf_counter() - start)
    custom = sum(1 for r in results if r.tuned_profile.startswith("custom-"))
    print(f"{label}: nodes={NODES} tuneds={TUNEDS} rules/tuned={RULES} custom={custom}")
    print(f"  full recompute (build + {NODES} nodes): {best_full * 1e3:8.1f} ms")
    print(f"  one node recompute:                   {best_one * 1e6:8.1f} us")


def main() -> int:
    rng = random.Random(4)
    tuneds = _tuneds(rng)
    _measure(tuneds, _nodes(rng, dense=False), "sparse labels")
    _measure(tuneds, _nodes(rng, dense=True), "dense labels (worst case)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
