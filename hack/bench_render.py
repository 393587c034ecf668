"""Benchmark the PerformanceProfile renderers and the offline ``render`` command.

1. In-process: ``manifestset.render`` of one profile (the four objects; target < 5 ms).
2. Whole process: ``cluster-node-tuning-operator render`` of the default scenario (the reference
   inputs when ``../shared/reference/render`` exists, else our own fixture), wall time per run and
   peak RSS (``getrusage(RUSAGE_CHILDREN)`` in a fresh measuring process per binary). Targets:
   at most 3x the reference Go binary's wall time (79 ms here) and 64 MiB.
3. The reference Go binary side by side, only when ``NTO_REFERENCE_BIN`` names it.

Prints numbers; never fails on them (benchmarks inform, tests assert behaviour).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_INPUTS = ROOT.parent / "shared" / "reference" / "render" / "inputs"
FIXTURE_INPUTS = ROOT / "plugins" / "performance" / "tests" / "render" / "fixtures" / "inputs"
RUNS = int(os.environ.get("NTO_BENCH_RUNS", "10"))

MEASURE = r"""
import json, resource, subprocess, sys, tempfile, time
argv, runs = json.loads(sys.argv[1]), int(sys.argv[2])
walls = []
for i in range(runs):
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([*argv, "--asset-output-dir", out + "/o"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
print(json.dumps({"walls": walls,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def default_scenario() -> tuple[str, str]:
    """(label, --asset-input-dir value) of the default scenario."""
    if REFERENCE_INPUTS.is_dir():
        dirs = [REFERENCE_INPUTS / d for d in ("base/performance", "manual-cluster/performance")]
        return "reference default", ",".join(map(str, dirs))
    dirs = [FIXTURE_INPUTS / "pools/worker-rt", FIXTURE_INPUTS / "profiles/edge"]
    return "fixture rt-hugepages", ",".join(map(str, dirs))


def bench_in_process(inputs: str) -> None:
    from nto_performance.components import manifestset
    from nto_performance.components.options import RenderOptions
    from nto_performance.render.assets import plan, select_pool
    from nto_performance.render.inputs import read_inputs

    parsed = read_inputs([Path(d) for d in inputs.split(",")])
    source, profile = parsed.profiles[0]

    options = RenderOptions(profile_mcp=select_pool(parsed.pools, profile, source))
    manifestset.render(profile, options)  # warm caches (templates, scripts)
    samples = []
    for _ in range(200):
        started = time.perf_counter()
        manifestset.render(profile, options)
        samples.append(time.perf_counter() - started)
    print(
        f"in-process manifestset.render, one profile: median {statistics.median(samples) * 1e3:.2f}"
        f" ms, min {min(samples) * 1e3:.2f} ms (target < 5 ms; 200 runs)"
    )
    samples = []
    for _ in range(50):
        started = time.perf_counter()
        plan(read_inputs([Path(d) for d in inputs.split(",")]), owner_ref="label-name")
        samples.append(time.perf_counter() - started)
    print(
        f"in-process read + plan of the scenario: median {statistics.median(samples) * 1e3:.2f} ms"
    )


def measure(argv: list[str]) -> tuple[float, float, float]:
    """(median wall s, min wall s, peak RSS MiB) of `argv` run RUNS times."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(argv), str(RUNS)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout)
    return statistics.median(data["walls"]), min(data["walls"]), data["maxrss_kib"] / 1024


def main() -> int:
    label, inputs = default_scenario()
    print(f"scenario: {label}")
    bench_in_process(inputs)
    ours_bin = Path(sys.executable).parent / "cluster-node-tuning-operator"
    ours = measure([str(ours_bin), "render", "--asset-input-dir", inputs])
    print(
        f"whole process, ours:      median {ours[0] * 1e3:6.0f} ms, min {ours[1] * 1e3:6.0f} ms, "
        f"peak RSS {ours[2]:5.1f} MiB ({RUNS} runs; targets <= 237 ms (3x), <= 64 MiB)"
    )
    reference_bin = os.environ.get("NTO_REFERENCE_BIN")
    if not reference_bin:
        print("reference binary: not measured (set NTO_REFERENCE_BIN to compare)")
        return 0
    theirs = measure([reference_bin, "render", "--asset-input-dir", inputs])
    print(
        f"whole process, reference: median {theirs[0] * 1e3:6.0f} ms, min {theirs[1] * 1e3:6.0f} "
        f"ms, peak RSS {theirs[2]:5.1f} MiB"
    )
    print(f"ratio (median wall): {ours[0] / theirs[0]:.2f}x; RSS: {ours[2] / theirs[2]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
