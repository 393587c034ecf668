"""The write and read paths of the emulated API server, between HTTP and the store.

:class:`Api` takes decoded requests from the router (:mod:`nto.testing._handler`) and runs the
API server's sequence for each verb: check the body, convert to the request version, admission
(:mod:`nto.testing._admission`), CRD schema pruning/defaulting/validation
(:mod:`nto.testing._crds`), conversion to the storage version, then one atomic store call
(:mod:`nto.testing._gc`). Results go back converted to the version the client asked for. Patches
re-read and retry on a concurrent write, as the real server's update loop does.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from nto.testing._admission import Admission
from nto.testing._crds import CRD_KEY, Converter, check_schema, crd_to_info
from nto.testing._errors import ApiError
from nto.testing._events import check_event
from nto.testing._gc import CollectingStore
from nto.testing._names import check_create
from nto.testing._patch import apply_patch
from nto.testing._resources import Registry, ResourceInfo
from nto.testing._selectors import Predicate
from nto.testing._store import Obj

_PATCH_RETRIES = 5


def _check_body(info: ResourceInfo, version: str, namespace: str, body: Any) -> Obj:
    if not isinstance(body, dict):
        raise ApiError(400, f"the request body for a {info.kind} must be a JSON object")
    api_version = info.api_version(version)
    if (
        body.get("apiVersion", api_version) != api_version
        or body.get("kind", info.kind) != info.kind
    ):
        raise ApiError(
            400,
            f"the body is a {body.get('apiVersion')}/{body.get('kind')} but the URL is for"
            f" {api_version}/{info.kind}; send it to its own resource URL",
        )
    obj = copy.deepcopy(body)
    obj["apiVersion"], obj["kind"] = api_version, info.kind
    meta = obj.setdefault("metadata", {})
    if not isinstance(meta, dict):
        raise ApiError(400, f"metadata of the {info.kind} must be an object, got {meta!r}")
    if info.namespaced:
        if meta.get("namespace") not in (None, "", namespace):
            raise ApiError(  # apiserver's EnsureObjectNamespaceMatchesRequestNamespace
                400,
                "the namespace of the provided object does not match the namespace sent on the"
                " request",
            )
        meta["namespace"] = namespace
    return obj


class Api:
    """The verbs of the API server; see the module docstring."""

    def __init__(
        self,
        registry: Registry,
        store: CollectingStore,
        converter: Converter,
        admission: Admission,
    ) -> None:
        self.registry = registry
        self.store = store
        self.converter = converter
        self.admission = admission

    async def _finish(self, info: ResourceInfo, version: str, obj: Obj) -> Obj:
        obj = check_schema(info, version, obj)
        if info.key == CRD_KEY:
            crd_to_info(obj)
        return await self.converter.to_storage(info, obj)

    async def get(self, info: ResourceInfo, version: str, namespace: str, name: str) -> Obj:
        return await self.converter.one(info, self.store.require(info, namespace, name), version)

    async def list(
        self,
        info: ResourceInfo,
        version: str,
        namespace: str | None,
        *predicates: Predicate | None,
    ) -> dict[str, Any]:
        rv = self.store.rv
        items = await self.converter.convert(
            info, self.store.list(info, namespace, *predicates), version
        )
        return {
            "kind": info.list_kind,
            "apiVersion": info.api_version(version),
            "metadata": {"resourceVersion": str(rv)},
            "items": items,
        }

    async def create(self, info: ResourceInfo, version: str, namespace: str, body: Any) -> Obj:
        obj = _check_body(info, version, namespace, body)
        meta = obj["metadata"]
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = self.store.generate_name(info, namespace, meta["generateName"])
        check_create(info, obj)
        check_event(info, obj, create=True)
        admitted = await self.admission.admit(
            info=info,
            version=version,
            operation="CREATE",
            obj=obj,
            old=None,
            namespace=namespace,
            name=meta.get("name", ""),
        )
        stored = self.store.create(info, await self._finish(info, version, admitted or obj))
        return await self.converter.one(info, stored, version)

    async def replace(
        self,
        info: ResourceInfo,
        version: str,
        *,
        namespace: str,
        name: str,
        body: Any,
        subresource: str = "",
    ) -> Obj:
        obj = _check_body(info, version, namespace, body)
        if obj["metadata"].get("name") != name:
            raise ApiError(  # the apiserver's checkName
                400,
                f"the name of the object ({obj['metadata'].get('name') or ''}) does not match the"
                f" name on the URL ({name})",
            )
        return await self._update(
            info, version, namespace=namespace, name=name, obj=obj, subresource=subresource
        )

    async def _update(
        self,
        info: ResourceInfo,
        version: str,
        *,
        namespace: str,
        name: str,
        obj: Obj,
        subresource: str,
    ) -> Obj:
        old = await self.converter.one(info, self.store.require(info, namespace, name), version)
        if subresource == "status":
            effective = {**copy.deepcopy(old), "status": obj.get("status")}
            effective["metadata"]["resourceVersion"] = obj["metadata"].get("resourceVersion")
        elif info.has_status:
            effective = {**obj, "status": old.get("status")}
        else:
            effective = obj
        if effective.get("status") is None:
            effective.pop("status", None)
        admitted = await self.admission.admit(
            info=info,
            version=version,
            operation="UPDATE",
            obj=effective,
            old=old,
            subresource=subresource,
            namespace=namespace,
            name=name,
        )
        check_event(info, admitted or effective, create=False)
        final = await self._finish(info, version, admitted or effective)
        stored = self.store.update(info, final, subresource=subresource or None)
        return await self.converter.one(info, stored, version)

    async def patch(
        self,
        info: ResourceInfo,
        version: str,
        *,
        namespace: str,
        name: str,
        content_type: str,
        patch: Any,
        subresource: str = "",
    ) -> Obj:
        for attempt in range(_PATCH_RETRIES):
            current = self.store.require(info, namespace, name)
            old = await self.converter.one(info, current, version)
            patched = apply_patch(content_type, old, patch, strategic=not info.custom)
            if not isinstance(patched, dict) or not isinstance(patched.get("metadata"), dict):
                raise ApiError(422, f"the patch turned the {info.kind} {name!r} into {patched!r}")
            explicit_rv = patched["metadata"].get("resourceVersion") != old["metadata"].get(
                "resourceVersion"
            )
            patched["metadata"].setdefault(
                "resourceVersion", current["metadata"]["resourceVersion"]
            )
            patched["metadata"]["name"] = name
            try:
                return await self._update(
                    info,
                    version,
                    namespace=namespace,
                    name=name,
                    obj=patched,
                    subresource=subresource,
                )
            except ApiError as exc:
                if exc.code != 409 or explicit_rv or attempt == _PATCH_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def delete(
        self,
        info: ResourceInfo,
        version: str,
        namespace: str,
        name: str,
        options: Mapping[str, Any],
    ) -> Obj:
        old = await self.converter.one(info, self.store.require(info, namespace, name), version)
        await self.admission.admit(
            info=info,
            version=version,
            operation="DELETE",
            obj=None,
            old=old,
            namespace=namespace,
            name=name,
        )
        result = self.store.delete(
            info,
            namespace,
            name,
            propagation=options.get("propagationPolicy") or "Background",
            preconditions=options.get("preconditions"),
        )
        return await self.converter.one(info, result, version)

    async def delete_collection(
        self,
        info: ResourceInfo,
        version: str,
        namespace: str | None,
        options: Mapping[str, Any],
        *predicates: Predicate | None,
    ) -> dict[str, Any]:
        listed = await self.list(info, version, namespace, *predicates)
        items = []
        for item in listed["items"]:
            meta = item["metadata"]
            items.append(
                await self.delete(info, version, meta.get("namespace", ""), meta["name"], options)
            )
        return {**listed, "items": items}
