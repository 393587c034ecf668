"""OpenAPI v2/v3 documents and server-side field validation, as a kube-apiserver serves them.

Pinned to https://kubernetes.io/docs/concepts/overview/kubernetes-api/#openapi-v3 (``/openapi/v3``
lists ``paths`` of group versions with a ``serverRelativeURL`` carrying a hash; each document
has the resource paths and ``components.schemas`` marked with ``x-kubernetes-group-version-kind``)
and https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
(``fieldValidation`` Ignore, Warn — the default, one ``Warning`` header per unknown field — and
Strict, 400 BadRequest with "strict decoding error: unknown field ...").
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.testing.test_tables import WIDGET_CRD

TUNEDS = "/apis/example.com/v1/namespaces/default/widgets"


@pytest.fixture
def emulated_cluster_crds() -> list[Any]:
    crd = json.loads(json.dumps(WIDGET_CRD))
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"] = {
        "type": "object",
        "description": "What the widget should be.",
        "properties": {"size": {"type": "integer", "description": "How big."}},
    }
    return [crd]


def _request(
    url: str, method: str = "GET", body: Any = None, *, accept: str = "application/json"
) -> tuple[int, Any, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Accept": accept, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_v3_discovery_lists_every_group_version_with_a_hash(emulated_cluster):
    status, _, document = _request(emulated_cluster.url + "/openapi/v3")
    assert status == 200
    paths = document["paths"]
    for group_version in ("api/v1", "apis/apps/v1", "apis/example.com/v1", "apis/example.com/v2"):
        url = paths[group_version]["serverRelativeURL"]
        assert url.startswith(f"/openapi/v3/{group_version}?hash=")
        assert len(url.rsplit("=", 1)[1]) >= 32


def test_v3_document_of_a_crd_has_its_schema_and_field_validation(emulated_cluster):
    status, _, document = _request(emulated_cluster.url + "/openapi/v3/apis/example.com/v1")
    assert (status, document["openapi"]) == (200, "3.0.0")
    schemas = document["components"]["schemas"]
    widget = schemas["com.example.v1.Widget"]
    assert widget["x-kubernetes-group-version-kind"] == [
        {"group": "example.com", "version": "v1", "kind": "Widget"}
    ]
    assert widget["properties"]["spec"]["properties"]["size"]["type"] == "integer"
    patch = document["paths"][f"{TUNEDS.replace('default', '{namespace}')}/{{name}}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"]["kind"] == "Widget"
    assert "fieldValidation" in [p["name"] for p in patch["parameters"] if p["in"] == "query"]
    # custom resources take no strategic merge patch: kubectl then sends a JSON merge patch
    assert "application/strategic-merge-patch+json" not in patch["requestBody"]["content"]
    missing = {r for r in _refs(document) if r.split("/")[-1] not in schemas}
    assert missing == set()


def test_v3_built_in_kinds_and_hash_changes_with_the_crds(emulated_cluster):
    _, _, document = _request(emulated_cluster.url + "/openapi/v3/apis/apps/v1")
    schemas = document["components"]["schemas"]
    deployment = schemas["io.k8s.api.apps.v1.Deployment"]
    assert deployment["x-kubernetes-group-version-kind"][0]["kind"] == "Deployment"
    assert "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in schemas
    assert {r.split("/")[-1] for r in _refs(document)} <= set(schemas)
    before = _request(emulated_cluster.url + "/openapi/v3")[2]["paths"]
    crd = json.loads(json.dumps(WIDGET_CRD))
    crd["spec"]["versions"][0]["additionalPrinterColumns"] = []
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["description"] = "changed"
    emulated_cluster.load_crds([crd])
    after = _request(emulated_cluster.url + "/openapi/v3")[2]["paths"]
    assert after["apis/example.com/v1"] != before["apis/example.com/v1"]
    assert after["apis/apps/v1"] == before["apis/apps/v1"]
    status, _, body = _request(emulated_cluster.url + "/openapi/v3/apis/nothing.example/v1")
    assert (status, body["kind"]) == (404, "Status")


def test_v2_is_swagger_json_and_protobuf_only_clients_get_406(emulated_cluster):
    status, _, document = _request(emulated_cluster.url + "/openapi/v2")
    assert (status, document["swagger"]) == (200, "2.0")
    assert "com.example.v1.Widget" in document["definitions"]
    assert "io.k8s.api.core.v1.Node" in document["definitions"]
    status, _, body = _request(
        emulated_cluster.url + "/openapi/v2",
        accept="application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
    )
    assert (status, body["reason"]) == (406, "NotAcceptable")
    assert "application/json only" in body["message"]


def _widget(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "default"},
        "spec": spec,
    }


def test_field_validation_strict_rejects_and_writes_nothing(emulated_cluster):
    url = f"{emulated_cluster.url}{TUNEDS}?fieldValidation=Strict"
    status, _, body = _request(url, "POST", _widget(size=1, bogus=True))
    assert (status, body["reason"]) == (400, "BadRequest")
    assert body["message"] == (
        'Widget in version "v1" cannot be handled as a Widget:'
        ' strict decoding error: unknown field "spec.bogus"'
    )
    assert emulated_cluster.get("example.com/v1", "Widget", "w", "default") is None


def test_field_validation_warn_is_the_default_and_drops_the_field(emulated_cluster):
    status, headers, body = _request(
        f"{emulated_cluster.url}{TUNEDS}", "POST", _widget(size=1, bogus=True)
    )
    assert status == 201
    assert headers.get_all("Warning") == ['299 - "unknown field \\"spec.bogus\\""']
    assert body["spec"] == {"size": 1}
    status, headers, _ = _request(
        f"{emulated_cluster.url}{TUNEDS}/w?fieldValidation=Ignore", "PUT", {**body, "x": 1}
    )
    assert (status, headers.get_all("Warning")) == (200, None)
    status, _, body = _request(f"{emulated_cluster.url}{TUNEDS}?fieldValidation=Loud", "POST", {})
    assert (status, body["reason"]) == (400, "BadRequest")


def test_field_validation_of_built_in_kinds(emulated_cluster):
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"any": "label"}},
        "data": {"k": "v"},
        "dataa": {"k": "v"},
    }
    status, _, body = _request(
        f"{emulated_cluster.url}/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
        "POST",
        configmap,
    )
    assert status == 400
    assert body["message"].endswith('strict decoding error: unknown field "dataa"')
    del configmap["dataa"]
    status, headers, _ = _request(
        f"{emulated_cluster.url}/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
        "POST",
        configmap,
    )
    assert (status, headers.get_all("Warning")) == (201, None)


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")
def test_kubectl_validates_server_side_and_explains(emulated_cluster, kubeconfig, tmp_path):
    manifest = tmp_path / "w.json"
    manifest.write_text(json.dumps(_widget(size=2, bogus=1)))
    # kubectl caches discovery and OpenAPI per host:port, and ports get reused: a cache per test
    base = [str(KUBECTL), f"--kubeconfig={kubeconfig}", f"--cache-dir={tmp_path / 'cache'}"]
    rejected = subprocess.run(
        [*base, "apply", "-f", str(manifest)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert rejected.returncode != 0
    assert 'strict decoding error: unknown field "spec.bogus"' in rejected.stderr
    manifest.write_text(json.dumps(_widget(size=2)))
    subprocess.run([*base, "apply", "-f", str(manifest)], check=True, timeout=60)
    explained = subprocess.run(
        [*base, "explain", "widgets.spec.size"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "How big." in explained
    assert "<integer>" in explained
