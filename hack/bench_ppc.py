"""Benchmark ``performance-profile-creator`` on the bare-metal must-gather (issue 8's target).

In-process stages of ``performance-profile-creator --must-gather-dir-path <bare-metal>
--mcp-name worker-cnf --reserved-cpu-count 4 --rt-kernel=true --power-consumption-mode
low-latency``, to see where the time goes. The whole process, beside the Go binary, is measured
by ``bench_startup.py``.

Input: ``../shared/reference/must-gather/must-gather.bare-metal`` when present, otherwise a
synthetic must-gather with the same 80-CPU worker (topology files only, so a lighter archive).
Prints numbers; never fails on them (benchmarks inform, tests assert behaviour).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "must-gather" / "must-gather.bare-metal"
ARGS = [
    "--mcp-name",
    "worker-cnf",
    "--reserved-cpu-count",
    "4",
    "--rt-kernel=true",
    "--power-consumption-mode",
    "low-latency",
]


def synthetic_must_gather(root: Path) -> Path:
    """Write a must-gather with one 80-CPU worker-cnf node (2 sockets, 2 NUMA, HT)."""
    from nto_performance.ppc.hardware import sysfs_files

    base = root / "must-gather" / "cluster-scoped-resources"
    docs = {
        base / "core/nodes/worker1.yaml": "kind: Node\nmetadata:\n  name: worker1\n  labels:\n"
        "    node-role.kubernetes.io/worker: ''\n    node-role.kubernetes.io/worker-cnf: ''\n",
        base / "machineconfiguration.openshift.io/machineconfigpools/worker-cnf.yaml": (
            "kind: MachineConfigPool\nmetadata:\n  name: worker-cnf\n  labels:\n"
            "    machineconfiguration.openshift.io/role: worker-cnf\nspec:\n  nodeSelector:\n"
            "    matchLabels:\n      node-role.kubernetes.io/worker-cnf: ''\n"
        ),
        base / "config.openshift.io/infrastructures/cluster.yaml": "kind: Infrastructure\n",
    }
    for path, text in docs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    layout = [(cpu, cpu % 2, (cpu % 40) // 2, cpu % 2) for cpu in range(80)]
    snapshot = root / "must-gather" / "nodes" / "worker1" / "sysinfo.tgz"
    snapshot.parent.mkdir(parents=True)
    with tarfile.open(snapshot, "w:gz") as archive:
        for name, text in sysfs_files(layout).items():
            info = tarfile.TarInfo(name)
            info.size = len(text)
            archive.addfile(info, io.BytesIO(text.encode()))
    return root


STAGES = r"""
import sys, time
t = time.perf_counter
marks = [("start", t())]
from nto_performance.ppc import cli, run
from nto_performance.ppc.mustgather import MustGather
marks.append(("import creator", t()))
gather = MustGather.open(sys.argv[1])
marks.append(("walk must-gather", t()))
nodes, pools = gather.nodes(), gather.pools()
gather.is_hosted()
marks.append(("parse nodes/pools/infra (pydantic)", t()))
from nto_performance.ppc.selection import nodes_of_pool
from nto_performance.ppc.snapshot import load_hardware
targets = nodes_of_pool(nodes, pools, "worker-cnf")
hardware = load_hardware(gather.snapshot_of(targets[0].metadata.name))
marks.append(("read the pool's snapshot", t()))
from nto_performance.ppc.allocation import allocate_cpus
allocation = allocate_cpus(hardware, reserved_count=4)
marks.append(("allocate", t()))
options = cli.parse_options(["--must-gather-dir-path", sys.argv[1], *sys.argv[2:]])
output = run.run(options, warn=lambda message: None)
marks.append(("whole pipeline again (warm)", t()))
for (_, before), (name, after) in zip(marks, marks[1:]):
    print(f"  {name:<38} {1000 * (after - before):7.1f} ms")
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        if REFERENCE.is_dir():
            must_gather, source = REFERENCE, "reference must-gather.bare-metal"
        else:
            must_gather, source = synthetic_must_gather(Path(scratch)), "synthetic 80-CPU worker"
        print(f"performance-profile-creator on {source}; whole process: see bench_startup.py")
        print("in-process stages (one run):", flush=True)
        subprocess.run([sys.executable, "-c", STAGES, str(must_gather), *ARGS], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
