"""The bundle's objects carry the reference's names, annotations and settings (spec section 7)."""

from __future__ import annotations

import re

import pytest

from nto.bundle import alerts, generate
from nto.bundle.names import FILE_PREFIX, NAMESPACE, RELEASE_PROFILES
from nto.controller.status import related_objects
from tests.bundle.conftest import find

ALL_PROFILES = {f"include.release.openshift.io/{p}": "true" for p in RELEASE_PROFILES}
CLUSTER_SCOPED = {
    "Namespace",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterOperator",
    "ValidatingWebhookConfiguration",
}
OLM_GROUPS = ("operators.coreos.com", "packages.operators.coreos.com")
OLM_KINDS = {"ClusterServiceVersion", "Subscription", "OperatorGroup", "CatalogSource"}


def test_file_names_follow_the_cvo_numbering(bundle):
    numbers = {"10", "20", "30", "40", "45", "50", "55", "60"}
    for name in bundle:
        if name == generate.IMAGE_REFERENCES:
            continue
        match = re.fullmatch(r"(\d\d)-[a-z0-9.-]+\.yaml", name)
        assert match, name
        assert match.group(1) in numbers, name
    assert {name[:2] for name in bundle if name[0].isdigit()} == numbers


@pytest.mark.parametrize(
    ("file", "profiles"),
    [
        pytest.param(
            "50-operator.yaml", {"self-managed-high-availability", "single-node-developer"}
        ),
        pytest.param("50-operator-ibm-cloud-managed.yaml", {"hypershift", "ibm-cloud-managed"}),
        pytest.param("10-namespace.yaml", set(RELEASE_PROFILES)),
        pytest.param("40-rbac.yaml", set(RELEASE_PROFILES)),
    ],
)
def test_release_profiles_per_file(bundle, file, profiles):
    for doc in bundle[file]:
        annotations = doc["metadata"]["annotations"]
        included = {
            key.removeprefix("include.release.openshift.io/")
            for key, value in annotations.items()
            if key.startswith("include.release.openshift.io/") and value == "true"
        }
        assert included == profiles, doc["metadata"]["name"]


def test_every_object_has_the_capability_and_a_namespace_when_namespaced(documents):
    for file, doc in documents:
        if file == generate.IMAGE_REFERENCES:
            continue
        annotations = doc["metadata"]["annotations"]
        assert annotations["capability.openshift.io/name"] == "NodeTuning", (file, doc["kind"])
        if not (set(ALL_PROFILES) & set(annotations)):
            assert file.startswith("50-operator"), file
        namespaced = doc["kind"] not in CLUSTER_SCOPED
        assert (doc["metadata"].get("namespace") == NAMESPACE) == namespaced, (file, doc["kind"])


def test_no_olm_objects_anywhere(documents):
    """No OLM kinds; RBAC may name OLM groups only to clean up an old OLM install."""
    for file, doc in documents:
        assert doc["kind"] not in OLM_KINDS, file
        assert not doc.get("apiVersion", "").startswith(OLM_GROUPS), file
        for rule in doc.get("rules", []):
            if set(rule["apiGroups"]) & set(OLM_GROUPS):
                assert set(rule["verbs"]) <= {"get", "list", "watch", "delete"}, (file, rule)


def test_namespace(documents):
    ns = find(documents, "Namespace", NAMESPACE)
    assert ns["metadata"]["annotations"]["openshift.io/node-selector"] == ""
    assert ns["metadata"]["annotations"]["workload.openshift.io/allowed"] == "management"
    assert ns["metadata"]["labels"] == {
        "openshift.io/cluster-monitoring": "true",
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/audit": "privileged",
        "pod-security.kubernetes.io/warn": "privileged",
    }


def test_crds_are_the_three_and_named_like_the_reference(bundle):
    crds = {name: docs[0]["metadata"]["name"] for name, docs in bundle.items() if name[:2] == "20"}
    assert crds["20-tuned.crd.yaml"] == "tuneds.tuned.openshift.io"
    assert crds["20-profile.crd.yaml"] == "profiles.tuned.openshift.io"
    if "20-performance-profile.crd.yaml" not in crds:
        pytest.skip("nto-performance is not installed")
    assert crds["20-performance-profile.crd.yaml"] == "performanceprofiles.performance.openshift.io"


def test_monitoring_objects(documents):
    ca = find(documents, "ConfigMap", "trusted-ca")
    assert ca["metadata"]["annotations"]["release.openshift.io/create-only"] == "true"
    assert ca["metadata"]["labels"] == {"config.openshift.io/inject-trusted-cabundle": "true"}
    service = find(documents, "Service", "node-tuning-operator")
    assert service["spec"]["clusterIP"] == "None"
    assert service["spec"]["selector"] == {"name": "cluster-node-tuning-operator"}
    assert [port["port"] for port in service["spec"]["ports"]] == [60000]
    secret = service["metadata"]["annotations"][
        "service.beta.openshift.io/serving-cert-secret-name"
    ]
    assert secret == "node-tuning-operator-tls"
    role = find(documents, "Role", "prometheus-k8s")
    granted = {
        (g, r, tuple(rule["verbs"]))
        for rule in role["rules"]
        for g in rule["apiGroups"]
        for r in rule["resources"]
    }
    assert granted == {
        ("", "services", ("get", "list", "watch")),
        ("", "endpoints", ("get", "list", "watch")),
        ("", "pods", ("get", "list", "watch")),
        ("discovery.k8s.io", "endpointslices", ("get", "list", "watch")),
    }
    binding = find(documents, "RoleBinding", "prometheus-k8s")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "prometheus-k8s", "namespace": "openshift-monitoring"}
    ]
    monitor = find(documents, "ServiceMonitor", "node-tuning-operator")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert (endpoint["scheme"], endpoint["interval"]) == ("https", "60s")
    assert endpoint["tlsConfig"] == {
        "caFile": "/etc/prometheus/configmaps/serving-certs-ca-bundle/service-ca.crt",
        "serverName": "node-tuning-operator.openshift-cluster-node-tuning-operator.svc",
        "certFile": "/etc/prometheus/secrets/metrics-client-certs/tls.crt",
        "keyFile": "/etc/prometheus/secrets/metrics-client-certs/tls.key",
    }
    assert monitor["spec"]["serviceDiscoveryRole"] == "EndpointSlice"
    assert monitor["spec"]["selector"]["matchLabels"] == service["metadata"]["labels"]


REFERENCE_TABLE = [
    (
        "NTOPodsNotReady",
        "kube_pod_status_ready{namespace='openshift-cluster-node-tuning-operator', "
        "condition='true'} == 0",
        "30m",
    ),
    ("NTOPodLabelsUsed", "nto_pod_labels_used_info == 1", "30m"),
    ("NTOInvalidTunedExist", "nto_invalid_tuned_exist_info == 1", "30m"),
    ("NTODegraded", "nto_degraded_info == 1", "2h"),
]


def test_prometheus_rule_has_the_reference_alerts_exactly(documents):
    rule = find(documents, "PrometheusRule", "node-tuning-operator")
    assert rule["metadata"]["labels"] == {"role": "alert-rules"}
    groups = {group["name"]: group["rules"] for group in rule["spec"]["groups"]}
    reference = groups["node-tuning-operator.rules"]
    table = [(r["alert"], r["expr"], r["for"]) for r in reference if "alert" in r]
    assert table == REFERENCE_TABLE
    records = [r for r in reference if "record" in r]
    assert records == [
        {
            "record": "nto_custom_profiles:count",
            "expr": 'count by (_id) (nto_profile_calculated_total{profile!~"openshift-node",'
            'profile!~"openshift-control-plane",profile!~"openshift"})',
        }
    ]
    every_alert = [r for rules in groups.values() for r in rules if "alert" in r]
    assert {r["labels"]["severity"] for r in every_alert} == {"warning"}
    assert all(r["annotations"]["summary"] and r["annotations"]["description"] for r in every_alert)


def test_core_alerts_use_metrics_the_core_exports():
    from prometheus_client import CollectorRegistry

    from nto.metrics import CoreMetrics, PluginFailureCollector
    from nto.plugins import build_plugin_host

    registry = CollectorRegistry()
    CoreMetrics(registry)
    registry.register(PluginFailureCollector(build_plugin_host(load_entry_points=False)))
    exported = {sample.name for family in registry.collect() for sample in family.samples}
    exported |= {
        family.name + "_total" for family in registry.collect() if family.type == "counter"
    }
    for alert in (*alerts.REFERENCE_ALERTS, *alerts.CORE_ALERTS):
        metrics = set(re.findall(r"\b(nto_[a-z_]+)\b", alert.expr))
        assert metrics <= exported, (alert.name, metrics - exported)


def test_rbac_objects(documents):
    assert find(documents, "ServiceAccount", "cluster-node-tuning-operator")
    assert find(documents, "ServiceAccount", "tuned")
    operand = find(documents, "ClusterRole", "cluster-node-tuning:tuned")
    assert operand["rules"] == [
        {
            "apiGroups": ["tuned.openshift.io"],
            "resources": ["tuneds", "profiles"],
            "verbs": ["get", "list", "watch"],
        },
        {
            "apiGroups": ["tuned.openshift.io"],
            "resources": ["profiles/status"],
            "verbs": ["update"],
        },
        {
            "apiGroups": ["security.openshift.io"],
            "resources": ["securitycontextconstraints"],
            "verbs": ["use"],
            "resourceNames": ["privileged"],
        },
    ]
    for name, account in [
        ("cluster-node-tuning:tuned", "tuned"),
        ("cluster-node-tuning-operator", "cluster-node-tuning-operator"),
    ]:
        binding = find(documents, "ClusterRoleBinding", name)
        assert binding["roleRef"]["name"] == name
        assert binding["subjects"] == [
            {"kind": "ServiceAccount", "name": account, "namespace": NAMESPACE}
        ]
    operator = find(documents, "ClusterRole", "cluster-node-tuning-operator")
    for rule in operator["rules"]:
        assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"], rule


def test_webhook_service_and_configuration_meet_the_deployment(bundle, documents):
    """The webhook objects come from the plugin serving them; the Deployment wires them up."""
    services = [
        d
        for _, d in documents
        if d.get("metadata", {}).get("name") == "performance-addon-operator-service"
    ]
    if not services:
        pytest.skip("no installed plugin serves webhooks")
    (service,) = services
    assert service["spec"]["selector"] == {"name": "cluster-node-tuning-operator"}
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(443, 4343)]
    (configuration,) = bundle["45-webhook-configuration.yaml"][1:]
    (webhook,) = configuration["webhooks"]
    assert webhook["name"] == "vwb.performance.openshift.io"
    assert webhook["clientConfig"]["service"]["path"] == (
        "/validate-performance-openshift-io-v2-performanceprofile"
    )
    assert (webhook["failurePolicy"], webhook["timeoutSeconds"], webhook["sideEffects"]) == (
        "Ignore",
        10,
        "None",
    )
    secret = service["metadata"]["annotations"][
        "service.beta.openshift.io/serving-cert-secret-name"
    ]
    _, template = _pod(bundle, "50-operator.yaml")
    (container,) = template["spec"]["containers"]
    mounted = {v["name"]: v for v in template["spec"]["volumes"]}
    path = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volume = next(v for v in mounted.values() if v.get("secret", {}).get("secretName") == secret)
    assert path[volume["name"]] == "/apiserver.local.config/certificates"
    assert {item["path"] for item in volume["secret"]["items"]} == {
        "apiserver.crt",
        "apiserver.key",
    }
    assert {"name": "webhook", "containerPort": 4343, "protocol": "TCP"} in container["ports"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": 4343, "scheme": "HTTPS"}


def _pod(bundle, file):
    (deployment,) = bundle[file]
    return deployment, deployment["spec"]["template"]


def test_operator_deployment(bundle):
    deployment, template = _pod(bundle, "50-operator.yaml")
    spec = template["spec"]
    (container,) = spec["containers"]
    assert deployment["spec"]["replicas"] == 1
    assert template["metadata"]["labels"] == {"name": "cluster-node-tuning-operator"}
    assert template["metadata"]["annotations"]["openshift.io/required-scc"] == "restricted-v3"
    assert "target.workload.openshift.io/management" in template["metadata"]["annotations"]
    assert spec["hostUsers"] is False
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert spec["nodeSelector"] == {"node-role.kubernetes.io/control-plane": ""}
    assert spec["priorityClassName"] == "system-cluster-critical"
    assert {(t["key"], t.get("tolerationSeconds")) for t in spec["tolerations"]} == {
        ("node-role.kubernetes.io/master", None),
        ("node.kubernetes.io/unreachable", 120),
        ("node.kubernetes.io/not-ready", 120),
    }
    assert container["args"] == ["-v=0"]
    assert container["command"] == ["cluster-node-tuning-operator"]
    assert {"name": "metrics", "containerPort": 60000, "protocol": "TCP"} in container["ports"]
    assert container["resources"]["requests"] == {"cpu": "10m", "memory": "20Mi"}
    env = {item["name"]: item.get("value", item.get("valueFrom")) for item in container["env"]}
    assert env["RELEASE_VERSION"] == "0.0.1-snapshot"
    assert env["WATCH_NAMESPACE"]["fieldRef"]["fieldPath"] == "metadata.namespace"
    assert env["POD_NAME"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert env["RESYNC_PERIOD"] == "600"
    assert env["CLUSTER_NODE_TUNED_IMAGE"] == container["image"]
    assert env["NTO_DISABLED_PLUGINS"] == "example", "the example plugin says it ships off"
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes[_by_path(mounts, "/etc/secrets")]["secret"]["secretName"] == (
        "node-tuning-operator-tls"
    )
    trusted = volumes[_by_path(mounts, "/var/run/configmaps/trusted-ca/")]["configMap"]
    assert trusted["optional"] is True
    assert trusted["items"] == [{"key": "ca-bundle.crt", "path": "tls-ca-bundle.pem"}]
    assert volumes[_by_path(mounts, "/tmp")]["emptyDir"] == {"medium": "Memory"}
    assert set(volumes) == set(mounts), "every volume is mounted"


def _by_path(mounts: dict[str, str], path: str) -> str:
    (name,) = [name for name, mounted in mounts.items() if mounted == path]
    return name


def test_ibm_cloud_variant_differs_only_in_profiles_and_node_selector(bundle):
    plain, plain_pod = _pod(bundle, "50-operator.yaml")
    ibm, ibm_pod = _pod(bundle, "50-operator-ibm-cloud-managed.yaml")
    assert "nodeSelector" not in ibm_pod["spec"]
    without = {k: v for k, v in plain_pod["spec"].items() if k != "nodeSelector"}
    assert ibm_pod["spec"] == without
    assert {k: v for k, v in ibm["spec"].items() if k != "template"} == {
        k: v for k, v in plain["spec"].items() if k != "template"
    }


def test_network_policies(documents):
    deny = find(documents, "NetworkPolicy", "default-deny-all")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    egress = find(documents, "NetworkPolicy", "allow-egress-to-api-server")
    assert egress["spec"]["egress"] == [{"ports": [{"protocol": "TCP", "port": 6443}]}]
    (expression,) = egress["spec"]["podSelector"]["matchExpressions"]
    assert expression == {
        "key": "name",
        "operator": "In",
        "values": ["cluster-node-tuning-operator", "tuned"],
    }
    for name, port in [("allow-metrics-traffic", 60000), ("allow-webhook-traffic", 4343)]:
        policy = find(documents, "NetworkPolicy", name)
        assert policy["spec"]["ingress"] == [{"ports": [{"protocol": "TCP", "port": port}]}]
        assert policy["spec"]["podSelector"] == {
            "matchLabels": {"name": "cluster-node-tuning-operator"}
        }


def test_cluster_operator_is_preseeded_like_the_running_operator_writes_it(documents):
    operator = find(documents, "ClusterOperator", "node-tuning")
    assert operator["spec"] == {}
    assert operator["status"]["versions"] == [{"name": "operator", "version": "0.0.1-snapshot"}]
    related = operator["status"]["relatedObjects"]
    core = related_objects()
    assert related[: len(core)] == core
    extra = related[len(core) :]
    assert all(entry["group"] != "tuned.openshift.io" for entry in extra), "no duplicates"


def test_image_references(bundle):
    (stream,) = bundle[generate.IMAGE_REFERENCES]
    assert stream["kind"] == "ImageStream"
    (tag,) = stream["spec"]["tags"]
    assert tag["name"] == "cluster-node-tuning-operator"
    assert tag["from"] == {
        "kind": "DockerImage",
        "name": "registry.ci.openshift.org/openshift/origin-v4.0:cluster-node-tuning-operator",
    }


def test_the_prefix_is_the_cvo_one():
    assert FILE_PREFIX == "0000_50_cluster-node-tuning-operator_"
