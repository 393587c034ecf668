"""Fidelity with the real kubectl (``/usr/bin/kubectl``) on the emulator and ``nto dev-cluster``.

What a user sees, end to end: ``kubectl get pod nope`` prints the apiserver's NotFound line,
``kubectl describe pod`` lists the pod's Events (recorded through either Events API),
``kubectl auth can-i`` answers from SelfSubjectAccessReview (RBAC when impersonating with
``--as``), ``kubectl get --chunk-size=2`` pages with ``limit``/``continue``, and a bad name is
refused with the real 422 text. Skipped when kubectl is not installed.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"
pytestmark = pytest.mark.skipif(
    not os.access(KUBECTL, os.X_OK), reason="kubectl is not installed (/usr/bin/kubectl)"
)


def _kubectl(kubeconfig: pathlib.Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [KUBECTL, "--kubeconfig", str(kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _ok(kubeconfig: pathlib.Path, *args: str, stdin: str = "") -> str:
    done = _kubectl(kubeconfig, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_get_missing_pod_prints_the_real_error(kubeconfig):
    done = _kubectl(kubeconfig, "get", "pod", "nope")
    assert done.returncode == 1
    assert done.stderr.strip() == 'Error from server (NotFound): pods "nope" not found'


BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a/b, namespace: default}\n"


def test_create_with_a_bad_name_prints_the_real_error(kubeconfig):
    done = _kubectl(kubeconfig, "create", "configmap", "Bad_Name")
    assert done.returncode == 1
    assert done.stderr.startswith(
        'error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name:'
        ' Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain'
    )
    done = _kubectl(kubeconfig, "create", "--validate=false", "-f", "-", stdin=BAD)
    assert done.stderr.startswith(
        'The ConfigMap "a/b" is invalid: metadata.name: Invalid value: "a/b": a lowercase RFC'
        " 1123 subdomain"
    )


EVENTS = """
apiVersion: events.k8s.io/v1
kind: Event
metadata: {{name: p.new, namespace: default}}
regarding: {{kind: Pod, name: p, namespace: default, uid: {uid}, apiVersion: v1}}
note: pulled the image
reason: Pulled
type: Normal
eventTime: "2024-01-01T00:00:00.000000Z"
reportingController: kubelet
reportingInstance: node-1
action: Pull
---
apiVersion: v1
kind: Event
metadata: {{name: p.core, namespace: default}}
involvedObject: {{kind: Pod, name: p, namespace: default, uid: {uid}, apiVersion: v1}}
message: started the container
reason: Started
type: Warning
source: {{component: kubelet}}
count: 1
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
"""


def test_describe_shows_events_of_both_apis(kubeconfig):
    _ok(kubeconfig, "run", "p", "--image=registry.example/x", "--restart=Never")
    uid = _ok(kubeconfig, "get", "pod", "p", "-o", "jsonpath={.metadata.uid}")
    _ok(kubeconfig, "create", "--validate=false", "-f", "-", stdin=EVENTS.format(uid=uid))
    described = _ok(kubeconfig, "describe", "pod", "p")
    events = described.split("Events:", 1)[1]
    assert "<none>" not in events
    assert "Pulled" in events
    assert "pulled the image" in events
    assert "Started" in events
    assert "started the container" in events


def test_auth_can_i(kubeconfig):
    assert _ok(kubeconfig, "auth", "can-i", "delete", "nodes").strip() == "yes"
    as_bot = "--as=system:serviceaccount:default:bot"
    assert _kubectl(kubeconfig, "auth", "can-i", "list", "pods", as_bot).stdout.strip() == "no"
    _ok(kubeconfig, "create", "role", "reader", "--verb=get,list", "--resource=pods")
    _ok(kubeconfig, "create", "rolebinding", "bot", "--role=reader", "--serviceaccount=default:bot")
    assert _ok(kubeconfig, "auth", "can-i", "list", "pods", as_bot).strip() == "yes"
    denied = _kubectl(kubeconfig, "get", "pods", "-n", "kube-system", as_bot)
    assert denied.returncode == 1
    assert denied.stderr.strip() == (
        "Error from server (Forbidden): pods is forbidden: User"
        ' "system:serviceaccount:default:bot" cannot list resource "pods" in API group "" in the'
        ' namespace "kube-system"'
    )
    listed = _ok(kubeconfig, "auth", "can-i", "--list", as_bot)
    assert "pods" in listed
    assert "[get list]" in listed


def test_get_with_chunk_size_pages(kubeconfig):
    for i in range(5):
        _ok(kubeconfig, "create", "configmap", f"c{i}")
    done = _kubectl(kubeconfig, "get", "configmaps", "--chunk-size=2", "-o", "name", "-v=6")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [f"configmap/c{i}" for i in range(5)]
    requests = [line for line in done.stderr.splitlines() if "configmaps?" in line]
    assert len(requests) == 3
    assert all("limit=2" in line for line in requests)
    assert sum("continue=" in line for line in requests) == 2


@pytest.fixture
def dev_cluster(tmp_path: pathlib.Path):
    """``nto dev-cluster`` as a user starts it; yields its kubeconfig once it answers."""
    kubeconfig = tmp_path / "kubeconfig"
    process = subprocess.Popen(
        [sys.executable, "-m", "nto", "dev-cluster", "--kubeconfig", str(kubeconfig)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (
                kubeconfig.exists()
                and _kubectl(kubeconfig, "get", "--raw", "/version").returncode == 0
            ):
                break
            assert process.poll() is None, "nto dev-cluster exited early"
            time.sleep(0.2)
        else:
            pytest.fail("nto dev-cluster did not answer within 60 s")
        yield kubeconfig
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_dev_cluster_answers_like_a_real_server(dev_cluster):
    assert _ok(dev_cluster, "auth", "can-i", "create", "pods").strip() == "yes"
    done = _kubectl(dev_cluster, "get", "pod", "nope")
    assert done.stderr.strip() == 'Error from server (NotFound): pods "nope" not found'
    done = _kubectl(dev_cluster, "get", "pods", "--field-selector", "spec.foo=x")
    assert "field label not supported: spec.foo" in done.stderr
