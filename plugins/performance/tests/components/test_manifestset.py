"""The composition point: four objects, one per kind, in the apply order of spec section 3.5."""

from __future__ import annotations

from typing import Any

import pytest

from nto_performance.components import manifestset
from nto_performance.components.options import RenderOptions

KINDS = {
    "tuned": ("Tuned", "openshift-node-performance-manual"),
    "machineconfig": ("MachineConfig", "50-performance-manual"),
    "kubeletconfig": ("KubeletConfig", "performance-manual"),
    "runtimeclass": ("RuntimeClass", "performance-manual"),
}


def test_apply_order() -> None:
    assert manifestset.APPLY_ORDER == ("tuned", "machineconfig", "kubeletconfig", "runtimeclass")


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(RenderOptions(), id="plain"),
        pytest.param(RenderOptions(pinning_mode="AllNodes"), id="pinned"),
    ],
)
def test_four_objects_in_order(make_profile: Any, options: RenderOptions) -> None:
    manifests = manifestset.render(make_profile(), options)
    pairs = list(manifests.in_apply_order())
    assert [kind for kind, _ in pairs] == list(KINDS)
    for kind, obj in pairs:
        assert (obj["kind"], obj["metadata"]["name"]) == KINDS[kind]
        assert manifests.by_kind(kind) is obj
        assert "status" not in obj
        assert "creationTimestamp" not in obj["metadata"]
    tuned = manifests.tuned
    assert tuned["metadata"]["namespace"] == "openshift-cluster-node-tuning-operator"


def test_manifest_set_is_frozen(make_profile: Any) -> None:
    manifests = manifestset.render(make_profile(), RenderOptions())
    with pytest.raises(AttributeError):
        manifests.tuned = {}  # type: ignore[misc]


def test_render_is_deterministic(make_profile: Any) -> None:
    profile = make_profile(
        hugepages={"defaultHugepagesSize": "1G", "pages": [{"size": "1G", "count": 2, "node": 0}]},
        realTimeKernel={"enabled": True},
    )
    assert manifestset.render(profile, RenderOptions()) == manifestset.render(
        profile, RenderOptions()
    )
