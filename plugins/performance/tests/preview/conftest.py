"""Fixtures for the preview tests: a small must-gather tree and wire objects.

``write_must_gather(root, profiles=..., tuneds=..., policy=...)`` writes the layout
``oc adm must-gather`` produces (one level below ``root``): three worker-cnf nodes, one plain
worker, the pools, and optionally PerformanceProfiles, Tuneds and the MachineConfiguration.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROLE = "machineconfiguration.openshift.io/role"
REFERENCE_MUST_GATHER = (
    Path(__file__).resolve().parents[4].parent / "shared" / "reference" / "must-gather"
)

PROFILE: dict[str, Any] = {
    "apiVersion": "performance.openshift.io/v2",
    "kind": "PerformanceProfile",
    "metadata": {"name": "cnf"},
    "spec": {
        "cpu": {"reserved": "0-1", "isolated": "2-7"},
        "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
    },
}


def profile(**spec: Any) -> dict[str, Any]:
    obj = copy.deepcopy(PROFILE)
    obj["spec"].update(spec)
    return obj


def node(name: str, role: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {f"node-role.kubernetes.io/{role}": "", "node-role.kubernetes.io/worker": ""},
        },
        "status": {"capacity": {"cpu": "8"}, "nodeInfo": {"architecture": "amd64"}},
    }


def pool(name: str) -> dict[str, Any]:
    values = ["worker", name] if name != "worker" else ["worker"]
    return {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfigPool",
        "metadata": {"name": name, "labels": {ROLE: name}},
        "spec": {
            "machineConfigSelector": {
                "matchExpressions": [{"key": ROLE, "operator": "In", "values": values}]
            },
            "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{name}": ""}},
        },
    }


def kubelet_restart_policy() -> dict[str, Any]:
    return {
        "apiVersion": "operator.openshift.io/v1",
        "kind": "MachineConfiguration",
        "metadata": {"name": "cluster"},
        "spec": {
            "nodeDisruptionPolicy": {
                "files": [
                    {
                        "path": "/etc/kubernetes/kubelet.conf",
                        "actions": [
                            {"type": "Restart", "restart": {"serviceName": "kubelet.service"}}
                        ],
                    }
                ]
            }
        },
    }


def _write(directory: Path, name: str, obj: Any) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.yaml").write_text(yaml.safe_dump(obj))


def write_must_gather(
    root: Path,
    *,
    profiles: list[dict[str, Any]] = (),  # type: ignore[assignment]
    tuneds: list[dict[str, Any]] = (),  # type: ignore[assignment]
    policy: dict[str, Any] | None = None,
) -> Path:
    base = root / "quay-io-must-gather-sha256-0000"
    cluster = base / "cluster-scoped-resources"
    for name, role in (("cnf-0", "worker-cnf"), ("cnf-1", "worker-cnf"), ("cnf-2", "worker-cnf")):
        _write(cluster / "core" / "nodes", name, node(name, role))
    _write(cluster / "core" / "nodes", "w-0", node("w-0", "plain"))
    for name in ("worker", "worker-cnf"):
        _write(
            cluster / "machineconfiguration.openshift.io" / "machineconfigpools", name, pool(name)
        )
    for obj in profiles:
        directory = cluster / "performance.openshift.io" / "performanceprofiles"
        _write(directory, obj["metadata"]["name"], obj)
    for obj in tuneds:
        directory = (
            base / "namespaces" / "openshift-cluster-node-tuning-operator" / "tuned.openshift.io"
        )
        _write(directory / "tuneds", obj["metadata"]["name"], obj)
    if policy is not None:
        _write(cluster / "operator.openshift.io" / "machineconfigurations", "cluster", policy)
    return root
