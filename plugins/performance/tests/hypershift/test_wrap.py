"""The ConfigMaps a profile ConfigMap turns into: names, labels, owner, content, updates."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from nto_performance.components import manifestset
from nto_performance.components.options import RenderOptions
from nto_performance.hypershift import names
from nto_performance.hypershift.decode import decode_profile_configmap
from nto_performance.hypershift.wrap import (
    configmap_update,
    decode_status,
    status_configmap,
    wrapped_configmaps,
)

from .conftest import HCP_NAMESPACE, profile_configmap

COMMON = {
    "hypershift.openshift.io/performanceProfileName": "perf",
    "hypershift.openshift.io/nodePool": "np1",
}


def _wrapped() -> tuple[dict[str, Any], dict[str, dict[str, Any]], manifestset.ManifestSet]:
    source = profile_configmap()
    decoded = decode_profile_configmap(source)
    manifests = manifestset.render(decoded.profile, RenderOptions())
    out = wrapped_configmaps(
        source, manifests, profile_name=decoded.name, node_pool=decoded.node_pool
    )
    return source, out, manifests


@pytest.mark.parametrize(
    ("kind", "name", "labels", "key", "object_kind"),
    [
        (
            "tuned",
            "tuned-perfprofile-np1",
            {"hypershift.openshift.io/tuned-config": "true"},
            "tuning",
            "Tuned",
        ),
        (
            "machineconfig",
            "machineconfig-perfprofile-np1",
            {"hypershift.openshift.io/nto-generated-machine-config": "true"},
            "config",
            "MachineConfig",
        ),
        (
            "kubeletconfig",
            "kubeletconfig-perfprofile-np1",
            {
                "hypershift.openshift.io/nto-generated-machine-config": "true",
                "hypershift.openshift.io/kubeletconfig-config": "true",
            },
            "config",
            "KubeletConfig",
        ),
    ],
)
def test_wrapped_configmap_shape(
    kind: str, name: str, labels: dict[str, str], key: str, object_kind: str
) -> None:
    _, out, manifests = _wrapped()
    cm = out[kind]
    meta = cm["metadata"]
    assert meta["name"] == name
    assert meta["namespace"] == HCP_NAMESPACE
    assert meta["labels"] == {**COMMON, **labels}
    assert meta["annotations"] == {"hypershift.openshift.io/nodePool": "clusters/np1"}
    assert meta["ownerReferences"] == [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "name": "perfprofile-np1",
            "uid": "cm-uid-1",
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    assert list(cm["data"]) == [key]
    inner = yaml.safe_load(cm["data"][key])
    assert inner["kind"] == object_kind
    assert inner == manifests.by_kind(kind)  # type: ignore[arg-type]
    assert "ownerReferences" not in inner["metadata"]


def test_tuned_keeps_its_plain_name_for_the_core_sync_to_rename() -> None:
    _, out, _ = _wrapped()
    tuned = yaml.safe_load(out["tuned"]["data"]["tuning"])
    assert tuned["metadata"]["name"] == "openshift-node-performance-perf"


def test_status_configmap_and_unique_tuned_name() -> None:
    source = profile_configmap()
    status = {"tuned": names.status_tuned("perf", "np1"), "runtimeClass": "performance-perf"}
    cm = status_configmap(source, status, profile_name="perf", node_pool="clusters/np1")
    assert cm["metadata"]["name"] == "status-perfprofile-np1"
    assert cm["metadata"]["labels"] == {
        **COMMON,
        "hypershift.openshift.io/nto-generated-performance-profile-status": "true",
    }
    assert decode_status(cm) == status
    # <name>-<fnv32a("np1") as %08x>, the core's Tuned sync naming
    assert status["tuned"] == (
        "openshift-cluster-node-tuning-operator/openshift-node-performance-perf-566a8046"
    )


@pytest.mark.parametrize(
    ("pool", "suffix"),
    [("", "811c9dc5"), ("a", "e40c292c"), ("foobar", "bf9cf968"), ("np1", "566a8046")],
)
def test_tuned_unique_name_is_fnv32a_of_the_node_pool(pool: str, suffix: str) -> None:
    assert names.tuned_unique_name("t", pool) == f"t-{suffix}"


@pytest.mark.parametrize(
    "data",
    [None, {}, {"status": "a: [1"}, {"status": "- 1\n"}, {"status": 5}],
    ids=["no-data", "no-key", "broken", "list", "not-text"],
)
def test_unreadable_status_reads_as_empty(data: dict[str, Any] | None) -> None:
    assert decode_status({"data": data}) == {}


def test_update_none_when_equal_and_data_when_changed() -> None:
    _, out, _ = _wrapped()
    desired = out["machineconfig"]
    stored = {**copy.deepcopy(desired), "metadata": {**desired["metadata"], "resourceVersion": "7"}}
    assert configmap_update(stored, desired) is None
    stale = copy.deepcopy(stored)
    stale["data"]["config"] = "old"
    updated = configmap_update(stale, desired)
    assert updated is not None
    assert updated["data"] == desired["data"]
    assert updated["metadata"]["resourceVersion"] == "7"


def test_update_restores_labels_and_owner_and_keeps_foreign_ones() -> None:
    _, out, _ = _wrapped()
    desired = out["kubeletconfig"]
    stored = copy.deepcopy(desired)
    stored["metadata"]["labels"] = {"team": "a"}
    stored["metadata"]["annotations"] = {"note": "x"}
    foreign = {"apiVersion": "v1", "kind": "Secret", "name": "s", "uid": "s-1"}
    stored["metadata"]["ownerReferences"] = [
        foreign,
        {**desired["metadata"]["ownerReferences"][0], "uid": "old-uid"},
    ]
    updated = configmap_update(stored, desired)
    assert updated is not None
    assert updated["metadata"]["labels"] == {"team": "a", **desired["metadata"]["labels"]}
    assert updated["metadata"]["annotations"]["note"] == "x"
    assert updated["metadata"]["ownerReferences"] == [
        foreign,
        desired["metadata"]["ownerReferences"][0],
    ]
