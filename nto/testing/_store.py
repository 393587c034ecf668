"""The object store of the emulated API server: objects, resourceVersions, events and watchers.

Objects are kept in their storage version, indexed by resource key (group, plural) and then by
(namespace, name); one global counter gives every write a new, increasing resourceVersion. Every
method is synchronous and runs on the server's event loop, so each write is atomic: asynchronous
steps (admission, conversion, schema checks) happen before, in :mod:`nto.testing._pipeline`.
Server-owned metadata (uid, creationTimestamp, generation), the status subresource rules and
finalizers live here; ownerReference garbage collection is in :mod:`nto.testing._gc`, which
subclasses this store. Listeners (e.g. :mod:`nto.testing._crds`) hear about every commit.
"""

from __future__ import annotations

import builtins
import copy
import datetime
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from nto.testing._defaults import ServiceAddresses, on_create, on_update
from nto.testing._errors import ApiError, already_exists, conflict, invalid, not_found
from nto.testing._names import generate, name_causes
from nto.testing._resources import Registry, ResourceInfo
from nto.testing._selectors import Predicate
from nto.testing._watch import CLOSE, Bookmark, Event, History, ResourceKey, Watcher
from nto_api.objects import metadata_of

Obj = dict[str, Any]
ObjKey = tuple[str, str]  # (namespace, name); namespace "" for cluster-scoped objects
Listener = Callable[[ResourceInfo, Event], None]

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
_SERVER_METADATA = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")


MAX_OBJECT_BYTES = 1536 * 1024
"""etcd's default ``--max-request-bytes`` (1.5 MiB): a larger object cannot be stored."""


def _check_object_size(obj: Obj) -> None:
    size = len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_OBJECT_BYTES:
        # Servers answer 413 (older ones 500) with etcd's own words; clients key on both.
        raise ApiError(
            413,
            "etcdserver: request is too large",
            reason="RequestEntityTooLarge",
            details={
                "causes": [
                    {"message": f"object is {size} bytes; etcd stores at most {MAX_OBJECT_BYTES}"}
                ]
            },
        )


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def spec_part(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Everything that bumps metadata.generation: all but metadata and status."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def _compared_meta(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata minus what a no-op write may change: resourceVersion, managedFields times."""
    meta = {k: v for k, v in metadata_of(obj).items() if k != "resourceVersion"}
    if isinstance(meta.get("managedFields"), list):  # ownership changes are writes
        meta["managedFields"] = [
            {k: v for k, v in e.items() if k != "time"} if isinstance(e, dict) else e
            for e in meta["managedFields"]
        ]
    return meta


def _same_content(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return _compared_meta(a) == _compared_meta(b) and {**a, "metadata": None} == {
        **b,
        "metadata": None,
    }


def object_key(info: ResourceInfo, obj: Mapping[str, Any]) -> ObjKey:
    meta = metadata_of(obj)
    return (meta.get("namespace", "") if info.namespaced else "", meta.get("name", ""))


class Store:
    """All objects of the emulated cluster; see the module docstring."""

    def __init__(self, registry: Registry, *, history: int = 10_000) -> None:
        self.registry = registry
        self.rv = 1000
        self.history = History(history)
        self.listeners: builtins.list[Listener] = []
        self._objects: dict[ResourceKey, dict[ObjKey, Obj]] = {}
        self._watchers: dict[ResourceKey, set[Watcher]] = {}
        self.addresses = ServiceAddresses()

    # --- reads --------------------------------------------------------------------------------

    def get(self, info: ResourceInfo, namespace: str, name: str) -> Obj | None:
        return self._objects.get(info.store_key, {}).get(
            (namespace if info.namespaced else "", name)
        )

    def require(self, info: ResourceInfo, namespace: str, name: str) -> Obj:
        obj = self.get(info, namespace, name)
        if obj is None:
            raise not_found(info.plural, info.group, name)
        return obj

    def list(
        self,
        info: ResourceInfo,
        namespace: str | None,
        *predicates: Predicate | None,
    ) -> builtins.list[Obj]:
        objects = self._objects.get(info.store_key, {})
        if namespace is not None and info.namespaced:
            items = [obj for (ns, _), obj in objects.items() if ns == namespace]
        else:
            items = list(objects.values())
        for predicate in predicates:
            if predicate is not None:
                items = [obj for obj in items if predicate(obj)]
        return sorted(
            items, key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"])
        )

    def namespaced_keys(self, namespace: str) -> builtins.list[tuple[ResourceInfo, ObjKey]]:
        found = []
        for info in self.registry:
            if info.namespaced and info.storage is None:  # a view's objects are its target's
                found += [
                    (info, key)
                    for key in self._objects.get(info.store_key, {})
                    if key[0] == namespace
                ]
        return found

    # --- commits ------------------------------------------------------------------------------

    def _next_rv(self) -> int:
        self.rv += 1
        return self.rv

    def _commit(self, info: ResourceInfo, kind: str, obj: Obj, old: Obj | None) -> Obj:
        if kind != "DELETED":
            _check_object_size(obj)
        rv = self._next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        bucket = self._objects.setdefault(info.store_key, {})
        if kind == "DELETED":
            bucket.pop(object_key(info, obj), None)
        else:
            bucket[object_key(info, obj)] = obj
        event = Event(rv=rv, key=info.store_key, type=kind, obj=obj, old=old)
        self.history.append(event)
        self.indexes_changed(info, obj, old, deleted=kind == "DELETED")
        for watcher in list(self._watchers.get(info.store_key, ())):
            watcher.offer(event)
        for listener in list(self.listeners):
            listener(info, event)
        return obj

    def indexes_changed(
        self, info: ResourceInfo, obj: Obj, old: Obj | None, *, deleted: bool
    ) -> None:
        """Hook for subclasses that keep extra indexes (owner references)."""

    def generate_name(self, info: ResourceInfo, namespace: str, prefix: str) -> str:
        name = generate(prefix, lambda name: self.get(info, namespace, name) is not None)
        if name is None:
            raise ApiError(409, f"could not generate a free name from generateName {prefix!r}")
        return name

    def create(
        self, info: ResourceInfo, body: Mapping[str, Any], *, keep_status: bool = False
    ) -> Obj:
        """Store a new object, setting uid, creationTimestamp, generation and resourceVersion."""
        obj = copy.deepcopy(dict(body))
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise ApiError(400, f"metadata of the new {info.kind} must be an object, got {meta!r}")
        namespace = meta.get("namespace", "") if info.namespaced else ""
        if info.namespaced and not namespace:
            raise ApiError(
                400, f"a {info.kind} needs metadata.namespace; set it or use a namespaced URL"
            )
        if not info.namespaced:
            meta.pop("namespace", None)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = self.generate_name(info, namespace, meta["generateName"])
        if not meta.get("name"):
            raise invalid(info.kind, info.group, "", name_causes(info, meta))
        if self.get(info, namespace, meta["name"]) is not None:
            raise already_exists(info.plural, info.group, meta["name"])
        for field in ("deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion"):
            meta.pop(field, None)
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now()
        meta["generation"] = 1
        obj["apiVersion"] = info.storage_api_version
        obj["kind"] = info.kind
        if info.key == ("", "namespaces"):
            meta.setdefault("labels", {})[NAMESPACE_NAME_LABEL] = meta["name"]
        if info.custom and info.has_status and not keep_status:
            obj.pop("status", None)
        on_create(info, obj, keep_status=keep_status, addresses=self.addresses)
        return self._commit(info, "ADDED", obj, None)

    def update(
        self,
        info: ResourceInfo,
        body: Mapping[str, Any],
        *,
        subresource: str | None = None,
        keep_status: bool = False,
    ) -> Obj:
        """Replace an object, with the optimistic-concurrency and status-subresource rules."""
        new = copy.deepcopy(dict(body))
        meta = new.get("metadata")
        if not isinstance(meta, dict) or not meta.get("name"):
            raise invalid(info.kind, info.group, "", name_causes(info, meta or {}))
        old = self.require(info, meta.get("namespace", ""), meta["name"])
        given_rv = meta.get("resourceVersion")
        if given_rv and given_rv != old["metadata"]["resourceVersion"]:
            raise conflict(info.plural, info.group, meta["name"])
        if subresource == "status":
            new = {**copy.deepcopy(old), "status": new.get("status")}
            if new["status"] is None:
                del new["status"]
        else:
            for field in _SERVER_METADATA:
                if field in old["metadata"]:
                    meta[field] = old["metadata"][field]
                else:
                    meta.pop(field, None)
            if info.namespaced:
                meta["namespace"] = old["metadata"]["namespace"]
            if info.has_status and not keep_status:
                if "status" in old:
                    new["status"] = copy.deepcopy(old["status"])
                else:
                    new.pop("status", None)
        new["apiVersion"] = old["apiVersion"]
        new["kind"] = info.kind
        if info.key == ("", "namespaces"):
            new["metadata"].setdefault("labels", {})[NAMESPACE_NAME_LABEL] = meta["name"]
        on_update(info, new, old, addresses=self.addresses)
        generation = old["metadata"].get("generation", 1)
        if spec_part(new) != spec_part(old):
            generation += 1
        new["metadata"]["generation"] = generation
        if _same_content(new, old):
            return old
        if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers"):
            return self._remove(info, new, old)
        return self._commit(info, "MODIFIED", new, old)

    def _remove(self, info: ResourceInfo, obj: Obj, old: Obj | None) -> Obj:
        """Remove for good: emit DELETED and let subclasses collect garbage."""
        removed = self._commit(info, "DELETED", obj, old)
        self.removed(info, removed)
        return removed

    def removed(self, info: ResourceInfo, obj: Obj) -> None:
        """Hook: called after an object is gone (garbage collection lives in a subclass)."""

    def mark_deleting(
        self, info: ResourceInfo, obj: Obj, *, extra_finalizer: str | None = None
    ) -> Obj:
        """Set deletionTimestamp (and optionally a finalizer); the object stays until finalized."""
        new = copy.deepcopy(obj)
        meta = new["metadata"]
        if extra_finalizer and extra_finalizer not in meta.setdefault("finalizers", []):
            meta["finalizers"].append(extra_finalizer)
        meta.setdefault("deletionTimestamp", now())
        meta.setdefault("deletionGracePeriodSeconds", 0)
        if _same_content(new, obj):
            return obj
        return self._commit(info, "MODIFIED", new, obj)

    def delete(
        self,
        info: ResourceInfo,
        namespace: str,
        name: str,
        *,
        propagation: str = "Background",
        preconditions: Mapping[str, Any] | None = None,
    ) -> Obj:
        """Delete now, or mark for deletion when finalizers remain."""
        obj = self.require(info, namespace, name)
        for field, label in (("uid", "UID"), ("resourceVersion", "ResourceVersion")):
            wanted = (preconditions or {}).get(field)
            actual = obj["metadata"].get(field)
            if wanted and wanted != actual:
                # etcd3's storage.NewInvalidObjError, as the generic registry reports it
                prefix = f"/registry/{info.group}" if info.custom else "/registry"
                key = f"{prefix}/{info.plural}"
                key += f"/{namespace}/{name}" if info.namespaced else f"/{name}"
                raise conflict(
                    info.plural,
                    info.group,
                    name,
                    f"StorageError: invalid object, Code: 4, Key: {key}, ResourceVersion: 0,"
                    f" AdditionalErrorMsg: Precondition failed: {label} in precondition:"
                    f" {wanted}, {label} in object meta: {actual}",
                )
        if obj["metadata"].get("finalizers"):
            return self.mark_deleting(info, obj)
        new = copy.deepcopy(obj)
        new["metadata"].setdefault("deletionTimestamp", now())
        return self._remove(info, new, obj)

    def drop_resource(self, info: ResourceInfo) -> None:
        """Remove every object of a resource (its CRD is gone) and close its watches."""
        for obj in list(self._objects.get(info.store_key, {}).values()):
            self._commit(info, "DELETED", copy.deepcopy(obj), obj)
        self._objects.pop(info.store_key, None)
        for watcher in self._watchers.pop(info.store_key, set()):
            watcher.queue.put_nowait(CLOSE)

    # --- watches ------------------------------------------------------------------------------

    def watch(
        self,
        info: ResourceInfo,
        namespace: str | None,
        label: Predicate | None,
        field: Predicate | None,
        *,
        since: int | None,
        initial_bookmark: bool = False,
    ) -> Watcher:
        """Open a watch: replay from ``since`` (or the current state when None), then live."""
        if since is not None and since < self.history.compacted:
            raise ApiError(
                410,
                f"too old resource version: {since} ({self.history.compacted})",
                reason="Expired",
            )
        watcher = Watcher(info.store_key, namespace if info.namespaced else None, label, field)
        if since is None:
            for obj in self.list(info, watcher.namespace, watcher.matches):
                watcher.queue.put_nowait(
                    Event(int(obj["metadata"]["resourceVersion"]), info.store_key, "ADDED", obj)
                )
            if initial_bookmark:
                watcher.queue.put_nowait(Bookmark(self.rv, initial_end=True))
        else:
            for event in self.history.since(since, info.store_key):
                watcher.offer(event)
        self._watchers.setdefault(info.store_key, set()).add(watcher)
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        self._watchers.get(watcher.key, set()).discard(watcher)

    def break_watches(self) -> int:
        """End every open watch stream; returns how many were open."""
        count = 0
        for watchers in self._watchers.values():
            for watcher in watchers:
                watcher.queue.put_nowait(CLOSE)
                count += 1
            watchers.clear()
        return count
