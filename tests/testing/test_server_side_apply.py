"""Server-side apply (``application/apply-patch+yaml``) as documented for kube-apiserver.

https://kubernetes.io/docs/reference/using-api/server-side-apply/: apply creates a missing object
(201), needs ``fieldManager``, records the manager's fields in ``managedFields`` (FieldsV1,
``operation: Apply``), removes fields the manager stops applying, and answers 409 Conflict when
another applier owns a field with another value unless ``force=true``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from nto.testing._apply import from_fields_v1, leaf_paths, to_fields_v1

CM = "/api/v1/namespaces/default/configmaps/ssa"


def _apply(url: str, body: str, **query: str) -> tuple[int, Any]:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    request = urllib.request.Request(
        f"{url}{CM}?{params}",
        data=body.encode(),
        method="PATCH",
        headers={"Content-Type": "application/apply-patch+yaml"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


YAML = """apiVersion: v1
kind: ConfigMap
metadata: {name: ssa, labels: {app: demo}}
data: {one: "1", two: "2"}
"""


def test_apply_creates_then_removes_what_the_manager_dropped(emulated_cluster):
    status, created = _apply(emulated_cluster.url, YAML, fieldManager="me")
    assert status == 201
    (entry,) = created["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"], entry["fieldsType"]) == (
        "me",
        "Apply",
        "FieldsV1",
    )
    assert entry["fieldsV1"] == {
        "f:data": {"f:one": {}, "f:two": {}},
        "f:metadata": {"f:labels": {"f:app": {}}},
    }
    status, updated = _apply(
        emulated_cluster.url, YAML.replace('two: "2"', 'three: "3"'), fieldManager="me"
    )
    assert status == 200
    assert updated["data"] == {"one": "1", "three": "3"}


def test_apply_needs_a_field_manager(emulated_cluster):
    status, body = _apply(emulated_cluster.url, YAML)
    assert (status, body["reason"]) == (422, "Invalid")
    assert "fieldManager: Required value" in body["message"]


def test_conflicts_between_appliers_and_force(emulated_cluster):
    assert _apply(emulated_cluster.url, YAML, fieldManager="me")[0] == 201
    other = YAML.replace('one: "1"', 'one: "X"')
    status, body = _apply(emulated_cluster.url, other, fieldManager="other")
    assert (status, body["reason"]) == (409, "Conflict")
    assert body["message"] == 'Apply failed with 1 conflict: conflict with "me": .data.one'
    status, body = _apply(emulated_cluster.url, other, fieldManager="other", force="true")
    assert status == 200
    assert body["data"]["one"] == "X"
    owners = {
        e["manager"]: from_fields_v1(e["fieldsV1"]) for e in body["metadata"]["managedFields"]
    }
    assert ("data", "one") in owners["other"]
    assert ("data", "one") not in owners["me"]
    # a co-owned field stays while another manager still applies it
    status, body = _apply(emulated_cluster.url, other.replace('two: "2"', ""), fieldManager="other")
    assert (status, body["data"]) == (200, {"one": "X", "two": "2"})
    mine = YAML.replace('one: "1", ', "").replace('two: "2"', 'three: "3"')
    status, body = _apply(emulated_cluster.url, mine, fieldManager="me")
    assert (status, body["data"]) == (200, {"one": "X", "three": "3"})


def test_fields_v1_round_trip():
    paths = leaf_paths(
        {
            "apiVersion": "v1",
            "metadata": {"name": "x", "labels": {"a": "b"}},
            "spec": {"l": [1], "m": {}},
        }
    )
    assert paths == {("metadata", "labels", "a"), ("spec", "l"), ("spec", "m")}
    assert from_fields_v1(to_fields_v1(paths)) == paths
