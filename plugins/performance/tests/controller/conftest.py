"""Fixtures for the controller tests: wire-dict builders for profiles, pools and nodes.

``pp(**overrides)`` builds a PerformanceProfile wire dict (``cpu`` merged, ``annotations``,
``finalizers``, ``uid`` and ``status`` to metadata/status); ``pool(name, ...)`` a
MachineConfigPool; ``model(pp_dict)`` parses a profile.
"""

from __future__ import annotations

import copy
from typing import Any

from nto_api.foreign.mco import MachineConfigPool
from nto_api.performance.v2 import PerformanceProfile

ROLE = "machineconfiguration.openshift.io/role"


def pp(
    name: str = "manual",
    *,
    role: str = "worker-cnf",
    annotations: dict[str, str] | None = None,
    finalizers: list[str] | None = None,
    uid: str = "uid-1",
    status: dict[str, Any] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "performance.openshift.io/v2",
        "kind": "PerformanceProfile",
        "metadata": {"name": name, "uid": uid, "generation": 1},
        "spec": {
            "cpu": {"reserved": "0-1", "isolated": "2-3", **spec.pop("cpu", {})},
            "nodeSelector": {f"node-role.kubernetes.io/{role}": ""},
            **spec,
        },
    }
    if annotations is not None:
        body["metadata"]["annotations"] = annotations
    if finalizers is not None:
        body["metadata"]["finalizers"] = finalizers
    if status is not None:
        body["status"] = status
    return body


def pool(
    name: str = "worker-cnf",
    *,
    labels: dict[str, str] | None = None,
    mc_selector: dict[str, Any] | None = None,
    node_selector: dict[str, Any] | None = None,
    conditions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfigPool",
        "metadata": {"name": name, "labels": {ROLE: name} if labels is None else labels},
        "spec": {
            "machineConfigSelector": {
                "matchExpressions": [{"key": ROLE, "operator": "In", "values": ["worker", name]}]
            }
            if mc_selector is None
            else mc_selector,
            "nodeSelector": {"matchLabels": {f"node-role.kubernetes.io/{name}": ""}}
            if node_selector is None
            else node_selector,
        },
    }
    if conditions is not None:
        body["status"] = {"conditions": conditions}
    return body


def model(body: dict[str, Any]) -> PerformanceProfile:
    return PerformanceProfile.model_validate(copy.deepcopy(body))


def pool_model(body: dict[str, Any]) -> MachineConfigPool:
    return MachineConfigPool.model_validate(body)
