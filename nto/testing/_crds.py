"""CustomResourceDefinitions: registering their resources, schema checks and version conversion.

:class:`CrdController` listens to the store (:mod:`nto.testing._store`): a created or updated CRD
registers its resource in the :class:`~nto.testing._resources.Registry` (served versions, scope,
status subresource, storage version, schemas, conversion) and gets Established/NamesAccepted
conditions; a deleted CRD unregisters it and removes its objects. :func:`check_schema` prunes,
defaults and validates an object with the sibling :mod:`nto.testing.schema`; :class:`Converter`
rewrites apiVersion (strategy None) or calls the conversion webhook through
:mod:`nto.testing.webhooks`.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping
from typing import Any

from nto.testing import _field_validation as field_validation
from nto.testing._errors import ApiError, invalid
from nto.testing._events import BUILTIN_VIEWS, convert_builtin
from nto.testing._resources import ALL_VERBS, PRESERVE_UNKNOWN, Registry, ResourceInfo
from nto.testing._store import Obj, Store
from nto.testing._watch import Event
from nto_api.objects import name_of

logger = logging.getLogger(__name__)

CRD_KEY = ("apiextensions.k8s.io", "customresourcedefinitions")


def crd_to_info(crd: Mapping[str, Any]) -> ResourceInfo:
    """The resource a CRD declares; raises a 422 ApiError naming the missing field."""
    name = name_of(crd)
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    versions = [v for v in spec.get("versions") or [] if v.get("served", True)]
    missing = [
        field
        for field, value in (
            ("spec.group", spec.get("group")),
            ("spec.names.plural", names.get("plural")),
            ("spec.names.kind", names.get("kind")),
            ("spec.versions", versions),
        )
        if not value
    ]
    if missing:
        raise invalid(
            "CustomResourceDefinition",
            CRD_KEY[0],
            name,
            [(field, "Required value") for field in missing],
        )
    storage = [v["name"] for v in spec["versions"] if v.get("storage")]
    if len(storage) != 1:
        raise invalid(
            "CustomResourceDefinition",
            CRD_KEY[0],
            name,
            [("spec.versions", f"exactly one version must be storage, got {storage!r}")],
        )
    subresources = set()
    for version in versions:
        subresources |= set((version.get("subresources") or {}).keys())
    conversion = spec.get("conversion") or {}
    return ResourceInfo(
        group=spec["group"],
        plural=names["plural"],
        kind=names["kind"],
        singular=names.get("singular") or names["kind"].lower(),
        namespaced=spec.get("scope", "Namespaced") == "Namespaced",
        versions=tuple(v["name"] for v in versions),
        storage_version=storage[0],
        short_names=tuple(names.get("shortNames") or ()),
        verbs=ALL_VERBS,
        subresources=frozenset(subresources),
        categories=tuple(names.get("categories") or ()),
        custom=True,
        schemas={v["name"]: (v.get("schema") or {}).get("openAPIV3Schema") for v in versions},
        conversion=conversion if conversion.get("strategy") == "Webhook" else None,
        selectable_fields={
            v["name"]: tuple(
                str(field.get("jsonPath", "")).lstrip(".")
                for field in v.get("selectableFields") or []
                if isinstance(field, dict)
            )
            for v in versions
        },
    )


class CrdController:
    """Keeps the registry in step with the CRD objects in the store."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry
        self._owned: dict[str, tuple[str, str]] = {}  # CRD name -> resource key it registered
        store.listeners.append(self.on_event)

    def on_event(self, info: ResourceInfo, event: Event) -> None:
        if info.key != CRD_KEY:
            return
        name = event.obj["metadata"]["name"]
        if event.type == "DELETED":
            self._unregister(name)
            return
        resource = crd_to_info(event.obj)
        previous = self._owned.get(name)
        if previous is not None and previous != resource.key:
            self._unregister(name)
        self.registry.add(resource)
        self._owned[name] = resource.key
        self._set_status(info, dict(event.obj))

    def _unregister(self, name: str) -> None:
        key = self._owned.pop(name, None)
        resource = self.registry.remove(*key) if key else None
        if resource is not None:
            self.store.drop_resource(resource)

    def _set_status(self, info: ResourceInfo, crd: Obj) -> None:
        names = crd["spec"]["names"]
        status = {
            "acceptedNames": copy.deepcopy(names),
            "storedVersions": [v["name"] for v in crd["spec"]["versions"] if v.get("storage")],
            "conditions": [
                {
                    "type": cond,
                    "status": "True",
                    "reason": reason,
                    "message": message,
                    "lastTransitionTime": crd["metadata"]["creationTimestamp"],
                }
                for cond, reason, message in (
                    ("NamesAccepted", "NoConflicts", "no conflicts found"),
                    ("Established", "InitialNamesAccepted", "the initial names have been accepted"),
                )
            ],
        }
        if crd.get("status") != status:
            self.store.update(info, {**crd, "status": status}, subresource="status")


def check_schema(info: ResourceInfo, version: str, obj: Obj) -> Obj:
    """Prune, default and validate ``obj`` against the CRD schema of ``version``."""
    field_validation.check(info, version, obj)
    schema = info.schemas.get(version)
    if not info.custom or not schema or schema == PRESERVE_UNKNOWN:
        return obj
    from nto.testing import schema as schema_module

    kept: dict[str, Any] = {k: obj[k] for k in ("apiVersion", "kind", "metadata") if k in obj}
    result = schema_module.apply_defaults(schema, schema_module.prune(schema, obj))
    result.update(copy.deepcopy(kept))
    errors = [
        e for e in schema_module.validate(schema, result) if not e.field.startswith("metadata")
    ]
    if errors:
        name = name_of(obj)
        raise invalid(info.kind, info.group, name, [(e.field, e.message, e.reason) for e in errors])
    return result


class Converter:
    """Converts stored objects between the served versions of a resource."""

    def __init__(self, routes: Mapping[tuple[str, str, int], str]) -> None:
        self.routes = routes

    async def convert(self, info: ResourceInfo, objects: list[Obj], version: str) -> list[Obj]:
        """``objects`` in ``version``; the inputs are never modified."""
        api_version = info.api_version(version)
        todo = [obj for obj in objects if obj.get("apiVersion") != api_version]
        if not todo:
            return objects
        if info.key in BUILTIN_VIEWS:
            return [convert_builtin(info.key, obj, api_version) or obj for obj in objects]
        if info.conversion is None:
            return [
                obj if obj.get("apiVersion") == api_version else {**obj, "apiVersion": api_version}
                for obj in objects
            ]
        from nto.testing import webhooks

        client_config = (info.conversion.get("webhook") or {}).get("clientConfig") or {}
        try:
            endpoint = webhooks.resolve(client_config, self.routes)
            converted = await webhooks.convert(endpoint, todo, api_version, timeout=10.0)
        except webhooks.WebhookCallError as exc:
            raise ApiError(
                500,
                f"conversion webhook for {info.qualified} failed converting to"
                f" {api_version}: {exc}",
            ) from exc
        if len(converted) != len(todo):
            raise ApiError(
                500,
                f"conversion webhook for {info.qualified} returned {len(converted)} objects"
                f" for {len(todo)}",
            )
        replacements = iter(converted)
        return [
            obj if obj.get("apiVersion") == api_version else next(replacements) for obj in objects
        ]

    async def to_storage(self, info: ResourceInfo, obj: Obj) -> Obj:
        """``obj`` as the store keeps it (another resource's shape, for a view like Events)."""
        if info.store_key in BUILTIN_VIEWS:
            return convert_builtin(info.key, obj, info.storage_api_version) or obj
        return await self.one(info, obj, info.storage_version)

    async def one(self, info: ResourceInfo, obj: Obj, version: str) -> Obj:
        return (await self.convert(info, [obj], version))[0]
