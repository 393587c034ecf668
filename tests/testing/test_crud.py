"""Create, get, update, patch, delete and list through raw HTTP."""

from __future__ import annotations

import pytest

from tests.testing.conftest import JSON_PATCH, MERGE, STRATEGIC, configmap

CMS = "/api/v1/namespaces/default/configmaps"


def test_create_sets_server_fields(http):
    status, headers, obj = http("POST", CMS, configmap("a"))
    assert status == 201
    assert headers["Content-Type"].startswith("application/json")
    meta = obj["metadata"]
    assert meta["generation"] == 1
    assert meta["uid"]
    assert meta["creationTimestamp"].endswith("Z")
    assert int(meta["resourceVersion"]) > 0
    assert obj["kind"] == "ConfigMap"
    assert obj["apiVersion"] == "v1"


def test_create_twice_is_already_exists(http):
    http("POST", CMS, configmap("a"))
    status, _, body = http("POST", CMS, configmap("a"))
    assert (status, body["kind"], body["reason"]) == (409, "Status", "AlreadyExists")


def test_generate_name(http):
    body = {"metadata": {"generateName": "job-"}, "data": {}}
    names = {http("POST", CMS, body)[2]["metadata"]["name"] for _ in range(3)}
    assert len(names) == 3
    assert all(name.startswith("job-") and len(name) == 9 for name in names)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"metadata": {}}, 422, id="no-name"),
        pytest.param(
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}}, 400, id="wrong-kind"
        ),
        pytest.param({"metadata": {"name": "x", "namespace": "other"}}, 400, id="wrong-namespace"),
        pytest.param(["not", "an", "object"], 400, id="list-body"),
        pytest.param({"metadata": "x"}, 400, id="metadata-not-object"),
    ],
)
def test_create_rejects_bad_bodies(http, body, status):
    code, _, answer = http("POST", CMS, body)
    assert code == status, answer
    assert answer["kind"] == "Status"


def test_get_missing_is_404_status(http):
    status, _, body = http("GET", f"{CMS}/nope")
    assert (status, body["reason"], body["details"]["name"]) == (404, "NotFound", "nope")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothings",
        "/apis/x.io/v1/things",
        "/api/v1/nodes/a/b/c/d",
        "/api/v1/namespaces/default/nodes",
        "/apis/apps/v9/deployments",
    ],
)
def test_unknown_urls_are_404(http, path):
    assert http("GET", path)[0] == 404


def test_update_conflict_on_stale_resource_version(http):
    created = http("POST", CMS, configmap("a"))[2]
    stale = dict(created, data={"k": "1"})
    assert http("PUT", f"{CMS}/a", stale)[0] == 200
    status, _, body = http("PUT", f"{CMS}/a", dict(created, data={"k": "2"}))
    assert (status, body["reason"]) == (409, "Conflict")
    assert "the object has been modified" in body["message"]


def test_update_without_resource_version_is_unconditional(http):
    http("POST", CMS, configmap("a"))
    status, _, obj = http("PUT", f"{CMS}/a", {"metadata": {"name": "a"}, "data": {"z": "1"}})
    assert status == 200
    assert obj["data"] == {"z": "1"}


def test_noop_update_keeps_resource_version(http):
    created = http("POST", CMS, configmap("a"))[2]
    _, _, again = http("PUT", f"{CMS}/a", created)
    assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


@pytest.mark.parametrize(
    ("content_type", "patch", "data"),
    [
        pytest.param(MERGE, {"data": {"x": "1", "k": None}}, {"x": "1"}, id="merge"),
        pytest.param(
            JSON_PATCH,
            [{"op": "add", "path": "/data/x", "value": "1"}],
            {"k": "v", "x": "1"},
            id="json-patch",
        ),
        pytest.param(STRATEGIC, {"data": {"x": "1"}}, {"k": "v", "x": "1"}, id="strategic"),
    ],
)
def test_patch_flavours(http, content_type, patch, data):
    http("POST", CMS, configmap("a"))
    status, _, obj = http("PATCH", f"{CMS}/a", patch, content_type)
    assert status == 200
    assert obj["data"] == data


@pytest.mark.parametrize(
    ("content_type", "patch", "status"),
    [
        pytest.param("text/plain", {}, 415, id="bad-content-type"),
        pytest.param(JSON_PATCH, [{"op": "remove", "path": "/nope"}], 422, id="remove-missing"),
        pytest.param(JSON_PATCH, {"op": "add"}, 400, id="not-a-list"),
        pytest.param(MERGE, {"metadata": {"resourceVersion": "1"}}, 409, id="stale-rv"),
    ],
)
def test_patch_errors(http, content_type, patch, status):
    http("POST", CMS, configmap("a"))
    assert http("PATCH", f"{CMS}/a", patch, content_type)[0] == status


def test_patch_missing_object_is_404(http):
    assert http("PATCH", f"{CMS}/nope", {"data": {}}, MERGE)[0] == 404


def test_delete_returns_object_then_404(http):
    http("POST", CMS, configmap("a"))
    status, _, body = http("DELETE", f"{CMS}/a")
    assert status == 200
    assert body["metadata"]["name"] == "a"
    assert http("GET", f"{CMS}/a")[0] == 404


def test_list_kind_and_numeric_resource_version(http):
    http("POST", CMS, configmap("a"))
    _, _, listed = http("GET", CMS)
    assert listed["kind"] == "ConfigMapList"
    assert listed["apiVersion"] == "v1"
    assert listed["metadata"]["resourceVersion"].isdigit()
    assert [item["metadata"]["name"] for item in listed["items"]] == ["a"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("labelSelector=app%3Dweb", ["web1", "web2"]),
        ("labelSelector=app%3D%3Dweb", ["web1", "web2"]),
        ("labelSelector=app!%3Dweb", ["db", "plain"]),
        ("labelSelector=app%20in%20(web,db)", ["db", "web1", "web2"]),
        ("labelSelector=app%20notin%20(web)", ["db", "plain"]),
        ("labelSelector=tier", ["web2"]),
        ("labelSelector=!tier", ["db", "plain", "web1"]),
        ("labelSelector=app%3Dweb,tier%3Dfront", ["web2"]),
        ("fieldSelector=metadata.name%3Ddb", ["db"]),
        ("fieldSelector=metadata.name!%3Ddb", ["plain", "web1", "web2"]),
        ("fieldSelector=metadata.namespace%3Dother", []),
    ],
)
def test_list_selectors(http, query, expected):
    http("POST", CMS, configmap("web1", app="web"))
    http("POST", CMS, configmap("web2", app="web", tier="front"))
    http("POST", CMS, configmap("db", app="db"))
    http("POST", CMS, configmap("plain"))
    status, _, listed = http("GET", f"{CMS}?{query}")
    assert status == 200
    assert sorted(i["metadata"]["name"] for i in listed["items"]) == expected


@pytest.mark.parametrize(
    "query",
    [
        "labelSelector=a%20in%20b",
        "labelSelector=%3D%3D",
        "fieldSelector=spec.foo%3D1",
        "fieldSelector=nonsense",
    ],
)
def test_bad_selectors_are_400(http, query):
    status, _, body = http("GET", f"{CMS}?{query}")
    assert status == 400
    assert body["kind"] == "Status"


def test_cluster_wide_list_spans_namespaces(http):
    http("POST", "/api/v1/namespaces", {"metadata": {"name": "other"}})
    http("POST", CMS, configmap("a"))
    http("POST", "/api/v1/namespaces/other/configmaps", configmap("b", namespace="other"))
    _, _, listed = http("GET", "/api/v1/configmaps")
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in listed["items"]] == [
        ("default", "a"),
        ("other", "b"),
    ]


def test_delete_collection(http):
    for name in ("a", "b", "c"):
        http("POST", CMS, configmap(name, keep="yes" if name == "c" else "no"))
    assert http("DELETE", f"{CMS}?labelSelector=keep%3Dno")[0] == 200
    assert [i["metadata"]["name"] for i in http("GET", CMS)[2]["items"]] == ["c"]
