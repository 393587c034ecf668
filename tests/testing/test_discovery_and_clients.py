"""Discovery documents, the ``kubernetes`` client, kubectl, faults and the public surface."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

import nto.testing
from tests.testing.conftest import configmap

CMS = "/api/v1/namespaces/default/configmaps"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/api", "APIVersions"),
        ("/apis", "APIGroupList"),
        ("/api/v1", "APIResourceList"),
        ("/apis/apps", "APIGroup"),
        ("/apis/apps/v1", "APIResourceList"),
    ],
)
def test_discovery_documents(http, path, kind):
    status, headers, body = http("GET", path)
    assert (status, body["kind"]) == (200, kind)
    assert headers["Content-Type"].startswith("application/json")


def test_version_and_root(http):
    assert http("GET", "/version")[2]["major"] == "1"
    assert "/apis/config.openshift.io/v1" in http("GET", "/")[2]["paths"]


@pytest.mark.parametrize(
    ("group_version", "name", "kind", "namespaced", "subresources"),
    [
        ("v1", "nodes", "Node", False, {"status"}),
        ("v1", "namespaces", "Namespace", False, {"status", "finalize"}),
        ("apps/v1", "daemonsets", "DaemonSet", True, {"status"}),
        ("config.openshift.io/v1", "clusteroperators", "ClusterOperator", False, {"status"}),
        ("machineconfiguration.openshift.io/v1", "machineconfigs", "MachineConfig", False, set()),
        (
            "apiextensions.k8s.io/v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            False,
            {"status"},
        ),
        ("operators.coreos.com/v1alpha1", "subscriptions", "Subscription", True, {"status"}),
    ],
)
def test_resource_metadata(http, group_version, name, kind, namespaced, subresources):
    prefix = "/api/" if group_version == "v1" else "/apis/"
    resources = {r["name"]: r for r in http("GET", prefix + group_version)[2]["resources"]}
    entry = resources[name]
    assert (entry["kind"], entry["namespaced"]) == (kind, namespaced)
    assert {"list", "watch", "get", "create", "patch", "update", "delete"} <= set(entry["verbs"])
    assert {n.split("/")[1] for n in resources if n.startswith(name + "/")} == subresources


def test_kubernetes_client_typed_and_dynamic(k8s):
    import kubernetes
    from kubernetes.dynamic import DynamicClient

    core = kubernetes.client.CoreV1Api(k8s)
    core.create_namespaced_config_map("default", configmap("a"))
    assert [c.metadata.name for c in core.list_namespaced_config_map("default").items] == ["a"]
    with pytest.raises(kubernetes.client.ApiException) as error:
        core.create_namespaced_config_map("default", configmap("a"))
    assert error.value.status == 409
    dynamic = DynamicClient(k8s)
    nodes = dynamic.resources.get(api_version="v1", kind="Node")
    nodes.create(body={"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}})
    assert [n.metadata.name for n in nodes.get().items] == ["n1"]
    stream = kubernetes.watch.Watch().stream(
        core.list_namespaced_config_map, "default", timeout_seconds=1
    )
    assert [e["object"].metadata.name for e in stream] == ["a"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl(kubeconfig, tmp_path):
    manifest = tmp_path / "cm.json"
    manifest.write_text('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"k"}}')

    def kubectl(*args: str) -> str:
        return subprocess.run(
            ["kubectl", "--kubeconfig", str(kubeconfig), *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout

    kubectl("apply", "--validate=false", "-f", str(manifest))
    assert kubectl("get", "cm", "k", "-o", "jsonpath={.metadata.name}") == "k"
    assert "clusteroperators" in kubectl("api-resources")
    kubectl("delete", "cm", "k")


@pytest.mark.parametrize(
    ("fault", "method", "path", "expected"),
    [
        pytest.param({"status": 500}, "GET", CMS, 500, id="any"),
        pytest.param({"status": 409, "method": "POST"}, "GET", CMS, 200, id="other-method"),
        pytest.param({"status": 503, "resource": "configmaps"}, "GET", CMS, 503, id="resource"),
        pytest.param({"status": 503, "resource": "nodes"}, "GET", CMS, 200, id="other-resource"),
        pytest.param({"status": 500, "path_contains": "/configmaps"}, "GET", CMS, 500, id="path"),
    ],
)
def test_inject_fault_filters(emulated_cluster, http, fault, method, path, expected):
    emulated_cluster.inject_fault(**fault)
    assert http(method, path)[0] == expected


def test_inject_fault_count_and_delay(emulated_cluster, http):
    fault = emulated_cluster.inject_fault(None, count=2, delay=0.2)
    started = time.monotonic()
    assert [http("GET", CMS)[0] for _ in range(3)] == [200, 200, 200]
    assert fault.hits == 2
    assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize("kwargs", [{"count": 0}, {"status": None}])
def test_inject_fault_rejects_useless_faults(emulated_cluster, kwargs):
    with pytest.raises(ValueError, match="fault"):
        emulated_cluster.inject_fault(**kwargs)


def test_direct_helpers(emulated_cluster):
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "n"},
        "status": {"capacity": {"cpu": "4"}},
    }
    emulated_cluster.apply(node)
    stored = emulated_cluster.apply(dict(node, status={"capacity": {"cpu": "8"}}))[0]
    assert stored["status"]["capacity"]["cpu"] == "8"
    assert [n["metadata"]["name"] for n in emulated_cluster.list("v1", "Node")] == ["n"]
    emulated_cluster.delete("v1", "Node", "n")
    assert emulated_cluster.get("v1", "Node", "n") is None
    with pytest.raises(nto.testing.ApiError, match="load its CRD"):
        emulated_cluster.get("example.com/v1", "Nothing", "x")


def test_public_surface_is_sorted_and_importable():
    assert nto.testing.__all__ == sorted(nto.testing.__all__)
    assert all(hasattr(nto.testing, name) for name in nto.testing.__all__)


def test_pytest_plugin_imports_only_stdlib():
    code = (
        "import sys; import nto.testing.pytest_plugin; "
        "bad = {'aiohttp', 'kmock', 'kopf', 'kubernetes', 'yaml'} & set(sys.modules); "
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_standalone_command_runs_until_sigterm(tmp_path):
    from nto.testing import OperatorProcess, wait_for

    kubeconfig = tmp_path / "kc"
    command = [sys.executable, "-m", "nto.testing", "--kubeconfig", str(kubeconfig)]
    with OperatorProcess(
        command,
        kubeconfig=kubeconfig,
        env={"PYTHONPATH": ":".join(sys.path)},
        log_path=tmp_path / "log",
    ) as process:
        wait_for(lambda: "kubeconfig:" in process.log, 20)
        assert kubeconfig.exists()
        assert process.running
    assert process.process.returncode == 0
    assert "Stopped." in process.log


def test_standalone_command_rejects_missing_crds(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "nto.testing", "--crds", str(tmp_path / "x")],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": ":".join(sys.path)},
    )
    assert result.returncode == 2
    assert "do not exist" in result.stderr
