"""Server-side printing: ``meta.k8s.io/v1`` Tables as a kube-apiserver answers ``kubectl get``.

Pinned to the apiserver's behaviour documented in
https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables
(``Accept: application/json;as=Table;v=v1;g=meta.k8s.io``, ``includeObject``, 406 when no
offered type is served) and to the CRD printer columns of
https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#additional-printer-columns
(a ``Name`` column first, ``priority`` > 0 only with ``-o wide``, ``date`` shown as an age, a
default ``Age`` column when none are declared).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from typing import Any

import pytest

from nto.testing._jsonpath import JsonPathError, find
from nto.testing._table_cells import human_age

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
KUBECTL_ACCEPT = f"{TABLE},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
WIDGETS = "/apis/example.com/v1/namespaces/default/widgets"

WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "x-kubernetes-preserve-unknown-fields": True,
                            },
                            "status": {
                                "type": "object",
                                "x-kubernetes-preserve-unknown-fields": True,
                            },
                        },
                    }
                },
                "subresources": {"status": {}},
                "additionalPrinterColumns": [
                    {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                    {
                        "name": "Ready",
                        "type": "string",
                        "jsonPath": '.status.conditions[?(@.type=="Ready")].status',
                    },
                    {"name": "Color", "type": "string", "jsonPath": ".spec.color", "priority": 1},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                ],
            },
            {"name": "v2", "served": True, "storage": False},
        ],
    },
}


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    return [WIDGET_CRD]


def _get(url: str, accept: str) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _widget(name: str, size: int, ready: str) -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"size": size, "color": "blue"},
        "status": {
            "conditions": [{"type": "Other", "status": "x"}, {"type": "Ready", "status": ready}]
        },
    }


def test_list_as_table_has_crd_printer_columns(emulated_cluster):
    emulated_cluster.apply([_widget("a", 3, "True"), _widget("b", 5, "False")])
    status, table = _get(emulated_cluster.url + WIDGETS, KUBECTL_ACCEPT)
    assert status == 200
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    columns = [(c["name"], c["type"], c["priority"]) for c in table["columnDefinitions"]]
    assert columns == [
        ("Name", "string", 0),
        ("Size", "integer", 0),
        ("Ready", "string", 0),
        ("Color", "string", 1),
        ("Age", "date", 0),
    ]
    assert table["columnDefinitions"][0]["format"] == "name"
    assert [row["cells"][:4] for row in table["rows"]] == [
        ["a", 3, "True", "blue"],
        ["b", 5, "False", "blue"],
    ]
    assert table["rows"][0]["cells"][4].endswith("s")  # an age such as "0s"
    assert table["rows"][0]["object"]["kind"] == "PartialObjectMetadata"
    assert table["rows"][0]["object"]["metadata"]["name"] == "a"
    assert table["metadata"]["resourceVersion"].isdigit()


def test_include_object_none_and_object(emulated_cluster):
    emulated_cluster.apply(_widget("a", 1, "True"))
    _, table = _get(f"{emulated_cluster.url}{WIDGETS}?includeObject=Object", TABLE)
    assert table["rows"][0]["object"]["spec"] == {"size": 1, "color": "blue"}
    _, table = _get(f"{emulated_cluster.url}{WIDGETS}?includeObject=None", TABLE)
    assert "object" not in table["rows"][0]
    status, body = _get(f"{emulated_cluster.url}{WIDGETS}?includeObject=All", TABLE)
    assert (status, body["kind"]) == (400, "Status")


def test_get_one_object_as_table_and_version_without_columns(emulated_cluster):
    emulated_cluster.apply(_widget("a", 1, "True"))
    status, table = _get(f"{emulated_cluster.url}{WIDGETS}/a", TABLE)
    assert status == 200
    assert len(table["rows"]) == 1
    stored = emulated_cluster.get("example.com/v1", "Widget", "a", "default")
    assert stored is not None
    assert table["metadata"]["resourceVersion"] == stored["metadata"]["resourceVersion"]
    # v2 declares no printer columns: the apiserver's default is Name and Age
    _, table = _get(f"{emulated_cluster.url}/apis/example.com/v2/namespaces/default/widgets", TABLE)
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Age"]


def test_plain_json_unless_table_asked_and_406_when_nothing_served(emulated_cluster):
    url = emulated_cluster.url + "/api/v1/namespaces"
    assert _get(url, "application/json")[1]["kind"] == "NamespaceList"
    assert _get(url, "application/json;as=Table;v=v9;g=meta.k8s.io,application/json")[1][
        "kind"
    ] == ("NamespaceList")
    status, body = _get(url, "application/json;as=Table;v=v9;g=meta.k8s.io")
    assert (status, body["reason"]) == (406, "NotAcceptable")
    status, table = _get(url, "application/json;as=Table;v=v1beta1;g=meta.k8s.io")
    assert (status, table["apiVersion"]) == (200, "meta.k8s.io/v1beta1")


def test_node_columns(emulated_cluster):
    emulated_cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "w0", "labels": {"node-role.kubernetes.io/worker": ""}},
            "status": {
                "conditions": [{"type": "Ready", "status": "True"}],
                "nodeInfo": {"kubeletVersion": "v1.31.0", "osImage": "RHCOS"},
                "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}],
            },
        }
    )
    _, table = _get(emulated_cluster.url + "/api/v1/nodes", TABLE)
    names = [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0]
    assert names == ["Name", "Status", "Roles", "Age", "Version"]
    cells = dict(
        zip([c["name"] for c in table["columnDefinitions"]], table["rows"][0]["cells"], strict=True)
    )
    assert (cells["Status"], cells["Roles"], cells["Version"]) == ("Ready", "worker", "v1.31.0")
    assert (cells["Internal-IP"], cells["OS-Image"]) == ("10.0.0.5", "RHCOS")


def test_watch_events_carry_tables(emulated_cluster):
    emulated_cluster.apply(_widget("a", 1, "True"))
    request = urllib.request.Request(
        f"{emulated_cluster.url}{WIDGETS}?watch=true&timeoutSeconds=1", headers={"Accept": TABLE}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        events = [json.loads(line) for line in response.read().splitlines() if line.strip()]
    assert events[0]["type"] == "ADDED"
    assert events[0]["object"]["kind"] == "Table"
    assert events[0]["object"]["rows"][0]["cells"][:3] == ["a", 1, "True"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".spec.size", [3]),
        ("{.spec.items[*].name}", ["x", "y"]),
        (".spec.items[1].name", ["y"]),
        (".spec.items[-1].name", ["y"]),
        ('.spec.items[?(@.name=="y")].n', [2]),
        ('.spec.items[?(@.name!="y")].n', [1]),
        (".spec.items[?(@.n==2)].name", ["y"]),
        (".metadata.annotations['a.b/c']", ["d"]),
        (".spec.missing.deeper", []),
    ],
)
def test_jsonpath_subset(path, expected):
    document = {
        "metadata": {"annotations": {"a.b/c": "d"}},
        "spec": {"size": 3, "items": [{"name": "x", "n": 1}, {"name": "y", "n": 2}]},
    }
    assert find(path, document) == expected


def test_jsonpath_rejects_what_it_cannot_parse():
    with pytest.raises(JsonPathError, match="cannot parse JSONPath"):
        find(".spec..[", {})


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (5, "5s"),
        (119, "119s"),
        (125, "2m5s"),
        (600, "10m"),
        (3 * 3600 + 60, "3h1m"),
        (30 * 3600, "30h"),
        (3 * 86400 + 3600, "3d1h"),
        (40 * 86400, "40d"),
    ],
)
def test_ages_as_kubectl_prints_them(seconds, shown):
    assert human_age(seconds) == shown


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_kubectl_get_wide_shows_printer_columns(emulated_cluster, kubeconfig, tmp_path):
    emulated_cluster.apply(_widget("a", 3, "True"))
    cache = f"--cache-dir={tmp_path}"  # kubectl caches discovery per host:port; ports get reused
    run = ["kubectl", f"--kubeconfig={kubeconfig}", cache, "get", "widgets", "-n", "default"]
    narrow = subprocess.run(run, capture_output=True, text=True, timeout=60, check=True).stdout
    wide = subprocess.run(
        [*run, "-o", "wide"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert narrow.split("\n")[0].split() == ["NAME", "SIZE", "READY", "AGE"]
    assert narrow.split("\n")[1].split()[:3] == ["a", "3", "True"]
    assert wide.split("\n")[0].split() == ["NAME", "SIZE", "READY", "COLOR", "AGE"]


def test_partial_object_metadata_for_metadata_clients(emulated_cluster):
    """client-go's metadata client asks ``as=PartialObjectMetadataList`` (lists) and
    ``as=PartialObjectMetadata`` (get, watch): metadata only, in ``meta.k8s.io/v1`` kinds."""
    emulated_cluster.apply(_widget("a", 1, "True"))
    accept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
    status, listed = _get(emulated_cluster.url + WIDGETS, accept)
    assert (status, listed["kind"], listed["apiVersion"]) == (
        200,
        "PartialObjectMetadataList",
        "meta.k8s.io/v1",
    )
    assert listed["items"][0]["metadata"]["name"] == "a"
    assert "spec" not in listed["items"][0]
    accept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
    status, one = _get(f"{emulated_cluster.url}{WIDGETS}/a", accept)
    assert (status, one["kind"], one["metadata"]["name"]) == (200, "PartialObjectMetadata", "a")


def test_event_columns_as_kubectl_get_events(emulated_cluster):
    emulated_cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": "e1", "namespace": "default"},
            "involvedObject": {"kind": "PerformanceProfile", "name": "pp"},
            "type": "Normal",
            "reason": "Creation succeeded",
            "message": "Succeeded to create all components",
        }
    )
    _, table = _get(emulated_cluster.url + "/api/v1/namespaces/default/events", TABLE)
    shown = [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0]
    assert shown == ["Last Seen", "Type", "Reason", "Object", "Message"]
    assert table["rows"][0]["cells"][1:5] == [
        "Normal",
        "Creation succeeded",
        "performanceprofile/pp",
        "Succeeded to create all components",
    ]
