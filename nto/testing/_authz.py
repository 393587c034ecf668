"""Who is asking, and may they: access reviews and RBAC evaluated from the stored RBAC objects.

The emulator authenticates nobody: a request is the cluster admin (``system:admin`` in
``system:masters``, which a real cluster allows everything) unless it impersonates someone with
the ``Impersonate-User``/``Impersonate-Group`` headers (``kubectl --as``, client-go
``ImpersonationConfig``). Impersonated requests are authorized like kube-apiserver's RBAC
authorizer would, from the Roles, ClusterRoles (aggregation included), RoleBindings and
ClusterRoleBindings in the store, and refused with its 403 (``pods is forbidden: User "..."
cannot list resource "pods" in API group "" in the namespace "default"``). So a plugin's RBAC
manifests can be tested: apply them, then act as the service account.

Served here (never stored, as in a real server; POST only, 201 with ``status`` filled):

- ``authorization.k8s.io/v1`` SelfSubjectAccessReview (``kubectl auth can-i``),
  SelfSubjectRulesReview (``kubectl auth can-i --list``), SubjectAccessReview and
  LocalSubjectAccessReview (any user, e.g. for a proxy's ``--authorization`` checks);
- ``authentication.k8s.io/v1`` SelfSubjectReview (``kubectl auth whoami``).

Allow reasons use the authorizer's wording (``RBAC: allowed by ClusterRoleBinding "x" of
ClusterRole "y" to ServiceAccount "sa/ns"``). The router (:mod:`nto.testing._handler`) calls
:meth:`Authorizer.check` for impersonated requests and :meth:`Authorizer.review` for the kinds
above. Not emulated: authentication itself (tokens, certificates, TokenReview), ABAC, webhook
authorizers, escalation checks on writing RBAC objects.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any

from nto.testing._errors import ApiError, bad_request
from nto.testing._resources import ResourceInfo
from nto.testing._selectors import from_label_selector_object
from nto.testing._store import Obj, Store

RBAC = "rbac.authorization.k8s.io"
AUTHORIZATION = "authorization.k8s.io"
AUTHENTICATION = "authentication.k8s.io"
MASTERS = "system:masters"
ADMIN: dict[str, Any] = {"username": "system:admin", "groups": [MASTERS, "system:authenticated"]}
MASTERS_REASON = (
    "the emulated API server allows system:masters everything; impersonate a user or service"
    " account (kubectl --as, the Impersonate-User header) to check RBAC rules"
)
REVIEW_KEYS = frozenset(
    {
        (AUTHORIZATION, "selfsubjectaccessreviews"),
        (AUTHORIZATION, "selfsubjectrulesreviews"),
        (AUTHORIZATION, "subjectaccessreviews"),
        (AUTHORIZATION, "localsubjectaccessreviews"),
        (AUTHENTICATION, "selfsubjectreviews"),
    }
)


def user_from_headers(headers: Mapping[str, str], all_groups: list[str]) -> dict[str, Any]:
    """The user a request acts as: the impersonated one, or the emulator's admin."""
    name = headers.get("Impersonate-User")
    if not name:
        return copy.deepcopy(ADMIN)
    groups = list(all_groups)
    if name.startswith("system:serviceaccount:"):
        namespace = name.split(":")[2]
        groups += ["system:serviceaccounts", f"system:serviceaccounts:{namespace}"]
    if "system:authenticated" not in groups:
        groups.append("system:authenticated")
    return {"username": name, "groups": groups}


def _listed(values: list[str] | None, value: str) -> bool:
    return bool(values) and ("*" in values or value in values)  # type: ignore[operator]


def _resource_listed(rules: list[str] | None, resource: str, subresource: str) -> bool:
    combined = f"{resource}/{subresource}" if subresource else resource
    for rule in rules or []:
        if rule in ("*", combined):
            return True
        if subresource and rule == f"*/{subresource}":
            return True
    return False


def _url_listed(rules: list[str] | None, path: str) -> bool:
    for rule in rules or []:
        if rule in ("*", path) or (rule.endswith("*") and path.startswith(rule[:-1])):
            return True
    return False


def rule_allows(rule: Mapping[str, Any], attrs: Mapping[str, Any]) -> bool:
    """Whether one PolicyRule covers a request (``resourceAttributes``-shaped, or a path)."""
    if not _listed(rule.get("verbs"), attrs.get("verb", "")):
        return False
    if "path" in attrs:
        return _url_listed(rule.get("nonResourceURLs"), attrs["path"])
    if not _listed(rule.get("apiGroups"), attrs.get("group", "")):
        return False
    if not _resource_listed(
        rule.get("resources"), attrs.get("resource", ""), attrs.get("subresource", "")
    ):
        return False
    names = rule.get("resourceNames") or []
    return not names or attrs.get("name", "") in names


def _describe_subject(subject: Mapping[str, Any], namespace: str) -> str:
    name = subject.get("name", "")
    if subject.get("kind") == "ServiceAccount":
        name = f"{name}/{subject.get('namespace') or namespace}"
    return f"{subject.get('kind')} {json.dumps(name)}"


class Authorizer:
    """RBAC over the store, and the review kinds; see the module docstring."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _objects(self, plural: str, namespace: str | None = None) -> list[Obj]:
        info = self.store.registry.get(RBAC, plural)
        return [] if info is None else self.store.list(info, namespace)

    def _role_rules(self, ref: Mapping[str, Any], namespace: str) -> list[Mapping[str, Any]]:
        kind, name = ref.get("kind"), ref.get("name", "")
        if kind == "Role":
            info = self.store.registry.get(RBAC, "roles")
            role = self.store.get(info, namespace, name) if info else None
            return list((role or {}).get("rules") or [])
        info = self.store.registry.get(RBAC, "clusterroles")
        role = self.store.get(info, "", name) if info else None
        if role is None:
            return []
        rules = list(role.get("rules") or [])
        for selector in (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []:
            matches = from_label_selector_object(selector)
            for other in self._objects("clusterroles"):
                if other is not role and (matches is None or matches(other)):
                    rules += other.get("rules") or []
        return rules

    @staticmethod
    def _subject_matches(subject: Mapping[str, Any], user: Mapping[str, Any], ns: str) -> bool:
        kind, name = subject.get("kind"), subject.get("name")
        if kind == "User":
            return bool(name == user["username"])
        if kind == "Group":
            return name in user["groups"]
        if kind == "ServiceAccount":
            namespace = subject.get("namespace") or ns
            return bool(user["username"] == f"system:serviceaccount:{namespace}:{name}")
        return False

    def _grants(
        self, user: Mapping[str, Any], namespace: str
    ) -> Iterator[tuple[str, list[Mapping[str, Any]]]]:
        """(source description, rules) of every binding of ``user`` that applies in namespace."""
        for binding in self._objects("clusterrolebindings"):
            for subject in binding.get("subjects") or []:
                if self._subject_matches(subject, user, ""):
                    ref = binding.get("roleRef") or {}
                    source = (
                        f"ClusterRoleBinding {json.dumps(binding['metadata']['name'])} of"
                        f" {ref.get('kind')} {json.dumps(ref.get('name', ''))} to"
                        f" {_describe_subject(subject, '')}"
                    )
                    yield source, self._role_rules(ref, "")
        if not namespace:
            return
        for binding in self._objects("rolebindings", namespace):
            for subject in binding.get("subjects") or []:
                if self._subject_matches(subject, user, namespace):
                    ref = binding.get("roleRef") or {}
                    source = (
                        f"RoleBinding {json.dumps(binding['metadata']['name'] + '/' + namespace)}"
                        f" of {ref.get('kind')} {json.dumps(ref.get('name', ''))} to"
                        f" {_describe_subject(subject, namespace)}"
                    )
                    yield source, self._role_rules(ref, namespace)

    def authorize(self, user: Mapping[str, Any], attrs: Mapping[str, Any]) -> tuple[bool, str]:
        """(allowed, reason) for ``attrs`` (resourceAttributes, or ``{"path", "verb"}``)."""
        if MASTERS in user.get("groups", []):
            return True, MASTERS_REASON
        namespace = "" if "path" in attrs else attrs.get("namespace", "")
        for source, rules in self._grants(user, namespace):
            if any(rule_allows(rule, attrs) for rule in rules):
                return True, f"RBAC: allowed by {source}"
        return False, ""

    def rules(self, user: Mapping[str, Any], namespace: str) -> dict[str, Any]:
        """The ``SubjectRulesReviewStatus`` of ``user`` in ``namespace``."""
        if MASTERS in user.get("groups", []):
            resource_rules: list[Any] = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]
            url_rules: list[Any] = [{"verbs": ["*"], "nonResourceURLs": ["*"]}]
        else:
            resource_rules, url_rules = [], []
            for _, rules in self._grants(user, namespace):
                for rule in rules:
                    if rule.get("nonResourceURLs"):
                        url_rules.append(
                            {"verbs": rule.get("verbs"), "nonResourceURLs": rule["nonResourceURLs"]}
                        )
                    else:
                        resource_rules.append(
                            {k: v for k, v in rule.items() if k != "nonResourceURLs"}
                        )
        return {"resourceRules": resource_rules, "nonResourceRules": url_rules, "incomplete": False}

    # --- HTTP ---------------------------------------------------------------------------------

    def check(
        self,
        user: Mapping[str, Any],
        info: ResourceInfo,
        *,
        verb: str,
        namespace: str,
        name: str,
        subresource: str,
    ) -> None:
        """Raise the authorizer's 403 when ``user`` may not do this resource request."""
        attrs = {
            "verb": verb,
            "group": info.group,
            "resource": info.plural,
            "subresource": subresource,
            "namespace": namespace,
            "name": name,
        }
        if self.authorize(user, attrs)[0]:
            return
        resource = f"{info.plural}/{subresource}" if subresource else info.plural
        where = f"in the namespace {json.dumps(namespace)}" if namespace else "at the cluster scope"
        reason = (
            f"User {json.dumps(user['username'])} cannot {verb} resource {json.dumps(resource)}"
            f" in API group {json.dumps(info.group)} {where}"
        )
        subject = f"{info.qualified} {json.dumps(name)}" if name else info.qualified
        details: dict[str, Any] = {"name": name} if name else {}
        if info.group:
            details["group"] = info.group
        details["kind"] = info.plural
        raise ApiError(
            403, f"{subject} is forbidden: {reason}", reason="Forbidden", details=details
        )

    def review(self, info: ResourceInfo, body: Any, user: Mapping[str, Any], namespace: str) -> Obj:
        """The answered review object for a POST of ``body`` to review kind ``info``."""
        if not isinstance(body, dict):
            raise bad_request(f"the request body for a {info.kind} must be a JSON object")
        review = copy.deepcopy(body)
        review["apiVersion"] = info.api_version(info.storage_version)
        review["kind"] = info.kind
        meta: dict[str, Any] = (
            review["metadata"] if isinstance(review.get("metadata"), dict) else {}
        )
        review["metadata"] = {**meta, "creationTimestamp": None}
        spec: dict[str, Any] = review["spec"] if isinstance(review.get("spec"), dict) else {}
        if info.plural == "selfsubjectreviews":
            review["status"] = {"userInfo": dict(user)}
            return review
        if info.plural == "selfsubjectrulesreviews":
            review["status"] = self.rules(user, str(spec.get("namespace") or ""))
            return review
        if info.plural in ("subjectaccessreviews", "localsubjectaccessreviews"):
            user = {
                "username": spec.get("user", ""),
                "groups": list(spec.get("groups") or []),
            }
        attrs = spec.get("resourceAttributes")
        urls = spec.get("nonResourceAttributes")
        if isinstance(attrs, dict) == isinstance(urls, dict):
            raise ApiError(
                422,
                f'{info.kind}.{info.group} "" is invalid: spec.resourceAttributes: Invalid value:'
                ' "null": exactly one of nonResourceAttributes or resourceAttributes must be'
                " specified",
                reason="Invalid",
            )
        if isinstance(attrs, dict):
            attrs = dict(attrs)
            if info.plural == "localsubjectaccessreviews":
                attrs["namespace"] = namespace
        else:
            attrs = dict(urls or {})
        allowed, reason = self.authorize(user, attrs)
        review["status"] = {"allowed": allowed, **({"reason": reason} if reason else {})}
        return review
