"""Fixtures for the renderer tests: a v2 PerformanceProfile builder with valid defaults.

``make_profile(**overrides)`` returns a `PerformanceProfile`. Keyword arguments override spec
fields by wire (camelCase) or Python name; ``cpu`` is merged into the default CPU split, a value of
``None`` removes a field. ``name``, ``annotations`` and ``labels`` go to the metadata.
"""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from nto_api.performance.v2 import PerformanceProfile

DEFAULT_SPEC: dict[str, Any] = {
    "cpu": {"reserved": "0-1", "isolated": "2-7"},
    "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
}


class ProfileBuilder(Protocol):
    def __call__(
        self,
        *,
        name: str = ...,
        annotations: dict[str, str] | None = ...,
        labels: dict[str, str] | None = ...,
        uid: str | None = ...,
        **spec: Any,
    ) -> PerformanceProfile: ...


def build_profile(
    *,
    name: str = "manual",
    annotations: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    uid: str | None = None,
    **spec_overrides: Any,
) -> PerformanceProfile:
    """A valid v2 profile: reserved 0-1, isolated 2-7, worker-cnf nodes; see the module doc."""
    spec: dict[str, Any] = {
        k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_SPEC.items()
    }
    for key, value in spec_overrides.items():
        if key == "cpu" and value is not None:
            spec["cpu"] = {**spec["cpu"], **value}
            spec["cpu"] = {k: v for k, v in spec["cpu"].items() if v is not None}
        elif value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    metadata: dict[str, Any] = {"name": name}
    if annotations is not None:
        metadata["annotations"] = annotations
    if labels is not None:
        metadata["labels"] = labels
    if uid is not None:
        metadata["uid"] = uid
    return PerformanceProfile.model_validate({"metadata": metadata, "spec": spec})


@pytest.fixture
def make_profile() -> ProfileBuilder:
    """The :func:`build_profile` builder."""
    return build_profile
