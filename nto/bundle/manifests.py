"""The core's own CVO manifests: namespace, RBAC and the ClusterOperator.

Names, labels and annotations follow ``../shared/spec/nto-core.md`` section 7. Plugins add their
CRDs, RBAC rules, related objects and extra manifests through hooks; :mod:`nto.bundle.generate`
merges everything. Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from nto.plugins.types import JSONDict, PolicyRule, RelatedObject

NAMESPACE = "openshift-cluster-node-tuning-operator"
OPERATOR = "cluster-node-tuning-operator"
RELEASE_VERSION = "0.0.1-snapshot"
INCLUDE_RELEASE = (
    "hypershift",
    "ibm-cloud-managed",
    "self-managed-high-availability",
    "single-node-developer",
)


def cvo_annotations() -> dict[str, str]:
    """Annotations every bundle object carries (capability and release profiles)."""
    annotations = {"capability.openshift.io/name": "NodeTuning"}
    annotations.update({f"include.release.openshift.io/{p}": "true" for p in INCLUDE_RELEASE})
    return annotations


def namespace() -> JSONDict:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": NAMESPACE,
            "annotations": {
                "openshift.io/node-selector": "",
                "workload.openshift.io/allowed": "management",
            },
            "labels": {
                "openshift.io/cluster-monitoring": "true",
                "pod-security.kubernetes.io/enforce": "privileged",
                "pod-security.kubernetes.io/audit": "privileged",
                "pod-security.kubernetes.io/warn": "privileged",
            },
        },
    }


CORE_RULES = (
    PolicyRule(
        ("tuned.openshift.io",),
        ("tuneds", "profiles"),
        ("create", "get", "list", "watch", "update", "patch", "delete"),
    ),
    PolicyRule(("tuned.openshift.io",), ("tuneds/status", "profiles/status"), ("update", "patch")),
    PolicyRule(("tuned.openshift.io",), ("tuneds/finalizers",), ("update",)),
    PolicyRule(("",), ("nodes", "pods"), ("get", "list", "watch")),
    PolicyRule(("",), ("nodes",), ("patch",)),
    PolicyRule(
        ("",), ("configmaps", "events"), ("create", "get", "list", "watch", "update", "patch")
    ),
    PolicyRule(
        ("apps",), ("daemonsets",), ("create", "get", "list", "watch", "update", "patch", "delete")
    ),
    PolicyRule(("coordination.k8s.io",), ("leases",), ("create", "get", "list", "watch", "update")),
    PolicyRule(
        ("config.openshift.io",),
        ("clusteroperators", "clusteroperators/status"),
        ("create", "get", "list", "watch", "update", "patch"),
    ),
    PolicyRule(
        ("config.openshift.io",),
        ("infrastructures", "clusterversions", "featuregates", "apiservers"),
        ("get", "list", "watch"),
    ),
    PolicyRule(
        ("machineconfiguration.openshift.io",),
        ("machineconfigs",),
        ("create", "get", "list", "watch", "update", "patch", "delete"),
    ),
    PolicyRule(
        ("machineconfiguration.openshift.io",), ("machineconfigpools",), ("get", "list", "watch")
    ),
)

CORE_RELATED = (
    RelatedObject(group="", resource="namespaces", name=NAMESPACE),
    RelatedObject(group="tuned.openshift.io", resource="profiles", name="", namespace=NAMESPACE),
    RelatedObject(group="tuned.openshift.io", resource="tuneds", name="", namespace=NAMESPACE),
)


class WildcardRuleError(ValueError):
    """A plugin asked for ``*`` in an RBAC rule; the bundle grants only named verbs."""


def cluster_role(rules: Iterable[PolicyRule]) -> JSONDict:
    """The operator's ClusterRole from core and plugin rules (duplicates dropped, order kept)."""
    unique: list[PolicyRule] = []
    for rule in rules:
        if "*" in (*rule.api_groups, *rule.resources, *rule.verbs):
            raise WildcardRuleError(f"RBAC rule {rule!r} uses a wildcard; name the verbs")
        if rule not in unique:
            unique.append(rule)
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": OPERATOR},
        "rules": [rule.to_manifest() for rule in unique],
    }


def cluster_operator(related: Iterable[RelatedObject]) -> JSONDict:
    """``ClusterOperator/node-tuning`` with pre-seeded related objects and versions."""
    return {
        "apiVersion": "config.openshift.io/v1",
        "kind": "ClusterOperator",
        "metadata": {"name": "node-tuning"},
        "spec": {},
        "status": {
            "relatedObjects": [obj.to_manifest() for obj in related],
            "versions": [{"name": "operator", "version": RELEASE_VERSION}],
        },
    }
