"""Builders for the controller's pure-logic tests: Tuned, Node, MachineConfigPool dicts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from nto.controller.calculator import Calculator
from nto.controller.computed import ComputedProfile, NodeFacts

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "tuned"


def make_tuned(
    name: str,
    *,
    recommend: list[dict[str, Any]] | None = None,
    profiles: dict[str, str] | None = None,
    generation: int = 1,
    annotations: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """A Tuned dict; `profiles` maps TuneD profile name to data."""
    body: dict[str, Any] = dict(spec)
    if profiles is not None:
        body["profile"] = [{"name": n, "data": d} for n, d in profiles.items()]
    if recommend is not None:
        body["recommend"] = recommend
    metadata: dict[str, Any] = {"name": name, "generation": generation}
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": metadata,
        "spec": body,
    }


def rec(profile: str, priority: int | None, *match: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A recommend entry; no `match` arguments means no match key at all."""
    entry: dict[str, Any] = {"profile": profile, **extra}
    if priority is not None:
        entry["priority"] = priority
    if match:
        entry["match"] = list(match)
    return entry


def node(name: str = "node-a", provider_id: str = "", annotations=None, **labels: str) -> NodeFacts:
    """Node facts; keyword labels use ``__`` for ``/`` and ``_`` for ``-`` is NOT applied."""
    return NodeFacts(name, dict(labels), provider_id=provider_id, annotations=annotations or {})


def make_pool(
    name: str,
    *,
    node_selector: dict[str, Any] | None = None,
    mc_selector: dict[str, Any] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if node_selector is not None:
        spec["nodeSelector"] = node_selector
    if mc_selector is not None:
        spec["machineConfigSelector"] = mc_selector
    return {
        "apiVersion": "machineconfiguration.openshift.io/v1",
        "kind": "MachineConfigPool",
        "metadata": {"name": name},
        "spec": spec,
    }


def standard_pools() -> list[dict[str, Any]]:
    """master, worker and worker-rt pools as an OpenShift cluster has them."""
    role = "machineconfiguration.openshift.io/role"
    return [
        make_pool(
            "master",
            node_selector={"matchLabels": {"node-role.kubernetes.io/master": ""}},
            mc_selector={"matchLabels": {role: "master"}},
        ),
        make_pool(
            "worker",
            node_selector={"matchLabels": {"node-role.kubernetes.io/worker": ""}},
            mc_selector={"matchLabels": {role: "worker"}},
        ),
        make_pool(
            "worker-rt",
            node_selector={"matchLabels": {"node-role.kubernetes.io/worker-rt": ""}},
            mc_selector={
                "matchExpressions": [
                    {"key": role, "operator": "In", "values": ["worker", "worker-rt"]}
                ]
            },
        ),
    ]


@pytest.fixture
def reference_dir() -> Path:
    """The reference's Tuned data; skips when it is not checked out next to the repo."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    return REFERENCE


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def calculate_profile(
    tuneds: Iterable[Mapping[str, Any]],
    node: NodeFacts | Mapping[str, Any],
    *,
    pod_labels: Iterable[Mapping[str, str]] = (),
    pools: Sequence[Mapping[str, Any]] = (),
    release_version: str = "",
) -> ComputedProfile:
    """One node's profile from a fresh `Calculator` (the controller keeps one per reconcile)."""
    calculator = Calculator(tuneds, pools=pools, release_version=release_version)
    return calculator.calculate(node, pod_labels)
