"""The ordered apply of a profile's four objects, and their ordered deletion (spec 3.5, 6).

Apply: compute what differs; if nothing does, stop. Otherwise write the Tuned first, delete
other Tuneds the same profile controls (outdated names), then wait until the pool's nodes
computed their kernel command line from this Tuned generation (the core's bootcmdline signal;
:attr:`ApplyResult.waiting` asks the caller to requeue, which is not a failure), then write the
MachineConfig, the KubeletConfig and the RuntimeClass. Deletion: Tuned, KubeletConfig,
RuntimeClass, MachineConfig, then report what still exists. All I/O goes through an
:class:`ObjectWriter` (:class:`KubeObjectWriter` in the operator, a fake in tests).
Neighbours: :mod:`.diff` (pure comparisons), :mod:`.reconciler` (the caller).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from nto.plugins import KubeClient
from nto_api.names import MACHINECONFIG_V1, TUNED_PLURAL, TUNED_V1
from nto_api.objects import JSONDict, metadata_of, name_of
from nto_performance.components import names
from nto_performance.components.manifestset import ManifestSet
from nto_performance.components.names import RenderedKind
from nto_performance.controller.diff import differences, merged_for_update, owned_by, with_owner

__all__ = [
    "DELETION_ORDER",
    "RESOURCES",
    "ApplyResult",
    "KubeObjectWriter",
    "ObjectWriter",
    "apply_manifests",
    "component_names",
    "delete_components",
]

logger = logging.getLogger(__name__)

RESOURCES: Final[Mapping[RenderedKind, tuple[str, str, bool]]] = {
    "tuned": (TUNED_V1, TUNED_PLURAL, True),
    "machineconfig": (MACHINECONFIG_V1, "machineconfigs", False),
    "kubeletconfig": (MACHINECONFIG_V1, "kubeletconfigs", False),
    "runtimeclass": ("node.k8s.io/v1", "runtimeclasses", False),
}
"""``(apiVersion, plural, namespaced)`` of each kind; namespaced kinds live in the operator
namespace."""

DELETION_ORDER: Final[tuple[RenderedKind, ...]] = (
    "tuned",
    "kubeletconfig",
    "runtimeclass",
    "machineconfig",
)

ReadySignal = Callable[[str, int], bool]
"""``(tuned_name, generation) -> bool``: whether the profile's pool applied that generation."""


class ObjectWriter(Protocol):
    """API access the apply needs, per rendered kind."""

    async def get(self, kind: RenderedKind, name: str) -> JSONDict | None: ...

    async def create(self, kind: RenderedKind, obj: JSONDict) -> JSONDict: ...

    async def replace(self, kind: RenderedKind, obj: JSONDict) -> JSONDict: ...

    async def delete(self, kind: RenderedKind, name: str) -> bool: ...

    async def list_tuneds(self) -> list[JSONDict]: ...


class KubeObjectWriter:
    """:class:`ObjectWriter` over :class:`~nto.kube.client.KubeClient`."""

    def __init__(self, client: KubeClient, *, namespace: str) -> None:
        self.client = client
        self.namespace = namespace

    def _where(self, kind: RenderedKind) -> tuple[str, str, str | None]:
        api_version, plural, namespaced = RESOURCES[kind]
        return api_version, plural, self.namespace if namespaced else None

    async def get(self, kind: RenderedKind, name: str) -> JSONDict | None:
        api_version, plural, namespace = self._where(kind)
        return await self.client.get(api_version, plural, name, namespace)

    async def create(self, kind: RenderedKind, obj: JSONDict) -> JSONDict:
        api_version, plural, namespace = self._where(kind)
        return await self.client.create(api_version, plural, obj, namespace)

    async def replace(self, kind: RenderedKind, obj: JSONDict) -> JSONDict:
        api_version, plural, namespace = self._where(kind)
        return await self.client.replace(api_version, plural, obj, namespace)

    async def delete(self, kind: RenderedKind, name: str) -> bool:
        api_version, plural, namespace = self._where(kind)
        return await self.client.delete(api_version, plural, name, namespace)

    async def list_tuneds(self) -> list[JSONDict]:
        api_version, plural, namespace = self._where("tuned")
        return await self.client.list(api_version, plural, namespace)


@dataclass
class ApplyResult:
    """What one apply did."""

    written: list[str] = field(default_factory=list)
    """``Kind/name`` of every object created, updated or deleted."""
    waiting: bool = False
    """The pool has not applied the Tuned yet: requeue (not degraded)."""
    objects: dict[RenderedKind, JSONDict] = field(default_factory=dict)
    """The stored objects after the apply (those that exist)."""
    before: dict[RenderedKind, JSONDict | None] = field(default_factory=dict)
    """The stored objects before the apply (None: absent); :mod:`.rollout` compares them."""

    @property
    def changed(self) -> bool:
        return bool(self.written)


def component_names(profile_name: str) -> dict[RenderedKind, str]:
    """The name of each of a profile's objects."""
    return {
        "tuned": names.tuned_name(profile_name),
        "machineconfig": names.machine_config_name(profile_name),
        "kubeletconfig": names.kubelet_config_name(profile_name),
        "runtimeclass": names.runtime_class_name(profile_name),
    }


async def _write(
    writer: ObjectWriter,
    kind: RenderedKind,
    existing: JSONDict | None,
    desired: JSONDict,
    result: ApplyResult,
) -> None:
    label = f"{desired.get('kind')}/{name_of(desired)}"
    if existing is None:
        logger.info("Creating %s", label)
        result.objects[kind] = await writer.create(kind, desired)
        result.written.append(label)
        return
    found = differences(kind, existing, desired)
    if found:
        logger.info("Updating %s: %s differ", label, ", ".join(found))
        result.objects[kind] = await writer.replace(
            kind, merged_for_update(kind, existing, desired)
        )
        result.written.append(label)
    else:
        result.objects[kind] = existing


async def apply_manifests(
    manifests: ManifestSet,
    *,
    owner: Mapping[str, Any],
    writer: ObjectWriter,
    pool_applied: ReadySignal,
) -> ApplyResult:
    """Apply `manifests` owned by `owner` (a controller owner reference) in the spec's order."""
    desired = {kind: with_owner(obj, owner) for kind, obj in manifests.in_apply_order()}
    kinds = list(desired)
    found = await asyncio.gather(*(writer.get(kind, name_of(desired[kind])) for kind in kinds))
    existing: dict[RenderedKind, JSONDict | None] = dict(zip(kinds, found, strict=True))
    result = ApplyResult(
        objects={k: v for k, v in existing.items() if v is not None}, before=dict(existing)
    )
    if all(
        existing[kind] is not None and not differences(kind, existing[kind] or {}, desired[kind])
        for kind in kinds
    ):
        return result
    await _write(writer, "tuned", existing["tuned"], desired["tuned"], result)
    await _remove_outdated_tuneds(writer, str(owner.get("name")), name_of(desired["tuned"]), result)
    tuned = result.objects["tuned"]
    generation = int(metadata_of(tuned).get("generation") or 0)
    if not pool_applied(name_of(tuned), generation):
        result.waiting = True
        return result
    for kind in ("machineconfig", "kubeletconfig", "runtimeclass"):
        await _write(writer, kind, existing[kind], desired[kind], result)
    return result


async def _remove_outdated_tuneds(
    writer: ObjectWriter,
    profile_name: str,
    current: str,
    result: ApplyResult,
) -> None:
    for tuned in await writer.list_tuneds():
        name = name_of(tuned)
        if name != current and owned_by(tuned) == profile_name:
            logger.info("Deleting outdated Tuned/%s of PerformanceProfile %r", name, profile_name)
            if await writer.delete("tuned", name):
                result.written.append(f"Tuned/{name}")


async def delete_components(writer: ObjectWriter, profile_name: str) -> list[str]:
    """Delete the profile's objects in :data:`DELETION_ORDER`; return ``Kind/name`` of those
    that still exist afterwards (the caller requeues until none does)."""
    component = component_names(profile_name)
    for kind in DELETION_ORDER:
        await writer.delete(kind, component[kind])
    remaining = await asyncio.gather(
        *(writer.get(kind, component[kind]) for kind in DELETION_ORDER)
    )
    return [
        f"{RESOURCES[kind][1]}/{component[kind]}"
        for kind, obj in zip(DELETION_ORDER, remaining, strict=True)
        if obj is not None
    ]
