"""The status subresource and metadata.generation."""

from __future__ import annotations

import pytest

from tests.testing.conftest import JSON_PATCH, MERGE

DS = "/apis/apps/v1/namespaces/default/daemonsets"


def _ds(http):
    body = {
        "metadata": {"name": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i:1"}]}}},
        "status": {"numberReady": 9},
    }
    return http("POST", DS, body)[2]


def test_main_resource_writes_ignore_status(http):
    created = _ds(http)
    # a real server starts a DaemonSet with a fresh status whatever the create body says
    assert created["status"] == {
        "currentNumberScheduled": 0,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 0,
        "numberReady": 0,
    }
    _, _, patched = http("PATCH", f"{DS}/d", {"status": {"numberReady": 1}}, MERGE)
    assert patched["status"] == created["status"]
    assert patched["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


@pytest.mark.parametrize(
    ("method", "content_type", "body"),
    [
        pytest.param("PATCH", MERGE, {"status": {"numberReady": 3}, "spec": {"x": 1}}, id="merge"),
        pytest.param(
            "PATCH",
            JSON_PATCH,
            [{"op": "replace", "path": "/status/numberReady", "value": 3}],
            id="json-patch",
        ),
        pytest.param("PUT", "application/json", None, id="put"),
    ],
)
def test_status_writes_change_only_status(http, method, content_type, body):
    created = _ds(http)
    if body is None:
        body = dict(created, status={"numberReady": 3}, spec={"changed": True})
    status, _, obj = http(method, f"{DS}/d/status", body, content_type)
    assert status == 200
    assert obj["status"]["numberReady"] == 3
    assert obj["spec"] == created["spec"]
    assert obj["metadata"]["generation"] == 1


def test_generation_bumps_on_spec_changes_only(http):
    _ds(http)
    gen = lambda obj: obj["metadata"]["generation"]  # noqa: E731
    _, _, labelled = http("PATCH", f"{DS}/d", {"metadata": {"labels": {"a": "b"}}}, MERGE)
    assert gen(labelled) == 1
    _, _, changed = http("PATCH", f"{DS}/d", {"spec": {"minReadySeconds": 5}}, MERGE)
    assert gen(changed) == 2
    _, _, status = http("PATCH", f"{DS}/d/status", {"status": {"numberReady": 0}}, MERGE)
    assert gen(status) == 2


def test_status_put_with_stale_resource_version_conflicts(http):
    created = _ds(http)
    http("PATCH", f"{DS}/d", {"spec": {"minReadySeconds": 5}}, MERGE)
    assert http("PUT", f"{DS}/d/status", created)[0] == 409


def test_status_on_resource_without_it_is_404(http):
    http("POST", "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "c"}})
    assert http("GET", "/api/v1/namespaces/default/configmaps/c/status")[0] == 404


def test_custom_resource_create_drops_status(http):
    status, _, obj = http(
        "POST",
        "/apis/config.openshift.io/v1/clusteroperators",
        {"metadata": {"name": "node-tuning"}, "status": {"versions": []}},
    )
    assert status == 201
    assert "status" not in obj
    _, _, obj = http(
        "PUT",
        "/apis/config.openshift.io/v1/clusteroperators/node-tuning/status",
        dict(obj, status={"conditions": [{"type": "Available", "status": "True"}]}),
    )
    assert obj["status"]["conditions"][0]["type"] == "Available"


def test_strategic_patch_merges_containers_by_name(http):
    _ds(http)
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "c", "image": "i:2"}, {"name": "d", "image": "j"}]}
            }
        }
    }
    _, _, obj = http("PATCH", f"{DS}/d", patch, "application/strategic-merge-patch+json")
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [("c", "i:2"), ("d", "j")]
