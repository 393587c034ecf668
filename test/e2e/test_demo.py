"""``make demo`` in its one-shot form: everything starts, the summary shows the samples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REAL_CLUSTER

pytestmark = pytest.mark.e2e

DEMO = Path(__file__).resolve().parents[2] / "hack" / "demo.py"


@pytest.mark.skipif(bool(REAL_CLUSTER), reason="the demo runs its own emulated cluster")
def test_demo_once_prints_a_summary():
    result = subprocess.run(
        [sys.executable, str(DEMO), "--once", "--settle", "6"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for expected in (
        "==> Starting the operator (plugins: performance)",
        "$ kubectl get clusteroperator node-tuning",
        "NAME          VERSION   AVAILABLE   PROGRESSING   DEGRADED   SINCE   MESSAGE",
        "TUNED                                         APPLIED   DEGRADED   MESSAGE   AGE",
        "demo-hugepages",
        "PerformanceProfile demo-low-latency (Available",
        "nto_build_info{version}",
        "KubeletConfig performance-demo-low-latency: cpuManagerPolicy=static",
        "kubectl explain performanceprofile.spec.cpu",
    ):
        assert expected in out, out
    lines = out.splitlines()
    assert len(lines) <= 50, f"{len(lines)} lines do not fit a 50-row terminal:\n{out}"
    assert max(len(line) for line in lines) <= 120, out
