"""``nto preview --from-reference``: what taking over from the Go operator rewrites.

The cluster (a must-gather, and live through the emulated API server) holds a profile and the
objects the Go operator wrote for it, built here from our own render with the differences the
Go operator's objects have: other node-script text in the MachineConfig (rewritten: reboot),
Go's zero values in the KubeletConfiguration (not rewritten), or missing labels on the
MachineConfig (a metadata-only rewrite, no node action).
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto_api.crds import load_crds
from nto_performance.crds import load_crds as load_plugin_crds
from nto_performance.preview.command import run
from nto_performance.preview.plan import ClusterFacts, render_profile

from .conftest import PROFILE, node, pool, write_must_gather

NAMESPACE = "openshift-cluster-node-tuning-operator"
SCRIPT = "/usr/local/bin/clear-irqbalance-banned-cpus.sh"


def go_objects(*, script_differs: bool) -> list[dict[str, Any]]:
    facts = ClusterFacts.build(pools=[pool("worker"), pool("worker-cnf")])
    _, rendered, problem = render_profile(PROFILE, facts)
    assert problem is None
    objects = copy.deepcopy(rendered)
    kubelet = objects["kubeletconfig"]["spec"]["kubeletConfig"]
    kubelet.update({"syncFrequency": "0s", "logging": {"verbosity": 0}, "podPidsLimit": 0})
    objects["tuned"]["metadata"]["namespace"] = NAMESPACE
    if not script_differs:
        objects["machineconfig"]["metadata"]["labels"] = {}
    if script_differs:
        for entry in objects["machineconfig"]["spec"]["config"]["storage"]["files"]:
            if entry["path"] == SCRIPT:
                text = b"#!/bin/bash\n# the Go operator's script\ntrue\n"
                entry["contents"]["source"] = "data:text/plain;charset=utf-8;base64," + (
                    base64.b64encode(text).decode()
                )
    return list(objects.values())


def write_owned(root: Path, objects: list[dict[str, Any]]) -> None:
    base = next(root.iterdir())
    where = {
        "MachineConfig": base
        / "cluster-scoped-resources/machineconfiguration.openshift.io/machineconfigs",
        "KubeletConfig": base
        / "cluster-scoped-resources/machineconfiguration.openshift.io/kubeletconfigs",
        "RuntimeClass": base / "cluster-scoped-resources/node.k8s.io/runtimeclasses",
        "Tuned": base / f"namespaces/{NAMESPACE}/tuned.openshift.io/tuneds",
    }
    for obj in objects:
        directory = where[obj["kind"]]
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{obj['metadata']['name']}.yaml").write_text(yaml.safe_dump(obj))


@pytest.mark.parametrize(("script_differs", "code"), [(True, 3), (False, 0)])
def test_handover_from_a_must_gather(
    tmp_path: Path, capsys: Any, script_differs: bool, code: int
) -> None:
    root = write_must_gather(tmp_path / "mg", profiles=[PROFILE])
    write_owned(root, go_objects(script_differs=script_differs))
    args = argparse.Namespace(
        filename=None, output="json", must_gather_dir_path=str(root), from_reference=True
    )
    assert run(args) == code
    [row] = json.loads(capsys.readouterr().out)["items"]
    assert (row["name"], row["pool"], row["nodeCount"]) == ("cnf", "worker-cnf", 3)
    changed = {change["kind"]: change for change in row["changes"]}
    if script_differs:
        assert set(changed) == {"MachineConfig"}  # KubeletConfig zero values: not rewritten
        assert changed["MachineConfig"]["reasons"] == [f"files changed: {SCRIPT}"]
        diff = changed["MachineConfig"]["diff"].splitlines()
        removed = [line for line in diff if line.startswith("-")]
        assert any(line[1:].strip() == "# the Go operator's script" for line in removed)
    else:
        assert (row["action"], changed) == ("none", {})
        note = "MachineConfig '50-performance-cnf': rewrites metadata.labels only"
        assert note in row["notes"]


def test_handover_needs_profiles_and_no_file(tmp_path: Path, capsys: Any) -> None:
    root = write_must_gather(tmp_path / "mg")
    args = argparse.Namespace(
        filename=None, output="json", must_gather_dir_path=str(root), from_reference=True
    )
    assert run(args) == 1
    assert "has no PerformanceProfile" in capsys.readouterr().err
    args.filename = ["x.yaml"]
    assert run(args) == 1
    assert "drop -f" in capsys.readouterr().err


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    return load_crds() + load_plugin_crds()


def test_handover_live(emulated_cluster: Any, kubeconfig: Path) -> None:
    emulated_cluster.apply(
        [
            *(node(f"cnf-{i}", "worker-cnf") for i in range(3)),
            pool("worker"),
            pool("worker-cnf"),
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
            PROFILE,
            *go_objects(script_differs=True),
        ]
    )
    done = subprocess.run(
        [sys.executable, "-m", "nto", "preview", "--from-reference", f"--kubeconfig={kubeconfig}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines()[1].split()[:5] == [
        "PerformanceProfile",
        "cnf",
        "worker-cnf",
        "3",
        "reboot",
    ]
    assert f"reason: MachineConfig 50-performance-cnf: files changed: {SCRIPT}" in done.stdout
