"""Whole-process start-up of the short commands users run by hand or from installers.

The installer runs ``render`` at bootstrap and admins run the profile creator by hand, so each
figure is a whole process, cold import included: wall time, CPU time (user + system, far less
disturbed by other processes than wall time) and peak RSS (the child's own ``ru_maxrss`` from
``wait4``), median of ``NTO_BENCH_RUNS`` (7) runs. When the Go binaries are in
``../shared/reference-bin`` they are unpacked to a scratch directory and run alternately with
ours on the same input; each ratio (wall and CPU) is the median of the pairwise ratios, which
cancels most of the noise of a busy machine. Without them the ratio column says so. Ours run on an
interpreter that sees our packages as the image installs them (`installed_python`: the dev
venv's editable finders and example plugin add ~25 ms the product does not have).

Commands (goals from the start-up issue): ``render`` of the reference default scenario (<= 2x the
Go binary, <= 40 MiB), ``performance-profile-creator`` on the bare-metal must-gather
(<= 0.3 s), ``--help`` (<= 150 ms). Arguments pick commands by a word of their name
(``bench_startup.py render``). Prints numbers; never fails on them.
"""

from __future__ import annotations

import compileall
import lzma
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RUNS = int(os.environ.get("NTO_BENCH_RUNS", "7"))
BIN = Path(sys.executable).parent
RENDER_INPUTS = SHARED / "reference" / "render" / "inputs"
FIXTURE_INPUTS = ROOT / "plugins" / "performance" / "tests" / "render" / "fixtures" / "inputs"
MUST_GATHER = SHARED / "reference" / "must-gather" / "must-gather.bare-metal"
PPC_ARGS = [
    "--mcp-name=worker-cnf",
    "--reserved-cpu-count=4",
    "--rt-kernel=true",
    "--power-consumption-mode=low-latency",
]


@dataclass(frozen=True)
class Case:
    """One command line, ours and (when the Go binary exists) the reference's."""

    name: str
    ours: list[str]
    theirs: list[str] | None
    goal: str
    wants_output_dir: bool = False


@dataclass(frozen=True)
class Run:
    wall: float
    rss_mib: float
    cpu: float
    """User plus system CPU seconds: less disturbed by other processes than wall time."""


TRAMPOLINE = r"""
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
      usage.ru_utime + usage.ru_stime)
"""
"""Runs one command and reports its wall time and its own peak RSS. A small process of its own,
because a forked child's ``ru_maxrss`` starts at its parent's."""


def run_once(argv: list[str], scratch: Path, *, wants_output_dir: bool) -> Run:
    """Run `argv` to completion; its wall time and its own peak RSS."""
    output = scratch / "out"
    shutil.rmtree(output, ignore_errors=True)
    full = [*argv, f"--asset-output-dir={output}"] if wants_output_dir else argv
    report = subprocess.run(
        [sys.executable, "-S", "-c", TRAMPOLINE, *full], capture_output=True, text=True, check=True
    ).stdout.split()
    if report[2] != "0":
        raise SystemExit(f"{' '.join(full)} exited {report[2]}")
    return Run(wall=float(report[0]), rss_mib=int(report[1]) / 1024, cpu=float(report[3]))


def measure(case: Case, scratch: Path) -> str:
    ours: list[Run] = []
    theirs: list[Run] = []
    for argv in (case.ours, case.theirs):  # warm-up, not counted: page cache, bytecode
        if argv:
            run_once(argv, scratch, wants_output_dir=case.wants_output_dir)
    for _ in range(RUNS):  # alternate, so both see the same background load
        ours.append(run_once(case.ours, scratch, wants_output_dir=case.wants_output_dir))
        if case.theirs:
            theirs.append(run_once(case.theirs, scratch, wants_output_dir=case.wants_output_dir))
    ours_ms = statistics.median(run.wall for run in ours) * 1e3
    ours_rss = max(run.rss_mib for run in ours)
    ours_cpu = statistics.median(run.cpu for run in ours) * 1e3
    if theirs:
        ratio = statistics.median(a.wall / b.wall for a, b in zip(ours, theirs, strict=True))
        cpu_ratio = statistics.median(
            a.cpu / b.cpu for a, b in zip(ours, theirs, strict=True) if b.cpu
        )
        theirs_ms = statistics.median(run.wall for run in theirs) * 1e3
        theirs_cpu = statistics.median(run.cpu for run in theirs) * 1e3
        reference = (
            f"{theirs_ms:7.0f} ms {max(run.rss_mib for run in theirs):6.1f} MiB"
            f" {theirs_cpu:6.0f} ms"
        )
        ratio_text = f"{ratio:5.2f}x {cpu_ratio:5.2f}x"
    else:
        reference, ratio_text = f"{'(Go binary absent)':>25}", f"{'-':>6} {'-':>6}"
    return (
        f"{case.name:<28} {ours_ms:6.0f} ms {ours_rss:5.1f} MiB {ours_cpu:6.0f} ms   {reference}"
        f"   {ratio_text}   {case.goal}"
    )


INSTALLED_DISTRIBUTIONS = ("nto", "nto_api", "nto_performance")
"""What the image installs (``Containerfile``); the dev venv adds the example plugin."""


def installed_python(scratch: Path) -> Path:
    """An interpreter that sees our packages as the image's wheel install does.

    The dev venv installs them editable: each start then imports setuptools' editable finders
    (~20 ms of ``site``) and loads the example plugin, neither of which the image has. This
    scratch venv links every package of the dev venv except those, and puts the source
    directories on ``sys.path`` with a plain ``.pth`` (as a wheel's files would be).
    """
    venv = scratch / "installed"
    subprocess.run(
        [sys._base_executable, "-m", "venv", "--without-pip", str(venv)],  # type: ignore[attr-defined]
        check=True,
    )
    (site,) = (venv / "lib").glob("python*/site-packages")
    (dev_site,) = (BIN.parent / "lib").glob("python*/site-packages")
    for entry in dev_site.iterdir():
        name = entry.name
        if name.startswith(
            ("__editable__", "_distutils_hack", "distutils-precedence", "__pycache__")
        ):
            continue
        if (
            name.endswith(".dist-info")
            and name.split("-")[0] not in INSTALLED_DISTRIBUTIONS
            and (name.lower().startswith("nto"))
        ):
            continue
        (site / name).symlink_to(entry)
    sources = [ROOT, ROOT / "api", ROOT / "plugins" / "performance"]
    (site / "nto-sources.pth").write_text("".join(f"{path}\n" for path in sources))
    return venv / "bin" / "python"


def unpack_reference(scratch: Path) -> dict[str, Path]:
    """The Go binaries from ``../shared/reference-bin``, unpacked (never into the repo)."""
    binaries = {}
    for name in ("cluster-node-tuning-operator", "performance-profile-creator"):
        packed = SHARED / "reference-bin" / f"{name}.xz"
        if packed.is_file():
            target = scratch / name
            with lzma.open(packed) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            target.chmod(0o755)
            binaries[name] = target
    return binaries


def cases(reference: dict[str, Path], python: Path) -> list[Case]:
    go_nto = reference.get("cluster-node-tuning-operator")
    go_ppc = reference.get("performance-profile-creator")
    if RENDER_INPUTS.is_dir():
        inputs = ",".join(
            str(RENDER_INPUTS / d) for d in ("base/performance", "manual-cluster/performance")
        )
    else:
        inputs = f"{FIXTURE_INPUTS / 'pools/worker-rt'},{FIXTURE_INPUTS / 'profiles/edge'}"
    render = ["render", f"--asset-input-dir={inputs}"]
    found = [
        Case(
            "render (default scenario)",
            [str(python), str(BIN / "cluster-node-tuning-operator"), *render],
            [str(go_nto), *render] if go_nto else None,
            "<= 2x Go, <= 40 MiB",
            wants_output_dir=True,
        ),
        Case(
            "nto --help",
            [str(python), str(BIN / "nto"), "--help"],
            [str(go_nto), "--help"] if go_nto else None,
            "<= 150 ms",
        ),
    ]
    if MUST_GATHER.is_dir():
        ppc = [f"--must-gather-dir-path={MUST_GATHER}", *PPC_ARGS]
        found.append(
            Case(
                "performance-profile-creator",
                [str(python), str(BIN / "performance-profile-creator"), *ppc],
                [str(go_ppc), *ppc] if go_ppc else None,
                "<= 300 ms",
            )
        )
    else:
        print("performance-profile-creator: skipped (../shared/reference must-gather absent)")
    return found


def compile_sources() -> None:
    """Write the bytecode of our packages, as installing a wheel does.

    The editable install runs from the source tree; with ``PYTHONDONTWRITEBYTECODE`` set (as in
    some shells and CI) every run would recompile them, which no installed product does.
    """
    for package in (
        ROOT / "nto",
        ROOT / "api" / "nto_api",
        ROOT / "plugins" / "performance" / "nto_performance",
    ):
        compileall.compile_dir(package, quiet=1, workers=1)


def main() -> int:
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="nto-bench-startup-") as scratch_name:
        scratch = Path(scratch_name)
        reference = unpack_reference(scratch)
        python = installed_python(scratch)
        print(f"whole process, median of {RUNS} runs, alternating with the Go binary when present;")
        print("ours run as the image installs them (no editable finders, no example plugin)")
        print(
            f"{'command':<28} {'ours: wall':>9} {'peak RSS':>9} {'CPU':>9}   "
            f"{'Go: wall':>9} {'peak RSS':>10} {'CPU':>9}   {'ratio: wall':>11} {'CPU':>6}   goal"
        )
        wanted = sys.argv[1:]  # e.g. ``render``: only the commands whose name contains a word
        for case in cases(reference, python):
            if not wanted or any(word in case.name for word in wanted):
                print(measure(case, scratch), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
