"""Benchmark the PerformanceProfile renderers and the offline ``render`` command.

1. In-process: ``manifestset.render`` of one profile (the four objects; target < 5 ms).
2. In-process read + plan of the default scenario (the reference inputs when
   ``../shared/reference/render`` exists, else our own fixture).

The whole ``render`` process, beside the Go binary, is measured by ``bench_startup.py``.

Prints numbers; never fails on them (benchmarks inform, tests assert behaviour).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_INPUTS = ROOT.parent / "shared" / "reference" / "render" / "inputs"
FIXTURE_INPUTS = ROOT / "plugins" / "performance" / "tests" / "render" / "fixtures" / "inputs"


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


def main() -> int:
    label, inputs = default_scenario()
    print(f"scenario: {label}")
    bench_in_process(inputs)
    print("whole process (cold start, beside the Go binary): see bench_startup.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
