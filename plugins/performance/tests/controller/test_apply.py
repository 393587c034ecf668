"""The ordered apply and deletion through a fake writer: order, the pool gate, real
differences only, outdated Tuneds, and deletion order."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nto_performance.components import manifestset
from nto_performance.components.options import RenderOptions
from nto_performance.controller.apply import (
    DELETION_ORDER,
    apply_manifests,
    component_names,
    delete_components,
)
from nto_performance.controller.diff import controller_owner, differences, merged_for_update

from .conftest import model, pp


class FakeWriter:
    def __init__(self, stuck: set[str] = frozenset()) -> None:
        self.store: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[tuple[str, str, str]] = []
        self.stuck = stuck

    async def get(self, kind, name):
        found = self.store.get((kind, name))
        return copy.deepcopy(found) if found else None

    async def create(self, kind, obj):
        name = obj["metadata"]["name"]
        self.calls.append(("create", kind, name))
        stored = copy.deepcopy(obj)
        stored["metadata"]["generation"] = 1
        self.store[(kind, name)] = stored
        return copy.deepcopy(stored)

    async def replace(self, kind, obj):
        name = obj["metadata"]["name"]
        self.calls.append(("replace", kind, name))
        stored = copy.deepcopy(obj)
        stored["metadata"]["generation"] = obj["metadata"].get("generation", 1) + 1
        self.store[(kind, name)] = stored
        return copy.deepcopy(stored)

    async def delete(self, kind, name):
        self.calls.append(("delete", kind, name))
        if name in self.stuck:
            return True
        return self.store.pop((kind, name), None) is not None

    async def list_tuneds(self):
        return [copy.deepcopy(v) for (k, _), v in self.store.items() if k == "tuned"]


PROFILE = pp()
OWNER = controller_owner(PROFILE)


def manifests(body: dict[str, Any] = PROFILE) -> manifestset.ManifestSet:
    return manifestset.render(model(body), RenderOptions())


async def test_tuned_first_then_wait_then_the_rest():
    writer = FakeWriter()
    asked: list[tuple[str, int]] = []

    def gate(tuned: str, generation: int) -> bool:
        asked.append((tuned, generation))
        return False

    result = await apply_manifests(manifests(), owner=OWNER, writer=writer, pool_applied=gate)
    assert result.waiting
    assert writer.calls == [("create", "tuned", "openshift-node-performance-manual")]
    assert asked == [("openshift-node-performance-manual", 1)]

    result = await apply_manifests(
        manifests(), owner=OWNER, writer=writer, pool_applied=lambda *_: True
    )
    assert not result.waiting
    assert [c[1] for c in writer.calls[1:]] == ["machineconfig", "kubeletconfig", "runtimeclass"]
    for (_, _), obj in writer.store.items():
        assert obj["metadata"]["ownerReferences"] == [OWNER]

    writer.calls.clear()
    result = await apply_manifests(
        manifests(), owner=OWNER, writer=writer, pool_applied=lambda *_: False
    )
    assert writer.calls == []
    assert not result.changed
    assert not result.waiting, "nothing changed: no wait"


async def test_edit_updates_only_what_differs_and_removes_outdated_tuneds():
    writer = FakeWriter()
    await apply_manifests(manifests(), owner=OWNER, writer=writer, pool_applied=lambda *_: True)
    outdated = copy.deepcopy(writer.store[("tuned", "openshift-node-performance-manual")])
    outdated["metadata"]["name"] = "performance-manual-old"
    writer.store[("tuned", "performance-manual-old")] = outdated
    foreign = copy.deepcopy(outdated)
    foreign["metadata"] |= {"name": "someone-else", "ownerReferences": []}
    writer.store[("tuned", "someone-else")] = foreign
    writer.calls.clear()

    edited = pp(annotations={"performance.openshift.io/dra-resource-management": "false"})
    edited["spec"]["cpu"] = {"reserved": "0", "isolated": "1-3"}
    result = await apply_manifests(
        manifests(edited), owner=OWNER, writer=writer, pool_applied=lambda *_: True
    )
    assert ("delete", "tuned", "performance-manual-old") in writer.calls
    assert ("tuned", "someone-else") in writer.store
    replaced = [c[1] for c in writer.calls if c[0] == "replace"]
    assert replaced == ["tuned", "machineconfig", "kubeletconfig"], "RuntimeClass is unchanged"
    assert result.changed


async def test_deletion_order_and_what_remains():
    writer = FakeWriter(stuck={"performance-manual"})
    await apply_manifests(manifests(), owner=OWNER, writer=writer, pool_applied=lambda *_: True)
    writer.calls.clear()
    remaining = await delete_components(writer, "manual")
    assert [c[1] for c in writer.calls] == list(DELETION_ORDER)
    assert remaining == ["kubeletconfigs/performance-manual", "runtimeclasses/performance-manual"]
    writer.stuck = set()
    assert await delete_components(writer, "manual") == []


def test_component_names():
    assert component_names("x") == {
        "tuned": "openshift-node-performance-x",
        "machineconfig": "50-performance-x",
        "kubeletconfig": "performance-x",
        "runtimeclass": "performance-x",
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(lambda o: None, [], id="same"),
        pytest.param(lambda o: o["metadata"].update(resourceVersion="9"), [], id="server-fields"),
        pytest.param(
            lambda o: o["metadata"].update(labels={"user": "x"}), [], id="extra-user-label-kept"
        ),
        pytest.param(
            lambda o: o["spec"]["kubeletConfig"].update(cpuManagerPolicy="none"),
            ["spec"],
            id="spec",
        ),
        pytest.param(
            lambda o: o["spec"]["kubeletConfig"].update(extra=None), [], id="null-is-absent"
        ),
        pytest.param(
            lambda o: o["metadata"].update(ownerReferences=[]),
            ["metadata.ownerReferences"],
            id="owner-missing",
        ),
        pytest.param(
            # as the Go operator serializes every KubeletConfiguration field
            lambda o: o["spec"]["kubeletConfig"].update(
                syncFrequency="0s",
                containerRuntimeEndpoint="",
                authentication={"anonymous": {}, "webhook": {"cacheTTL": "0s"}, "x509": {}},
                logging={"flushFrequency": 0, "options": {"json": {"infoBufferSize": "0"}}},
                crashLoopBackOff={},
            ),
            [],
            id="go-zero-values",
        ),
        pytest.param(
            lambda o: o["spec"]["kubeletConfig"].update(syncFrequency="1m0s"),
            ["spec"],
            id="non-zero-duration",
        ),
        pytest.param(
            lambda o: o["spec"]["kubeletConfig"].update(maxPods=1),
            ["spec"],
            id="non-zero-number",
        ),
    ],
)
def test_differences_kubeletconfig(change, expected):
    desired = {**manifests().kubelet_config}
    desired["metadata"] = {**desired["metadata"], "ownerReferences": [OWNER]}
    existing = copy.deepcopy(desired)
    change(existing)
    assert differences("kubeletconfig", existing, desired) == expected


def test_merge_keeps_user_labels_and_replaces_content():
    desired = copy.deepcopy(manifests().runtime_class)
    desired["metadata"]["labels"] = {"ours": "1"}
    desired["metadata"]["ownerReferences"] = [OWNER]
    existing = copy.deepcopy(desired)
    existing["metadata"] |= {"labels": {"user": "x"}, "resourceVersion": "5"}
    existing["handler"] = "runc"
    existing["overhead"] = {"podFixed": {"cpu": "1"}}
    assert differences("runtimeclass", existing, desired) == [
        "handler",
        "overhead",
        "metadata.labels",
    ]
    merged = merged_for_update("runtimeclass", existing, desired)
    assert merged["handler"] == "high-performance"
    assert "overhead" not in merged
    assert merged["metadata"]["labels"] == {"user": "x", "ours": "1"}
    assert merged["metadata"]["resourceVersion"] == "5"
    assert differences("runtimeclass", merged, desired) == []
