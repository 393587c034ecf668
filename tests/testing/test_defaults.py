"""Defaulting of built-in kinds and the DaemonSet/Service/Namespace strategies, as a real server."""

from __future__ import annotations

import pytest

from nto.testing._defaults_pod import image_pull_policy
from tests.testing.conftest import MERGE

NS = "/api/v1/namespaces/default"
DS = "/apis/apps/v1/namespaces/default/daemonsets"
TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _pod_spec(image: str = "quay.io/x/tuned:v1") -> dict:
    return {
        "containers": [
            {
                "name": "c",
                "image": image,
                "ports": [{"containerPort": 80}],
                "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                "readinessProbe": {"httpGet": {"port": 80}},
            }
        ],
        "volumes": [
            {"name": "s", "secret": {"secretName": "s"}},
            {"name": "h", "hostPath": {"path": "/etc"}},
            {"name": "e"},
        ],
    }


def _daemonset(name: str = "d", image: str = "quay.io/x/tuned:v1") -> dict:
    return {
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": _pod_spec(image)},
        },
    }


def test_daemonset_is_defaulted_like_a_real_server(http):
    status, _, ds = http("POST", DS, _daemonset())
    assert status == 201
    assert ds["metadata"]["annotations"] == {TEMPLATE_GENERATION: "1"}
    assert ds["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert ds["spec"]["revisionHistoryLimit"] == 10
    spec = ds["spec"]["template"]["spec"]
    assert {k: spec[k] for k in spec if k not in ("containers", "volumes")} == {
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "terminationGracePeriodSeconds": 30,
    }
    container = spec["containers"][0]
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["terminationMessagePolicy"] == "File"
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert container["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert container["readinessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert spec["volumes"] == [
        {"name": "s", "secret": {"secretName": "s", "defaultMode": 420}},
        {"name": "h", "hostPath": {"path": "/etc", "type": ""}},
        {"name": "e", "emptyDir": {}},
    ]
    assert "enableServiceLinks" not in spec  # a Pod default, not a template default


def test_given_values_are_kept(http):
    body = _daemonset()
    body["spec"]["updateStrategy"] = {"type": "OnDelete"}
    body["spec"]["template"]["spec"]["dnsPolicy"] = "ClusterFirstWithHostNet"
    _, _, ds = http("POST", DS, body)
    assert ds["spec"]["updateStrategy"] == {"type": "OnDelete"}
    assert ds["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirstWithHostNet"


def test_template_generation_follows_template_changes_only(http):
    created = http("POST", DS, _daemonset())[2]
    labelled = http("PATCH", f"{DS}/d", {"metadata": {"labels": {"x": "y"}}}, MERGE)[2]
    assert labelled["metadata"]["annotations"][TEMPLATE_GENERATION] == "1"
    assert labelled["metadata"]["generation"] == 1
    spec_only = http("PATCH", f"{DS}/d", {"spec": {"minReadySeconds": 3}}, MERGE)[2]
    assert spec_only["metadata"]["annotations"][TEMPLATE_GENERATION] == "1"
    assert spec_only["metadata"]["generation"] == 2
    changed = dict(spec_only)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = "quay.io/x/tuned:v2"
    changed["metadata"]["annotations"] = {TEMPLATE_GENERATION: "77"}  # the client cannot set it
    updated = http("PUT", f"{DS}/d", changed)[2]
    assert updated["metadata"]["annotations"][TEMPLATE_GENERATION] == "2"
    assert updated["metadata"]["generation"] == 3
    assert created["metadata"]["uid"] == updated["metadata"]["uid"]


def test_dropping_the_annotations_map_keeps_the_template_generation(http):
    created = http("POST", DS, _daemonset())[2]
    del created["metadata"]["annotations"]
    status, _, updated = http("PUT", f"{DS}/d", created)
    assert status == 200
    assert updated["metadata"]["annotations"] == {TEMPLATE_GENERATION: "1"}
    # nothing changed once defaulted, so nothing was written
    assert updated["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_direct_apply_is_defaulted_too(emulated_cluster):
    body = {"apiVersion": "apps/v1", "kind": "DaemonSet", **_daemonset("seeded")}
    stored = emulated_cluster.apply(body)[0]
    assert stored["metadata"]["annotations"][TEMPLATE_GENERATION] == "1"


def test_deployment_defaults(http):
    body = {
        "metadata": {"name": "d"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"spec": _pod_spec()}},
    }
    _, _, deploy = http("POST", "/apis/apps/v1/namespaces/default/deployments", body)
    spec = deploy["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    assert spec["template"]["spec"]["restartPolicy"] == "Always"
    assert deploy["status"] == {}


def test_pod_defaults_and_initial_status(http):
    spec = _pod_spec("registry/x")  # no tag means latest
    spec["containers"][0]["resources"] = {"limits": {"cpu": "1", "memory": "1Gi"}}
    _, _, pod = http("POST", f"{NS}/pods", {"metadata": {"name": "p"}, "spec": spec})
    container = pod["spec"]["containers"][0]
    assert container["imagePullPolicy"] == "Always"
    assert container["resources"]["requests"] == {"cpu": "1", "memory": "1Gi"}
    assert pod["spec"]["enableServiceLinks"] is True
    assert pod["status"] == {"phase": "Pending", "qosClass": "Guaranteed"}


def test_service_defaults_and_address_kept_on_update(http):
    body = {"metadata": {"name": "s"}, "spec": {"ports": [{"port": 443}]}}
    _, _, svc = http("POST", f"{NS}/services", body)
    spec = svc["spec"]
    assert spec["type"] == "ClusterIP"
    assert spec["sessionAffinity"] == "None"
    assert spec["ports"] == [{"port": 443, "protocol": "TCP", "targetPort": 443}]
    assert spec["clusterIPs"] == [spec["clusterIP"]]
    assert spec["clusterIP"].startswith("172.30.")
    assert (spec["ipFamilies"], spec["ipFamilyPolicy"]) == (["IPv4"], "SingleStack")
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert svc["status"] == {"loadBalancer": {}}
    status, _, replaced = http(
        "PUT", f"{NS}/services/s", {**body, "metadata": svc["metadata"], "spec": {"ports": []}}
    )
    assert status == 200
    assert replaced["spec"]["clusterIP"] == spec["clusterIP"]


def test_secret_namespace_and_node_defaults(http, emulated_cluster):
    _, _, secret = http("POST", f"{NS}/secrets", {"metadata": {"name": "s"}})
    assert secret["type"] == "Opaque"
    _, _, ns = http("POST", "/api/v1/namespaces", {"metadata": {"name": "n"}})
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    assert ns["status"] == {"phase": "Active"}
    node = emulated_cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "n"},
            "status": {"capacity": {"cpu": "4"}},
        }
    )[0]
    assert node["status"]["allocatable"] == {"cpu": "4"}


def test_custom_resources_are_not_touched(http):
    body = {"metadata": {"name": "x"}, "spec": {"template": {"spec": {"containers": []}}}}
    _, _, mc = http("POST", "/apis/machineconfiguration.openshift.io/v1/machineconfigs", body)
    assert mc["spec"] == body["spec"]
    assert "annotations" not in mc["metadata"]


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("registry:5000/nginx", "Always"),
        ("registry:5000/nginx:v1", "IfNotPresent"),
        ("nginx@sha256:" + "0" * 64, "IfNotPresent"),
        ("nginx:latest@sha256:" + "0" * 64, "Always"),
    ],
)
def test_image_pull_policy_by_tag(image, policy):
    assert image_pull_policy(image) == policy


def test_namespaces_carry_their_name_label(http):
    """kube-apiserver sets ``kubernetes.io/metadata.name`` on every write (namespaceSelectors
    of webhooks and NetworkPolicies match on it); a client cannot change it."""
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "labelled"}}
    status, _, created = http("POST", "/api/v1/namespaces", ns)
    assert status == 201
    assert created["metadata"]["labels"] == {"kubernetes.io/metadata.name": "labelled"}
    created["metadata"]["labels"]["kubernetes.io/metadata.name"] = "other"
    status, _, updated = http("PUT", "/api/v1/namespaces/labelled", created)
    assert status == 200
    assert updated["metadata"]["labels"]["kubernetes.io/metadata.name"] == "labelled"
