"""Admission control: calls the webhooks declared in (Validating|Mutating)WebhookConfigurations.

For each create, update or delete the pipeline (:mod:`nto.testing._pipeline`) asks
:class:`Admission` to run matching mutating webhooks first (in configuration-name order, applying
each returned JSONPatch with :func:`nto.testing._patch.json_patch`), then validating webhooks.
Matching follows the API server: rules (operations, apiGroups, apiVersions, resources with
subresources, scope, ``matchPolicy: Equivalent`` converting to the version a rule names),
objectSelector and namespaceSelector. The HTTPS calls themselves go through
the sibling :mod:`nto.testing.webhooks`, with services mapped by ``EmulatedCluster.route_service``.
A webhook's ``response.warnings`` reach the client as ``Warning`` headers, as kube-apiserver
sends them (:func:`nto.testing._field_validation.add_warning`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from nto.testing._crds import Converter
from nto.testing._errors import ApiError
from nto.testing._field_validation import add_warning
from nto.testing._patch import json_patch
from nto.testing._resources import Registry, ResourceInfo
from nto.testing._selectors import from_label_selector_object
from nto.testing._store import Obj, Store

logger = logging.getLogger(__name__)

GROUP = "admissionregistration.k8s.io"
USER_INFO = {"username": "system:admin", "groups": ["system:masters", "system:authenticated"]}


def _listed(values: list[str] | None, value: str) -> bool:
    return bool(values) and ("*" in values or value in values)  # type: ignore[operator]


def _resource_matches(patterns: list[str], plural: str, subresource: str) -> bool:
    for pattern in patterns:
        if pattern == "*/*":
            return True
        resource, _, sub = pattern.partition("/")
        if resource not in ("*", plural):
            continue
        if sub == subresource or (sub == "*" and subresource):
            return True
    return False


def rule_matches(
    rule: Mapping[str, Any],
    *,
    operation: str,
    info: ResourceInfo,
    version: str,
    subresource: str,
) -> bool:
    """Whether one RuleWithOperations covers this request."""
    scope = rule.get("scope", "*")
    if (scope == "Cluster" and info.namespaced) or (scope == "Namespaced" and not info.namespaced):
        return False
    return (
        _listed(rule.get("operations"), operation)
        and _listed(rule.get("apiGroups"), info.group)
        and _listed(rule.get("apiVersions"), version)
        and _resource_matches(rule.get("resources") or [], info.plural, subresource)
    )


class Admission:
    """Runs the admission webhooks of the cluster; see the module docstring."""

    def __init__(
        self,
        store: Store,
        registry: Registry,
        routes: Mapping[tuple[str, str, int], str],
    ) -> None:
        self.store = store
        self.registry = registry
        self.routes = routes
        self.converter = Converter(routes)  # for webhooks that take another version

    def _webhooks(self, plural: str) -> list[dict[str, Any]]:
        info = self.registry.get(GROUP, plural)
        if info is None:
            return []
        return [hook for cfg in self.store.list(info, None) for hook in cfg.get("webhooks") or []]

    def _selected(
        self,
        hook: Mapping[str, Any],
        info: ResourceInfo,
        obj: Obj | None,
        old: Obj | None,
        namespace: str,
    ) -> bool:
        object_selector = from_label_selector_object(hook.get("objectSelector"))
        if object_selector is not None and not any(
            object_selector(o) for o in (obj, old) if o is not None
        ):
            return False
        ns_selector = from_label_selector_object(hook.get("namespaceSelector"))
        if ns_selector is None or not (info.namespaced or info.key == ("", "namespaces")):
            return True
        if info.key == ("", "namespaces"):
            return any(ns_selector(o) for o in (obj, old) if o is not None)
        ns_info = self.registry.get("", "namespaces")
        ns_obj = self.store.get(ns_info, "", namespace) if ns_info else None
        return ns_selector(ns_obj or {"metadata": {}})

    def _matching(
        self,
        plural: str,
        *,
        operation: str,
        info: ResourceInfo,
        version: str,
        subresource: str,
        obj: Obj | None,
        old: Obj | None,
        namespace: str,
    ) -> list[tuple[dict[str, Any], str]]:
        """Each matching webhook with the version it is called in.

        A hook whose rules name another served version of the resource gets the request in that
        version unless its ``matchPolicy`` is ``Exact`` (``Equivalent``, the default, as the API
        server does).
        """
        found = []
        for hook in self._webhooks(plural):
            candidates = [version]
            if hook.get("matchPolicy", "Equivalent") != "Exact":
                others = (info.storage_version, *info.versions)
                candidates += [v for v in dict.fromkeys(others) if v != version]
            matched = next(
                (
                    candidate
                    for candidate in candidates
                    for rule in hook.get("rules") or []
                    if rule_matches(
                        rule,
                        operation=operation,
                        info=info,
                        version=candidate,
                        subresource=subresource,
                    )
                ),
                None,
            )
            if matched is not None and self._selected(hook, info, obj, old, namespace):
                found.append((hook, matched))
        return found

    async def _in_version(self, info: ResourceInfo, obj: Obj | None, version: str) -> Obj | None:
        if obj is None or obj.get("apiVersion") == info.api_version(version):
            return obj
        return await self.converter.one(info, dict(obj), version)

    def _request_in(self, request: dict[str, Any], info: ResourceInfo, version: str) -> Any:
        return {
            **request,
            "kind": {"group": info.group, "version": version, "kind": info.kind},
            "resource": {"group": info.group, "version": version, "resource": info.plural},
        }

    async def admit(
        self,
        *,
        info: ResourceInfo,
        version: str,
        operation: str,
        obj: Obj | None,
        old: Obj | None,
        subresource: str = "",
        namespace: str = "",
        name: str = "",
    ) -> Obj | None:
        """Run mutating then validating webhooks; returns the (possibly mutated) object."""
        request: dict[str, Any] = {
            "kind": {"group": info.group, "version": version, "kind": info.kind},
            "resource": {"group": info.group, "version": version, "resource": info.plural},
            "requestKind": {"group": info.group, "version": version, "kind": info.kind},
            "requestResource": {"group": info.group, "version": version, "resource": info.plural},
            "name": name,
            "namespace": namespace if info.namespaced else "",
            "operation": operation,
            "userInfo": USER_INFO,
            "oldObject": old,
            "dryRun": False,
        }
        if subresource:
            request["subResource"] = subresource
            request["requestSubResource"] = subresource
        for hook, hook_version in self._matching(
            "mutatingwebhookconfigurations",
            operation=operation,
            info=info,
            version=version,
            subresource=subresource,
            obj=obj,
            old=old,
            namespace=namespace,
        ):
            seen = await self._in_version(info, obj, hook_version)
            outcome = await self._call(
                hook,
                {
                    **self._request_in(request, info, hook_version),
                    "object": seen,
                    "oldObject": await self._in_version(info, old, hook_version),
                },
            )
            if outcome is not None and outcome.patch and seen is not None:
                obj = await self._in_version(info, json_patch(seen, outcome.patch), version)
        for hook, hook_version in self._matching(
            "validatingwebhookconfigurations",
            operation=operation,
            info=info,
            version=version,
            subresource=subresource,
            obj=obj,
            old=old,
            namespace=namespace,
        ):
            await self._call(
                hook,
                {
                    **self._request_in(request, info, hook_version),
                    "object": await self._in_version(info, obj, hook_version),
                    "oldObject": await self._in_version(info, old, hook_version),
                },
            )
        return obj

    async def _call(self, hook: Mapping[str, Any], request: dict[str, Any]) -> Any:
        from nto.testing import webhooks

        name = hook.get("name", "")
        request = {**request, "uid": str(uuid.uuid4())}
        try:
            endpoint = webhooks.resolve(hook.get("clientConfig") or {}, self.routes)
            outcome = await webhooks.review(
                endpoint, request, timeout=float(hook.get("timeoutSeconds") or 10)
            )
        except webhooks.WebhookCallError as exc:
            if hook.get("failurePolicy", "Fail") == "Ignore":
                logger.warning("Ignoring the failure of admission webhook %r: %s", name, exc)
                return None
            raise ApiError(
                500,
                f'Internal error occurred: failed calling webhook "{name}": {exc}',
            ) from exc
        for warning in outcome.warnings:  # kube-apiserver passes them to the client
            add_warning(warning)
        if not outcome.allowed:
            code = outcome.code if outcome.code >= 400 else 403
            raise ApiError(code, webhooks.denial_message(name, outcome))
        return outcome
