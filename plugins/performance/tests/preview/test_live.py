"""``nto preview`` live against the emulated API server, through ``--kubeconfig``.

The cluster holds three worker-cnf nodes, their pool, an applied PerformanceProfile, a Tuned
and a node disruption policy; the real ``nto`` process reads them through the API and previews
changes: exit 0 for a TuneD-only or kubelet-restart change, 3 for a reboot, 1 when the cluster
cannot be reached.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_api.crds import load_crds
from nto_performance.crds import load_crds as load_plugin_crds

from .conftest import PROFILE, kubelet_restart_policy, node, pool, profile

NAMESPACE = "openshift-cluster-node-tuning-operator"


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    return load_crds() + load_plugin_crds()


def tuned(name: str, data: str, **recommend: Any) -> dict[str, Any]:
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": {
            "profile": [{"name": name, "data": data}],
            "recommend": [{"profile": name, "priority": 10, **recommend}],
        },
    }


CNF_LABELS = {"machineconfiguration.openshift.io/role": "worker-cnf"}
KARGS = "[main]\nsummary=x\n[bootloader]\ncmdline_x=+nosmt\n"
SYSCTL = "[main]\nsummary=x\n[sysctl]\nvm.swappiness=10\n"


@pytest.fixture
def cluster(emulated_cluster: Any) -> Any:
    emulated_cluster.apply(
        [
            *(node(f"cnf-{i}", "worker-cnf") for i in range(3)),
            node("w-0", "plain"),
            pool("worker"),
            pool("worker-cnf"),
            kubelet_restart_policy(),
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
            PROFILE,
            tuned("kargs", KARGS, machineConfigLabels=CNF_LABELS),
            tuned("sysctl", SYSCTL, match=[{"label": "node-role.kubernetes.io/plain"}]),
        ]
    )
    return emulated_cluster


def preview(kubeconfig: Path, tmp_path: Path, *objects: Any) -> tuple[int, Any, str]:
    path = tmp_path / "in.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "nto",
            "preview",
            "--kubeconfig",
            str(kubeconfig),
            "-f",
            str(path),
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, json.loads(done.stdout) if done.stdout else None, done.stderr


@pytest.mark.parametrize(
    ("objects", "code", "rows"),
    [
        pytest.param(
            [profile(globallyDisableIrqLoadBalancing=True)],
            0,
            [("PerformanceProfile", "cnf", "worker-cnf", 3, "TuneD reload")],
            id="profile-tuned-reload",
        ),
        pytest.param(
            [profile(numa={"topologyPolicy": "restricted"})],
            0,
            [("PerformanceProfile", "cnf", "worker-cnf", 3, "kubelet restart")],
            id="profile-kubelet-restart-by-policy",
        ),
        pytest.param(
            [profile(realTimeKernel={"enabled": True})],
            3,
            [("PerformanceProfile", "cnf", "worker-cnf", 3, "reboot")],
            id="profile-kernel-type-reboots",
        ),
        pytest.param(
            [
                tuned(
                    "kargs",
                    KARGS.replace("nosmt", "nosmt mitigations=off"),
                    machineConfigLabels=CNF_LABELS,
                )
            ],
            3,
            [("Tuned", "kargs", "worker-cnf", 3, "reboot")],
            id="tuned-kernel-args-reboot-the-pool",
        ),
        pytest.param(
            [
                tuned(
                    "sysctl",
                    SYSCTL.replace("10", "20"),
                    match=[{"label": "node-role.kubernetes.io/plain"}],
                )
            ],
            0,
            [("Tuned", "sysctl", "worker", 1, "TuneD reload")],
            id="tuned-sysctl-reloads-matched-nodes",
        ),
        pytest.param(
            [
                tuned(
                    "sysctl",
                    SYSCTL.replace("[sysctl]", "[bootloader]\ncmdline_y=+quiet\n[sysctl]"),
                    match=[{"label": "node-role.kubernetes.io/plain"}],
                )
            ],
            0,
            [("Tuned", "sysctl", "worker", 1, "TuneD reload")],
            id="tuned-kernel-args-by-label-match-do-not-reach-a-machineconfig",
        ),
    ],
)
def test_preview_live(
    cluster: Any, kubeconfig: Path, tmp_path: Path, objects: list[Any], code: int, rows: list[tuple]
) -> None:
    exit_code, document, stderr = preview(kubeconfig, tmp_path, *objects)
    assert exit_code == code, stderr
    found = [
        (row["kind"], row["name"], row["pool"], row["nodeCount"], row["action"])
        for row in document["items"]
    ]
    assert found == rows


def test_an_unreachable_cluster_is_a_clear_error(tmp_path: Path, kubeconfig: Path) -> None:
    config = yaml.safe_load(kubeconfig.read_text())
    config["clusters"][0]["cluster"]["server"] = "https://127.0.0.1:9"
    broken = tmp_path / "broken.kubeconfig"
    broken.write_text(yaml.safe_dump(config))
    exit_code, document, stderr = preview(broken, tmp_path, PROFILE)
    assert exit_code == 1
    assert document is None
    assert stderr.startswith("error: cannot"), stderr
    assert "Traceback" not in stderr
