"""``40-rbac.yaml``: who may call what: the operator's and the operand's service accounts and roles.

The operator's ClusterRole is the union of :data:`CORE_RULES` (the Tuned controller, ClusterOperator
status, leader election, the metrics client CA), :data:`KOPF_RULES` (what kopf itself calls) and
every enabled plugin's ``nto_rbac_rules``. Only named verbs: a wildcard anywhere is refused with
:class:`WildcardRuleError`. The operand's role ``cluster-node-tuning:tuned`` is fixed by the
reference. ``tests/bundle/test_rbac_coverage.py`` checks that these rules cover every API call the
code makes. Neighbours: :mod:`nto.bundle.generate` (assembly), :mod:`nto.bundle.names`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from nto.bundle.names import NAMESPACE, OPERAND_ROLE, OPERAND_SERVICE_ACCOUNT, OPERATOR_NAME
from nto.plugins.types import PolicyRule
from nto_api.names import CONFIG_GROUP, MACHINECONFIG_GROUP, TUNED_GROUP
from nto_api.objects import JSONDict

RBAC_V1: Final = "rbac.authorization.k8s.io/v1"
READ: Final = ("get", "list", "watch")
WRITE: Final = ("create", "get", "list", "watch", "update", "patch")
CRUD: Final = (*WRITE, "delete")

CORE_RULES: Final = (
    PolicyRule((TUNED_GROUP,), ("tuneds", "profiles"), CRUD),
    PolicyRule((TUNED_GROUP,), ("tuneds/status", "profiles/status"), ("update", "patch")),
    PolicyRule((TUNED_GROUP,), ("tuneds/finalizers",), ("update",)),
    PolicyRule(("",), ("nodes", "pods"), READ),
    PolicyRule(("",), ("configmaps", "events"), WRITE),
    PolicyRule(("apps",), ("daemonsets",), CRUD),
    PolicyRule(("coordination.k8s.io",), ("leases",), ("create", "get", "list", "watch", "update")),
    PolicyRule((CONFIG_GROUP,), ("clusteroperators", "clusteroperators/status"), WRITE),
    PolicyRule(
        (CONFIG_GROUP,),
        ("infrastructures", "clusterversions", "featuregates", "apiservers"),
        READ,
    ),
    PolicyRule((MACHINECONFIG_GROUP,), ("machineconfigs",), CRUD),
    PolicyRule((MACHINECONFIG_GROUP,), ("machineconfigpools",), READ),
)
"""What the core's code calls (the coverage test derives the calls and checks them here)."""

KOPF_RULES: Final = (
    PolicyRule(("apiextensions.k8s.io",), ("customresourcedefinitions",), READ),
    PolicyRule(("",), ("events",), ("create",)),
)
"""kopf's own calls: it watches CRDs to notice served resources and posts Events."""

OPERAND_RULES: Final = (
    PolicyRule((TUNED_GROUP,), ("tuneds", "profiles"), READ),
    PolicyRule((TUNED_GROUP,), ("profiles/status",), ("update",)),
    PolicyRule(
        ("security.openshift.io",), ("securitycontextconstraints",), ("use",), ("privileged",)
    ),
)
"""The operand ``ocp-tuned`` (DaemonSet ``tuned``): read its Profile, report its status."""


class WildcardRuleError(ValueError):
    """An RBAC rule names ``*``; the bundle grants only named groups, resources and verbs."""


def merge_rules(rules: Iterable[PolicyRule]) -> list[PolicyRule]:
    """``rules`` without duplicates, in first-seen order; wildcards raise."""
    unique: list[PolicyRule] = []
    for rule in rules:
        fields = {"apiGroups": rule.api_groups, "resources": rule.resources, "verbs": rule.verbs}
        for field, values in fields.items():
            if "*" in values:
                raise WildcardRuleError(
                    f"RBAC rule {rule!r} has '*' in {field}; name the exact {field} instead"
                )
        if rule not in unique:
            unique.append(rule)
    return unique


def _account(name: str) -> JSONDict:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": NAMESPACE},
    }


def _cluster_role(name: str, rules: Iterable[PolicyRule]) -> JSONDict:
    return {
        "apiVersion": RBAC_V1,
        "kind": "ClusterRole",
        "metadata": {"name": name},
        "rules": [rule.to_manifest() for rule in merge_rules(rules)],
    }


def _binding(name: str, account: str) -> JSONDict:
    return {
        "apiVersion": RBAC_V1,
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": NAMESPACE}],
    }


def operator_rbac(plugin_rules: Iterable[PolicyRule]) -> list[JSONDict]:
    """ServiceAccount, ClusterRole and ClusterRoleBinding ``cluster-node-tuning-operator``."""
    rules = [*CORE_RULES, *KOPF_RULES, *plugin_rules]
    return [
        _account(OPERATOR_NAME),
        _cluster_role(OPERATOR_NAME, rules),
        _binding(OPERATOR_NAME, OPERATOR_NAME),
    ]


def operand_rbac() -> list[JSONDict]:
    """ServiceAccount ``tuned`` and ClusterRole/ClusterRoleBinding ``cluster-node-tuning:tuned``."""
    return [
        _account(OPERAND_SERVICE_ACCOUNT),
        _cluster_role(OPERAND_ROLE, OPERAND_RULES),
        _binding(OPERAND_ROLE, OPERAND_SERVICE_ACCOUNT),
    ]
