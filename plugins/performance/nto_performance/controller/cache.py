"""What the PerformanceProfile controller reads: its stores in the core's controller runtime.

PerformanceProfiles, MachineConfigPools (with parsed models), Nodes and TuneD Profiles of the
operator namespace, each a :class:`~nto.plugins.Store` the runtime fills from
the one watch of its resource (Nodes, Profiles and pools are shared with the Tuned controller).
:attr:`ProfileCache.synced` is true once the runtime's start-up list filled every store, so a
reconcile never judges from a partial view. No I/O. Neighbours: :mod:`.handlers` (declares the
watches), :mod:`.reconciler` (reads).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from pydantic import ValidationError

from nto.plugins import Resource, Store
from nto_api.foreign.mco import MachineConfigPool
from nto_api.names import (
    MACHINECONFIG_GROUP,
    PERFORMANCE_GROUP,
    PERFORMANCE_PLURAL,
    PERFORMANCE_STORAGE_VERSION,
    PROFILE_PLURAL,
    TUNED_GROUP,
)
from nto_api.objects import labels_of, resource_version_of

__all__ = [
    "KUBELET_CONFIGS",
    "NODES",
    "POOLS",
    "PROFILES",
    "TUNED_PROFILES",
    "ProfileCache",
]

PROFILES: Final = Resource(PERFORMANCE_GROUP, PERFORMANCE_STORAGE_VERSION, PERFORMANCE_PLURAL)
POOLS: Final = Resource(MACHINECONFIG_GROUP, "v1", "machineconfigpools")
KUBELET_CONFIGS: Final = Resource(MACHINECONFIG_GROUP, "v1", "kubeletconfigs")
TUNED_PROFILES: Final = Resource(TUNED_GROUP, "v1", PROFILE_PLURAL)
NODES: Final = Resource("", "v1", "nodes")


@dataclass
class ProfileCache:
    """The stores by role; see the module docstring."""

    profiles: Store = field(default_factory=lambda: Store(PROFILES))
    pools: Store = field(default_factory=lambda: Store(POOLS))
    tuned_profiles: Store = field(default_factory=lambda: Store(TUNED_PROFILES))
    nodes: Store = field(default_factory=lambda: Store(NODES))
    _pool_models: dict[str, tuple[str, MachineConfigPool | None]] = field(default_factory=dict)

    @property
    def synced(self) -> bool:
        """Whether the start-up list filled every store."""
        stores = (self.profiles, self.pools, self.tuned_profiles, self.nodes)
        return all(store.synced for store in stores)

    def node_labels(self) -> dict[str, dict[str, str]]:
        """Node name -> its labels."""
        return {name: labels_of(node) for name, node in self.nodes.items()}

    def pool_models(self) -> list[MachineConfigPool]:
        """The pools as models (parsed once per resourceVersion; unparsable pools skipped)."""
        models = []
        for name, raw in self.pools.items():
            version = resource_version_of(raw) or str(id(raw))
            cached = self._pool_models.get(name)
            if cached is None or cached[0] != version:
                try:
                    model: MachineConfigPool | None = MachineConfigPool.model_validate(raw)
                except ValidationError:
                    model = None
                cached = self._pool_models[name] = (version, model)
            if cached[1] is not None:
                models.append(cached[1])
        for name in set(self._pool_models) - set(self.pools):
            del self._pool_models[name]
        return models
