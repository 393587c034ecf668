"""What the PerformanceProfile controller knows of the cluster, filled by watch events.

PerformanceProfiles, MachineConfigPools (with parsed models), node labels, TuneD Profiles of
the operator namespace and KubeletConfigs. :attr:`ProfileCache.synced` turns true once the
start-up list (:func:`.handlers.prime`) filled every table, so a reconcile never judges from a
partial view. No I/O. Neighbours: :mod:`.handlers` (writes), :mod:`.reconciler` (reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from nto_api.foreign.mco import MachineConfigPool

__all__ = ["JSONDict", "ProfileCache", "Table", "name_of"]

JSONDict = dict[str, Any]
Table = Literal["profiles", "pools", "tuned_profiles", "kubelet_configs"]


def name_of(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


@dataclass
class ProfileCache:
    """Tables by object name; see the module docstring."""

    profiles: dict[str, JSONDict] = field(default_factory=dict)
    pools: dict[str, JSONDict] = field(default_factory=dict)
    tuned_profiles: dict[str, JSONDict] = field(default_factory=dict)
    kubelet_configs: dict[str, JSONDict] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    synced: bool = False
    _pool_models: dict[str, tuple[str, MachineConfigPool | None]] = field(default_factory=dict)

    def store(self, table: Table, obj: JSONDict, *, deleted: bool = False) -> JSONDict | None:
        """Record (or drop) `obj`; return the previous version."""
        rows: dict[str, JSONDict] = getattr(self, table)
        name = name_of(obj)
        if deleted:
            return rows.pop(name, None)
        previous = rows.get(name)
        rows[name] = obj
        return previous

    def store_node(self, obj: Mapping[str, Any], *, deleted: bool = False) -> dict[str, str] | None:
        """Record (or drop) a node's labels; return the previous labels."""
        name = name_of(obj)
        if deleted:
            return self.nodes.pop(name, None)
        previous = self.nodes.get(name)
        labels = (obj.get("metadata") or {}).get("labels") or {}
        self.nodes[name] = {str(k): str(v) for k, v in labels.items()}
        return previous

    def pool_models(self) -> list[MachineConfigPool]:
        """The pools as models (parsed once per resourceVersion; unparsable pools skipped)."""
        models = []
        for name, raw in self.pools.items():
            version = str((raw.get("metadata") or {}).get("resourceVersion") or id(raw))
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
