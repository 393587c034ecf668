"""Size limits like a real API server's: request bodies over 3 MiB get 413 before anything is
decoded, and objects over etcd's 1.5 MiB cannot be stored (413, etcd's words); sizes in between
are accepted (aiohttp's default 1 MiB cap used to refuse them)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

CMS = "/api/v1/namespaces/default/configmaps"


def configmap(name: str, size: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {"d": "x" * size},
    }


def test_object_under_etcds_limit_is_stored(http):
    status, _, body = http("POST", CMS, configmap("big", 1400 * 1024))
    assert status == 201, body
    assert len(body["data"]["d"]) == 1400 * 1024


def test_object_over_etcds_limit_is_refused_and_not_stored(http):
    status, _, body = http("POST", CMS, configmap("huge", 2 * 1024 * 1024))
    assert (status, body["reason"], body["message"]) == (
        413,
        "RequestEntityTooLarge",
        "etcdserver: request is too large",
    )
    assert http("GET", f"{CMS}/huge")[0] == 404


def test_update_over_etcds_limit_keeps_the_old_object(http):
    status, _, created = http("POST", CMS, configmap("grow", 10))
    assert status == 201
    bigger = {**created, "data": {"d": "x" * (2 * 1024 * 1024)}}
    assert http("PUT", f"{CMS}/grow", bigger)[0] == 413
    assert http("GET", f"{CMS}/grow")[2]["data"]["d"] == "x" * 10


def test_body_over_the_request_limit_is_refused(http):
    status, _, body = http("POST", CMS, configmap("x", 3 * 1024 * 1024 + 1))
    assert (status, body["reason"]) == (413, "RequestEntityTooLarge")
    assert body["message"] == "Request entity too large: limit is 3145728"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_reports_the_limit(kubeconfig, tmp_path):
    import json

    manifest = tmp_path / "cm.json"
    manifest.write_text(json.dumps(configmap("k", 4 * 1024 * 1024)))
    done = subprocess.run(
        [
            "kubectl",
            "--kubeconfig",
            str(kubeconfig),
            "create",
            "--validate=false",
            "-f",
            str(manifest),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "limit is 3145728" in done.stderr
