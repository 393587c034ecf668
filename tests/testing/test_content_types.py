"""Request media types: YAML bodies are decoded (safely, bounded), protobuf gets a clear 415."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

CMS = "/api/v1/namespaces/default/configmaps"
PROTOBUF = "application/vnd.kubernetes.protobuf"


def _send(
    url: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, Any]:
    request = urllib.request.Request(url + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_yaml_body_creates_the_object(emulated_cluster):
    body = b"""
metadata:
  name: from-yaml
  annotations:
    when: 2024-01-01T00:00:00Z
data:
  enabled: "true"
"""
    status, obj = _send(
        emulated_cluster.url, "POST", CMS, body, {"Content-Type": "application/yaml"}
    )
    assert status == 201
    assert obj["metadata"]["name"] == "from-yaml"
    assert obj["metadata"]["annotations"]["when"] == "2024-01-01T00:00:00Z"  # not a datetime
    assert obj["data"] == {"enabled": "true"}


def test_yaml_with_several_documents_is_400(emulated_cluster):
    body = b"metadata: {name: a}\n---\nmetadata: {name: b}\n"
    status, obj = _send(
        emulated_cluster.url, "POST", CMS, body, {"Content-Type": "application/yaml"}
    )
    assert status == 400
    assert "not valid YAML" in obj["message"]
    assert emulated_cluster.get("v1", "ConfigMap", "a", "default") is None


def test_yaml_alias_bomb_is_refused_and_nothing_written(emulated_cluster):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    body = ("metadata: {name: bomb}\ndata:\n" + "\n".join(f"  {ln}" for ln in lines)).encode()
    status, obj = _send(
        emulated_cluster.url, "POST", CMS, body, {"Content-Type": "application/yaml"}
    )
    assert status == 400
    assert "aliases" in obj["message"]
    assert emulated_cluster.get("v1", "ConfigMap", "bomb", "default") is None


def test_apply_patch_yaml_body_is_decoded(emulated_cluster):
    _send(
        emulated_cluster.url,
        "POST",
        CMS,
        b'{"metadata": {"name": "p"}}',
        {"Content-Type": "application/json"},
    )
    status, obj = _send(
        emulated_cluster.url,
        "PATCH",
        f"{CMS}/p?fieldManager=test",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\ndata:\n  k: v\n",
        {"Content-Type": "application/apply-patch+yaml"},
    )
    assert status == 200
    assert obj["data"] == {"k": "v"}


def test_protobuf_body_is_415_with_the_fix(emulated_cluster):
    status, obj = _send(
        emulated_cluster.url, "POST", CMS, b"k8s\x00\x0a\x0f", {"Content-Type": PROTOBUF}
    )
    assert status == 415
    assert obj["reason"] == "UnsupportedMediaType"
    assert "accepted media types include: application/json, application/yaml" in obj["message"]
    assert "set the client's content type to application/json" in obj["message"]


def test_protobuf_only_accept_is_406_but_a_json_fallback_is_served(emulated_cluster):
    status, obj = _send(emulated_cluster.url, "GET", CMS, None, {"Accept": PROTOBUF})
    assert status == 406
    assert "JSON and YAML only" in obj["message"]
    status, obj = _send(
        emulated_cluster.url, "GET", CMS, None, {"Accept": f"{PROTOBUF}, application/json"}
    )
    assert status == 200
    assert obj["kind"] == "ConfigMapList"


def test_unknown_patch_type_names_the_patch_types(emulated_cluster):
    _send(
        emulated_cluster.url,
        "POST",
        CMS,
        b'{"metadata": {"name": "t"}}',
        {"Content-Type": "application/json"},
    )
    status, obj = _send(
        emulated_cluster.url, "PATCH", f"{CMS}/t", b"{}", {"Content-Type": "text/plain"}
    )
    assert status == 415
    assert "application/merge-patch+json" in obj["message"]


def test_server_side_apply_refuses_an_alias_bomb(emulated_cluster):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    body = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\nx:\n"
        + "\n".join(f"  {line}" for line in lines)
    ).encode()
    status, obj = _send(
        emulated_cluster.url,
        "PATCH",
        f"{CMS}/bomb?fieldManager=test",
        body,
        {"Content-Type": "application/apply-patch+yaml"},
    )
    assert status == 400
    assert "aliases" in obj["message"]
    assert emulated_cluster.get("v1", "ConfigMap", "bomb", "default") is None
