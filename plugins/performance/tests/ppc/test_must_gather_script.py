"""The must-gather collection script: shellcheck-clean, and its steps against a fake ``oc``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "nto_performance" / "mustgather" / "gather.sh"

FAKE_OC = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >> "${OC_LOG}"
case "$1" in
  get)
    if [[ "$2" == nodes ]]; then printf 'node/worker-a\nnode/worker-b\n'
    elif [[ "$*" == *--all-namespaces* ]]; then printf 'example.com/nto:test'
    else printf 'gather-pod-1 worker-a\n'; fi ;;
  exec) shift 5; printf 'output of %s\n' "$*" ;;
  adm) if [[ "$2" == node-logs ]]; then printf 'kubelet journal\n'; fi ;;
  apply) cat > "${OC_LOG}.applied" ;;
esac
"""


def test_shellcheck_clean() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    result = subprocess.run(
        [shellcheck, "-x", str(SCRIPT)], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout


def test_collects_and_cleans_up(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    oc = bin_dir / "oc"
    oc.write_text(FAKE_OC)
    oc.chmod(0o755)
    log = tmp_path / "oc.log"
    out = tmp_path / "must-gather"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "OC_LOG": str(log),
        "BASE_COLLECTION_PATH": str(out),
        "HOSTNAME": "must-gather-pod",
    }
    result = subprocess.run(
        ["bash", str(SCRIPT)], check=False, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert (out / "version").read_text().startswith("performance-must-gather ")
    for resource in ("nodes", "machineconfigpools", "infrastructures", "performanceprofiles"):
        assert any(c.startswith("adm inspect") and resource in c for c in calls), resource
    applied = Path(f"{log}.applied").read_text()
    assert "name: perf-node-gather-daemonset" in applied
    assert "image: example.com/nto:test" in applied
    assert "hostPID: true" in applied
    node = out / "nodes" / "worker-a"
    assert (
        (node / "sysinfo.tgz")
        .read_text()
        .startswith(
            "output of python3 -m nto_performance.ppc.gather snapshot --root /host --output -"
        )
    )
    for name in ("lscpu", "lspci", "proc_cmdline", "dmesg", "worker-a_logs_kubelet.gz"):
        assert (node / name).stat().st_size > 0, name
    assert (out / "nodes" / "skipped_nodes.txt").read_text() == "worker-b\n"
    deletes = [index for index, call in enumerate(calls) if call.startswith("delete")]
    assert deletes
    assert deletes[0] > max(i for i, c in enumerate(calls) if c.startswith("exec"))
    assert any("namespace/perf-node-gather" in calls[i] for i in deletes)
    assert any("clusterrolebinding/perf-node-gather" in calls[i] for i in deletes)
