"""CustomResourceDefinitions: registration, versions, schema validation and removal."""

from __future__ import annotations

import copy

import pytest

from tests.testing.conftest import MERGE

WIDGETS = "/apis/example.com/v1/namespaces/default/widgets"


def widget_crd(**conversion):
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "cpu": {
                        "type": "object",
                        "properties": {
                            "reserved": {"type": "string"},
                            "count": {"type": "integer", "default": 2},
                        },
                    }
                },
            },
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {
                "plural": "widgets",
                "singular": "widget",
                "kind": "Widget",
                "shortNames": ["wd"],
            },
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema},
                    "subresources": {"status": {}},
                },
                {
                    "name": "v2",
                    "served": True,
                    "storage": False,
                    "schema": {"openAPIV3Schema": copy.deepcopy(schema)},
                    "subresources": {"status": {}},
                },
            ],
            **({"conversion": conversion} if conversion else {}),
        },
    }


@pytest.fixture
def widgets(http):
    status, _, crd = http(
        "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widget_crd()
    )
    assert status == 201, crd
    return crd


def test_crd_registers_discoverable_resource(http, widgets):
    _, _, crd = http(
        "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"
    )
    conditions = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
    assert conditions == {"Established": "True", "NamesAccepted": "True"}
    _, _, group = http("GET", "/apis/example.com")
    assert group["preferredVersion"]["version"] == "v1"
    _, _, resources = http("GET", "/apis/example.com/v2")
    by_name = {r["name"]: r for r in resources["resources"]}
    assert set(by_name) == {"widgets", "widgets/status"}
    assert by_name["widgets"]["shortNames"] == ["wd"]
    assert by_name["widgets"]["namespaced"]


def test_schema_defaults_and_prunes(http, widgets):
    body = {"metadata": {"name": "w"}, "spec": {"cpu": {"reserved": "0-1"}, "junk": 1}}
    status, _, obj = http("POST", WIDGETS, body)
    assert status == 201, obj
    assert obj["spec"] == {"cpu": {"reserved": "0-1", "count": 2}}


def test_schema_violation_is_422_naming_the_field(http, widgets):
    body = {"metadata": {"name": "w"}, "spec": {"cpu": {"reserved": 5}}}
    status, _, error = http("POST", WIDGETS, body)
    assert (status, error["reason"]) == (422, "Invalid")
    assert [c["field"] for c in error["details"]["causes"]] == ["spec.cpu.reserved"]
    http("POST", WIDGETS, {"metadata": {"name": "w"}, "spec": {}})
    status, _, error = http("PATCH", f"{WIDGETS}/w", {"spec": {"cpu": {"count": "x"}}}, MERGE)
    assert status == 422
    assert error["details"]["causes"][0]["field"] == "spec.cpu.count"


def test_objects_are_stored_in_storage_version_and_served_in_any(emulated_cluster, http, widgets):
    status, _, obj = http(
        "POST",
        "/apis/example.com/v2/namespaces/default/widgets",
        {"metadata": {"name": "w"}, "spec": {}},
    )
    assert status == 201
    assert obj["apiVersion"] == "example.com/v2"
    assert emulated_cluster.get("example.com/v1", "Widget", "w", "default")["apiVersion"] == (
        "example.com/v1"
    )
    _, _, listed = http("GET", "/apis/example.com/v2/widgets")
    assert listed["apiVersion"] == "example.com/v2"
    assert listed["items"][0]["apiVersion"] == "example.com/v2"


def test_invalid_crd_is_rejected(http):
    crd = widget_crd()
    del crd["spec"]["names"]["plural"]
    status, _, error = http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    assert status == 422
    assert error["details"]["causes"][0]["field"] == "spec.names.plural"


def test_deleting_crd_removes_resource_and_objects(http, widgets):
    http("POST", WIDGETS, {"metadata": {"name": "w"}, "spec": {}})
    http("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
    assert http("GET", WIDGETS)[0] == 404
    assert http("GET", "/apis/example.com/v1")[0] == 404
    http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", widget_crd())
    assert http("GET", WIDGETS)[2]["items"] == []


def test_load_crds_from_file(emulated_cluster, tmp_path, http):
    import json

    path = tmp_path / "crd.json"
    path.write_text(json.dumps(widget_crd()))
    assert emulated_cluster.load_crds([tmp_path]) == ["widgets.example.com"]
    assert http("GET", WIDGETS)[0] == 200
