"""Fixtures for the validation rule tests: wire profiles, typed subjects and node facts.

``wire(**spec)`` returns a v2 PerformanceProfile dict named ``manual`` with a valid default
spec; keyword arguments replace spec fields (wire names), ``cpu`` is merged into the default CPU
split and a value of ``None`` removes the field. ``subject(cluster=None, **spec)`` parses it
into the :class:`Subject` the rules take. ``nodes(...)`` builds node facts.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nto_api.performance import v2
from nto_performance.validation import ClusterData, NodeFacts, Subject

DEFAULT_SPEC: dict[str, Any] = {
    "cpu": {"reserved": "0-1", "isolated": "2-7"},
    "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
}


def wire_profile(name: str = "manual", **spec: Any) -> dict[str, Any]:
    body = copy.deepcopy(DEFAULT_SPEC)
    for key, value in spec.items():
        if value is None:
            body.pop(key, None)
        elif key == "cpu" and isinstance(value, dict):
            body["cpu"] = {k: v for k, v in {**body["cpu"], **value}.items() if v is not None}
        else:
            body[key] = value
    return {
        "apiVersion": "performance.openshift.io/v2",
        "kind": "PerformanceProfile",
        "metadata": {"name": name},
        "spec": body,
    }


def make_subject(cluster: ClusterData | None = None, **spec: Any) -> Subject:
    profile = v2.PerformanceProfile.model_validate(wire_profile(**spec))
    return Subject(name="manual", spec=profile.spec, cluster=cluster or ClusterData())


def make_nodes(*archs: str, cpus: str = "8") -> tuple[NodeFacts, ...]:
    return tuple(
        NodeFacts(name=f"node-{i}", architecture=arch, cpu_capacity=cpus)
        for i, arch in enumerate(archs)
    )


@pytest.fixture
def wire() -> Any:
    return wire_profile


@pytest.fixture
def subject() -> Any:
    return make_subject


@pytest.fixture
def nodes() -> Any:
    return make_nodes
