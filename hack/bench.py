"""``make bench``: run every ``hack/bench_*.py`` benchmark script and print its numbers.

Benchmarks live apart from the tests (tests never assert wall time). Each script prints its own
table; this runner adds a header per script and exits non-zero if any script fails to run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HACK = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HACK.glob("bench_*.py")):
        print(f"\n### {script.stem.removeprefix('bench_')} ({script.name})", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False)
        print(f"({time.perf_counter() - started:.1f} s)", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
