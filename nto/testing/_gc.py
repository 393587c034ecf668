"""Finalizers, deletion propagation and ownerReference garbage collection for the object store.

:class:`CollectingStore` extends :class:`~nto.testing._store.Store` with an owner index
(owner uid -> dependents) and runs the garbage collector synchronously, right after the owner
goes away, which keeps tests deterministic:

- Background (default): once an owner is gone, each dependent whose owners are all gone is
  deleted, cascading down the tree.
- Foreground: the owner gets deletionTimestamp and the ``foregroundDeletion`` finalizer, its
  dependents are deleted first, and the owner goes once none remain.
- Orphan: the dependents lose their ownerReference to the owner and stay.

Deleting a Namespace deletes every namespaced object in it first.
"""

from __future__ import annotations

import builtins
import copy
from typing import Any

from nto.testing._resources import ResourceInfo
from nto.testing._store import Obj, Store, object_key
from nto_api.objects import uid_of

FOREGROUND = "foregroundDeletion"
Ref = tuple[tuple[str, str], str, str]  # (resource key, namespace, name)


def _owner_uids(obj: Obj | None) -> set[str]:
    if obj is None:
        return set()
    return {ref.get("uid", "") for ref in obj["metadata"].get("ownerReferences") or []}


class CollectingStore(Store):
    """A store with an ownerReference index and a synchronous garbage collector."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._uids: dict[str, Ref] = {}
        self._dependents: dict[str, set[Ref]] = {}

    def indexes_changed(
        self, info: ResourceInfo, obj: Obj, old: Obj | None, *, deleted: bool
    ) -> None:
        ref: Ref = (info.store_key, *object_key(info, obj))
        uid = uid_of(obj)
        for owner in _owner_uids(old):
            self._dependents.get(owner, set()).discard(ref)
        if deleted:
            self._uids.pop(uid, None)
            return
        self._uids[uid] = ref
        for owner in _owner_uids(obj):
            self._dependents.setdefault(owner, set()).add(ref)

    def _resolve(self, ref: Ref) -> tuple[ResourceInfo, Obj] | None:
        info = self.registry.get(*ref[0])
        if info is None:
            return None
        obj = self.get(info, ref[1], ref[2])
        return None if obj is None else (info, obj)

    def live_dependents(self, uid: str) -> builtins.list[tuple[ResourceInfo, Obj]]:
        found = [self._resolve(ref) for ref in sorted(self._dependents.get(uid, set()))]
        return [pair for pair in found if pair is not None]

    def delete(
        self,
        info: ResourceInfo,
        namespace: str,
        name: str,
        *,
        propagation: str = "Background",
        preconditions: Any = None,
    ) -> Obj:
        obj = self.require(info, namespace, name)
        uid = obj["metadata"]["uid"]
        if info.key == ("", "namespaces"):
            for child_info, (child_ns, child_name) in self.namespaced_keys(name):
                if self.get(child_info, child_ns, child_name) is not None:
                    self.delete(child_info, child_ns, child_name, propagation=propagation)
        if propagation == "Orphan":
            self._orphan(uid)
        elif propagation == "Foreground" and self.live_dependents(uid):
            self.mark_deleting(info, obj, extra_finalizer=FOREGROUND)
            for dep_info, dep in self.live_dependents(uid):
                meta = dep["metadata"]
                self.delete(
                    dep_info, meta.get("namespace", ""), meta["name"], propagation="Foreground"
                )
            self._finish_foreground(uid)
            current = self.get(info, namespace, name)
            return current if current is not None else obj
        return super().delete(
            info, namespace, name, propagation=propagation, preconditions=preconditions
        )

    def _orphan(self, uid: str) -> None:
        for dep_info, dep in self.live_dependents(uid):
            new = copy.deepcopy(dep)
            refs = [r for r in new["metadata"].get("ownerReferences", []) if r.get("uid") != uid]
            if refs:
                new["metadata"]["ownerReferences"] = refs
            else:
                new["metadata"].pop("ownerReferences", None)
            self.update(dep_info, new, keep_status=True)

    def _finish_foreground(self, uid: str) -> None:
        """Drop the foregroundDeletion finalizer of ``uid`` once it has no dependents left."""
        ref = self._uids.get(uid)
        found = self._resolve(ref) if ref else None
        if found is None or self.live_dependents(uid):
            return
        info, obj = found
        finalizers = obj["metadata"].get("finalizers") or []
        if FOREGROUND in finalizers:
            new = copy.deepcopy(obj)
            new["metadata"]["finalizers"] = [f for f in finalizers if f != FOREGROUND]
            self.update(info, new, keep_status=True)

    def removed(self, info: ResourceInfo, obj: Obj) -> None:
        uid = uid_of(obj)
        for owner in _owner_uids(obj):
            self._finish_foreground(owner)
        for dep_info, dep in self.live_dependents(uid):
            if any(owner in self._uids for owner in _owner_uids(dep)):
                continue
            meta = dep["metadata"]
            if not meta.get("deletionTimestamp"):
                self.delete(dep_info, meta.get("namespace", ""), meta["name"])
        self._dependents.pop(uid, None)
