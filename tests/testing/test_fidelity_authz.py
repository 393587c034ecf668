"""Fidelity: access reviews and RBAC, as ``kubectl auth can-i`` and impersonation meet them.

Sources: the authorization overview (kubernetes.io/docs/reference/access-authn-authz/
authorization/#checking-api-access): SelfSubjectAccessReview, SelfSubjectRulesReview,
SubjectAccessReview and LocalSubjectAccessReview are create-only and answered in ``status``
(``allowed``, ``reason``); the RBAC page for rule matching (verbs, apiGroups, resources with
``resource/subresource`` and ``*/subresource``, resourceNames, nonResourceURLs with a trailing
``*``; RoleBindings grant only in their namespace; aggregated ClusterRoles); the impersonation
section (``Impersonate-User``/``Impersonate-Group``; service accounts get
``system:serviceaccounts`` and ``system:serviceaccounts:<ns>``). Wording from
``plugin/pkg/auth/authorizer/rbac/rbac.go`` (``RBAC: allowed by ClusterRoleBinding "b" of
ClusterRole "r" to User "u"``) and ``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/
responsewriters/errors.go`` (``pods is forbidden: User "u" cannot list resource "pods" in API
group "" in the namespace "default"``).

The emulator treats an un-impersonated request as ``system:admin`` in ``system:masters``.
"""

from __future__ import annotations

import pytest

SSAR = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
SSRR = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
SAR = "/apis/authorization.k8s.io/v1/subjectaccessreviews"
LSAR = "/apis/authorization.k8s.io/v1/namespaces/team/localsubjectaccessreviews"
RBAC = "/apis/rbac.authorization.k8s.io/v1"
SA = "system:serviceaccount:team:bot"
AS_SA = {"Impersonate-User": SA}


def _review(attrs):
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attrs},
    }


def _rbac(http):
    http("POST", "/api/v1/namespaces", {"metadata": {"name": "team"}})
    http(
        "POST",
        f"{RBAC}/clusterroles",
        {
            "metadata": {"name": "pod-reader"},
            "rules": [
                {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
                {"apiGroups": ["apps"], "resources": ["*/scale"], "verbs": ["update"]},
            ],
        },
    )
    http(
        "POST",
        f"{RBAC}/namespaces/team/rolebindings",
        {
            "metadata": {"name": "bot-reads"},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "pod-reader",
            },
            "subjects": [{"kind": "ServiceAccount", "name": "bot", "namespace": "team"}],
        },
    )
    http(
        "POST",
        f"{RBAC}/namespaces/team/roles",
        {
            "metadata": {"name": "one-cm"},
            "rules": [
                {
                    "apiGroups": [""],
                    "resources": ["configmaps"],
                    "resourceNames": ["settings"],
                    "verbs": ["get", "patch"],
                }
            ],
        },
    )
    http(
        "POST",
        f"{RBAC}/namespaces/team/rolebindings",
        {
            "metadata": {"name": "sas-settings"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "one-cm"},
            "subjects": [{"kind": "Group", "name": "system:serviceaccounts:team"}],
        },
    )


def test_admin_may_do_anything_and_the_reason_says_why(http):
    status, _, body = http("POST", SSAR, _review({"verb": "delete", "resource": "nodes"}))
    assert status == 201
    assert body["kind"] == "SelfSubjectAccessReview"
    assert body["status"]["allowed"] is True
    assert "system:masters" in body["status"]["reason"]
    assert body["spec"]["resourceAttributes"] == {"verb": "delete", "resource": "nodes"}


@pytest.mark.parametrize(
    ("attrs", "allowed", "reason"),
    [
        (
            {"verb": "list", "resource": "pods", "namespace": "team"},
            True,
            'RBAC: allowed by RoleBinding "bot-reads/team" of ClusterRole "pod-reader" to'
            ' ServiceAccount "bot/team"',
        ),
        ({"verb": "list", "resource": "pods", "namespace": "default"}, False, None),
        ({"verb": "delete", "resource": "pods", "namespace": "team"}, False, None),
        ({"verb": "get", "resource": "pods", "subresource": "log", "namespace": "team"}, True, ...),
        (
            {"verb": "get", "resource": "pods", "subresource": "exec", "namespace": "team"},
            False,
            None,
        ),
        (
            {
                "verb": "update",
                "group": "apps",
                "resource": "deployments",
                "subresource": "scale",
                "namespace": "team",
            },
            True,
            ...,
        ),
        (
            {"verb": "get", "resource": "configmaps", "name": "settings", "namespace": "team"},
            True,
            ...,
        ),
        (
            {"verb": "get", "resource": "configmaps", "name": "other", "namespace": "team"},
            False,
            None,
        ),
        ({"verb": "list", "resource": "configmaps", "namespace": "team"}, False, None),
    ],
    ids=[
        "rolebinding-to-clusterrole",
        "other-namespace",
        "other-verb",
        "subresource",
        "other-subresource",
        "star-subresource",
        "resource-name",
        "other-resource-name",
        "list-with-resource-names",
    ],
)
def test_impersonated_access_reviews_follow_rbac(http, attrs, allowed, reason):
    _rbac(http)
    status, _, body = http("POST", SSAR, _review(attrs), headers=AS_SA)
    assert status == 201
    assert body["status"]["allowed"] is allowed
    if reason is None:
        assert "reason" not in body["status"]
    elif reason is not ...:
        assert body["status"]["reason"] == reason


def test_impersonated_requests_are_authorized(http):
    _rbac(http)
    assert http("GET", "/api/v1/namespaces/team/pods", headers=AS_SA)[0] == 200
    status, _, body = http("GET", "/api/v1/namespaces/default/pods", headers=AS_SA)
    assert status == 403
    assert body["reason"] == "Forbidden"
    assert body["message"] == (
        f'pods is forbidden: User "{SA}" cannot list resource "pods" in API group "" in the'
        ' namespace "default"'
    )
    assert body["details"] == {"kind": "pods"}
    status, _, body = http("DELETE", "/apis/apps/v1/namespaces/team/deployments/web", headers=AS_SA)
    assert status == 403
    assert body["message"] == (
        f'deployments.apps "web" is forbidden: User "{SA}" cannot delete resource "deployments"'
        ' in API group "apps" in the namespace "team"'
    )
    status, _, body = http("GET", "/api/v1/nodes", headers=AS_SA)
    assert body["message"].endswith('in API group "" at the cluster scope')


def test_cluster_role_binding_to_a_group_and_aggregation(http):
    http(
        "POST",
        f"{RBAC}/clusterroles",
        {
            "metadata": {"name": "aggregate"},
            "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"agg": "yes"}}]},
        },
    )
    http(
        "POST",
        f"{RBAC}/clusterroles",
        {
            "metadata": {"name": "nodes", "labels": {"agg": "yes"}},
            "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]}],
        },
    )
    http(
        "POST",
        f"{RBAC}/clusterrolebindings",
        {
            "metadata": {"name": "devs"},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "aggregate",
            },
            "subjects": [{"kind": "Group", "name": "devs"}],
        },
    )
    headers = {"Impersonate-User": "alice", "Impersonate-Group": "devs"}
    _, _, body = http("POST", SSAR, _review({"verb": "get", "resource": "nodes"}), headers=headers)
    assert body["status"] == {
        "allowed": True,
        "reason": 'RBAC: allowed by ClusterRoleBinding "devs" of ClusterRole "aggregate" to'
        ' Group "devs"',
    }
    assert http("GET", "/api/v1/nodes/n1", headers=headers)[0] == 404  # allowed, then not found


def test_subject_access_review_asks_about_anyone(http):
    _rbac(http)
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {
            "user": SA,
            "groups": [],
            "resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "team"},
        },
    }
    status, _, body = http("POST", SAR, review)
    assert status == 201
    assert body["status"]["allowed"] is True
    local = {**review, "kind": "LocalSubjectAccessReview"}
    local["spec"] = {**review["spec"], "resourceAttributes": {"verb": "get", "resource": "pods"}}
    assert http("POST", LSAR, local)[2]["status"]["allowed"] is True


def test_non_resource_urls(http):
    http(
        "POST",
        f"{RBAC}/clusterroles",
        {
            "metadata": {"name": "metrics"},
            "rules": [{"nonResourceURLs": ["/metrics*"], "verbs": ["get"]}],
        },
    )
    http(
        "POST",
        f"{RBAC}/clusterrolebindings",
        {
            "metadata": {"name": "prom"},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "metrics",
            },
            "subjects": [{"kind": "User", "name": "prometheus"}],
        },
    )
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {
            "user": "prometheus",
            "nonResourceAttributes": {"path": "/metrics/cadvisor", "verb": "get"},
        },
    }
    assert http("POST", SAR, review)[2]["status"]["allowed"] is True
    review["spec"]["nonResourceAttributes"]["path"] = "/healthz"
    assert http("POST", SAR, review)[2]["status"]["allowed"] is False


def test_rules_review_lists_what_applies_in_the_namespace(http):
    _rbac(http)
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectRulesReview",
        "spec": {"namespace": "team"},
    }
    status, _, answered = http("POST", SSRR, body, headers=AS_SA)
    assert status == 201
    resources = [
        (tuple(r["resources"]), tuple(r.get("resourceNames", ())))
        for r in answered["status"]["resourceRules"]
    ]
    assert (("pods", "pods/log"), ()) in resources
    assert (("configmaps",), ("settings",)) in resources
    assert answered["status"]["incomplete"] is False
    body["spec"]["namespace"] = "default"
    assert http("POST", SSRR, body, headers=AS_SA)[2]["status"]["resourceRules"] == []


def test_reviews_are_create_only(http):
    status, _, body = http("GET", SSAR)
    assert status == 405
    assert body["reason"] == "MethodNotAllowed"


def test_self_subject_review_names_the_user(http):
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    path = "/apis/authentication.k8s.io/v1/selfsubjectreviews"
    status, _, answered = http("POST", path, body, headers=AS_SA)
    assert status == 201
    assert answered["status"]["userInfo"]["username"] == SA
    assert "system:serviceaccounts:team" in answered["status"]["userInfo"]["groups"]
