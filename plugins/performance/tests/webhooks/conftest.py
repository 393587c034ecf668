"""Fixtures for the webhook tests: wire profiles, review bodies and a fake cluster provider.

``profile(name, **spec)`` builds a valid v2 profile dict (``cpu`` merges into the default split);
``admission_body(obj, operation=...)`` and ``conversion_body(objects, desired)`` build request
bodies; ``FakeProvider`` answers node and profile lookups from lists (or raises / sleeps).
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest

DEFAULT_SPEC: dict[str, Any] = {
    "cpu": {"reserved": "0-1", "isolated": "2-7"},
    "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
}


def make_profile(name: str = "manual", api_version: str = "v2", **spec: Any) -> dict[str, Any]:
    body = copy.deepcopy(DEFAULT_SPEC)
    for key, value in spec.items():
        if key == "cpu":
            body["cpu"].update(value)
        else:
            body[key] = value
    return {
        "apiVersion": f"performance.openshift.io/{api_version}",
        "kind": "PerformanceProfile",
        "metadata": {"name": name},
        "spec": body,
    }


def make_admission_body(obj: Any, *, operation: str = "CREATE", uid: str = "u-1", **extra) -> bytes:
    request = {
        "uid": uid,
        "kind": {
            "group": "performance.openshift.io",
            "version": "v2",
            "kind": "PerformanceProfile",
        },
        "operation": operation,
        "object": obj,
        **extra,
    }
    return json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    ).encode()


def make_conversion_body(objects: Any, desired: str, uid: str = "c-1") -> bytes:
    request = {"uid": uid, "desiredAPIVersion": desired, "objects": objects}
    return json.dumps(
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "ConversionReview", "request": request}
    ).encode()


def make_node(name: str, arch: str = "amd64", cpus: str = "8") -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "status": {"nodeInfo": {"architecture": arch}, "capacity": {"cpu": cpus}},
    }


class FakeProvider:
    """Answers lookups from lists; an exception instance is raised, ``delay`` sleeps first."""

    def __init__(self, nodes: Any = (), profiles: Any = (), delay: float = 0.0) -> None:
        self._nodes = nodes
        self._profiles = profiles
        self.delay = delay
        self.selectors: list[dict[str, str]] = []

    async def _answer(self, value: Any) -> list[dict[str, Any]]:
        if self.delay:
            await asyncio.sleep(self.delay)
        if isinstance(value, BaseException):
            raise value
        return list(value)

    async def nodes(self, node_selector: Any) -> list[dict[str, Any]]:
        self.selectors.append(dict(node_selector))
        return await self._answer(self._nodes)

    async def profiles(self) -> list[dict[str, Any]]:
        return await self._answer(self._profiles)


@pytest.fixture
def profile() -> Any:
    return make_profile


@pytest.fixture
def admission_body() -> Any:
    return make_admission_body


@pytest.fixture
def conversion_body() -> Any:
    return make_conversion_body


@pytest.fixture
def node() -> Any:
    return make_node


@pytest.fixture
def fake_provider() -> Any:
    return FakeProvider
