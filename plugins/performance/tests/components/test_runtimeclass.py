"""RuntimeClass renderer: spec section 3.4."""

from __future__ import annotations

from typing import Any

import pytest

from nto_performance.components import runtimeclass
from nto_performance.components.options import RenderOptions


@pytest.mark.parametrize(
    ("name", "selector"),
    [
        pytest.param("manual", {"node-role.kubernetes.io/worker-cnf": ""}, id="default"),
        pytest.param("rt", {"node-role.kubernetes.io/rt": "", "zone": "a"}, id="two-labels"),
    ],
)
def test_runtime_class(make_profile: Any, name: str, selector: dict[str, str]) -> None:
    profile = make_profile(name=name, nodeSelector=selector)
    assert runtimeclass.render(profile, RenderOptions(pinning_mode="AllNodes")) == {
        "apiVersion": "node.k8s.io/v1",
        "kind": "RuntimeClass",
        "metadata": {"name": f"performance-{name}"},
        "handler": "high-performance",
        "scheduling": {"nodeSelector": selector},
    }


def test_selector_is_a_copy(make_profile: Any) -> None:
    profile = make_profile()
    rendered = runtimeclass.render(profile, RenderOptions())
    rendered["scheduling"]["nodeSelector"]["x"] = "y"
    assert "x" not in profile.spec.node_selector
