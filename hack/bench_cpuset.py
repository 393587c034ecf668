#!/usr/bin/env python3
"""Benchmark of `nto_api.cpuset`: microseconds per parse, format and mask operation.

Run by `make bench` (or directly: ``.venv/bin/python hack/bench_cpuset.py``). The target of issue 3
is a parse plus format of an 8192-CPU list well under 1 ms. Prints one line per case; exits 0.
Benchmarks are kept out of the test run: tests never assert wall time.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable

from nto_api.cpuset import CPUSet


def _cases() -> dict[str, str]:
    """Return cpulists of 8192-CPU machines, from the friendliest to the worst shape."""
    siblings = ",".join(f"{cpu}-{cpu + 1}" for cpu in range(0, 8192, 4))
    return {
        "all 8192 CPUs '0-8191'": "0-8191",
        "HT pairs, 2048 ranges": siblings,
        "every other CPU, 4096 ids": ",".join(str(cpu) for cpu in range(0, 8192, 2)),
        "all 8192 ids listed one by one": ",".join(str(cpu) for cpu in range(8192)),
    }


def _per_op_us(func: Callable[[], object]) -> float:
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=5, number=number)) / number * 1e6


def main() -> int:
    print(f"{'case':<34} {'parse':>9} {'format':>9} {'round trip':>11} {'to_mask':>9}")
    for name, text in _cases().items():
        cpus = CPUSet.parse(text)
        parse_us = _per_op_us(lambda text=text: CPUSet.parse(text))  # type: ignore[misc]
        format_us = _per_op_us(lambda cpus=cpus: CPUSet._from_bits(cpus._bits).__str__())  # type: ignore[misc]
        trip_us = _per_op_us(lambda text=text: str(CPUSet.parse(text)))  # type: ignore[misc]
        mask_us = _per_op_us(lambda cpus=cpus: cpus.to_mask())  # type: ignore[misc]
        print(
            f"{name:<34} {parse_us:>7.1f}us {format_us:>7.1f}us {trip_us:>9.1f}us {mask_us:>7.1f}us"
        )
    print("goal (start-up issue): round trip of the 2,048 HT-pair ranges under 1000us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
