"""Finalizers, deletionTimestamp, ownerReference garbage collection and namespace deletion."""

from __future__ import annotations

import pytest

from tests.testing.conftest import MERGE, configmap

CMS = "/api/v1/namespaces/default/configmaps"


def _owned(name, *owners):
    body = configmap(name)
    body["metadata"]["ownerReferences"] = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "name": o["metadata"]["name"],
            "uid": o["metadata"]["uid"],
        }
        for o in owners
    ]
    return body


def _names(http):
    return sorted(i["metadata"]["name"] for i in http("GET", CMS)[2]["items"])


def test_finalizer_holds_object_until_removed(http):
    body = configmap("a")
    body["metadata"]["finalizers"] = ["example.com/cleanup"]
    rv = http("POST", CMS, body)[2]["metadata"]["resourceVersion"]
    status, _, marked = http("DELETE", f"{CMS}/a")
    assert status == 200
    assert marked["metadata"]["deletionTimestamp"]
    assert http("GET", f"{CMS}/a")[0] == 200
    http("PATCH", f"{CMS}/a", {"metadata": {"finalizers": None}}, MERGE)
    assert http("GET", f"{CMS}/a")[0] == 404
    events = http.lines(f"{CMS}?watch=1&resourceVersion={rv}&timeoutSeconds=1")
    assert [e["type"] for e in events] == ["MODIFIED", "DELETED"]


def test_deletion_timestamp_cannot_be_cleared(http):
    body = configmap("a")
    body["metadata"]["finalizers"] = ["x"]
    http("POST", CMS, body)
    http("DELETE", f"{CMS}/a")
    _, _, obj = http("PATCH", f"{CMS}/a", {"metadata": {"deletionTimestamp": None}}, MERGE)
    assert obj["metadata"]["deletionTimestamp"]


def test_delete_precondition_uid_mismatch_conflicts(http):
    http("POST", CMS, configmap("a"))
    options = {"preconditions": {"uid": "not-the-uid"}}
    assert http("DELETE", f"{CMS}/a", options)[0] == 409


def test_background_gc_cascades(http):
    root = http("POST", CMS, configmap("root"))[2]
    child = http("POST", CMS, _owned("child", root))[2]
    http("POST", CMS, _owned("grandchild", child))
    http("POST", CMS, configmap("unrelated"))
    http("DELETE", f"{CMS}/root")
    assert _names(http) == ["unrelated"]


def test_gc_keeps_dependents_with_a_live_owner(http):
    one = http("POST", CMS, configmap("one"))[2]
    two = http("POST", CMS, configmap("two"))[2]
    http("POST", CMS, _owned("shared", one, two))
    http("DELETE", f"{CMS}/one")
    assert _names(http) == ["shared", "two"]
    http("DELETE", f"{CMS}/two")
    assert _names(http) == []


def test_orphan_keeps_dependents_and_drops_the_reference(http):
    root = http("POST", CMS, configmap("root"))[2]
    http("POST", CMS, _owned("child", root))
    http("DELETE", f"{CMS}/root?propagationPolicy=Orphan")
    _, _, child = http("GET", f"{CMS}/child")
    assert "ownerReferences" not in child["metadata"]


def test_foreground_waits_for_dependents_with_finalizers(http):
    root = http("POST", CMS, configmap("root"))[2]
    child = _owned("child", root)
    child["metadata"]["finalizers"] = ["hold"]
    http("POST", CMS, child)
    _, _, marked = http("DELETE", f"{CMS}/root", {"propagationPolicy": "Foreground"})
    assert "foregroundDeletion" in marked["metadata"]["finalizers"]
    assert _names(http) == ["child", "root"]
    http("PATCH", f"{CMS}/child", {"metadata": {"finalizers": []}}, MERGE)
    assert _names(http) == []


@pytest.mark.parametrize("policy", ["Sideways", "background"])
def test_bad_propagation_policy_is_400(http, policy):
    http("POST", CMS, configmap("a"))
    assert http("DELETE", f"{CMS}/a?propagationPolicy={policy}")[0] == 400


def test_deleting_a_namespace_deletes_its_objects(http):
    http("POST", "/api/v1/namespaces", {"metadata": {"name": "gone"}})
    http("POST", "/api/v1/namespaces/gone/configmaps", configmap("a", namespace="gone"))
    http("POST", CMS, configmap("kept"))
    http("DELETE", "/api/v1/namespaces/gone")
    assert [i["metadata"]["name"] for i in http("GET", "/api/v1/configmaps")[2]["items"]] == [
        "kept"
    ]
