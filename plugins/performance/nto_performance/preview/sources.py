"""The cluster state a preview compares against: live through the API, or a must-gather.

:class:`Snapshot` holds wire dicts: Nodes, MachineConfigPools, the ``MachineConfiguration``
``cluster`` (node disruption policy), Infrastructure and FeatureGate ``cluster``, the existing
PerformanceProfiles and the Tuneds of the operator namespace.

- :func:`from_cluster` lists them with :class:`nto.kube.client.KubeClient` (``--kubeconfig``,
  else ``KUBECONFIG``, in-cluster, ``~/.kube/config``); a kind the cluster does not serve or
  the user may not read is left empty with a note.
- :func:`from_must_gather` reads the tree ``oc adm must-gather`` writes (any level below the
  directory given), by path suffix, with the bounded YAML loader of the profile creator's
  must-gather reader (:mod:`nto_performance.ppc.mustgather`). Nodes and pools are required;
  the rest is optional.

Neighbours: :mod:`.command` (the caller), :mod:`.plan` (:class:`~.plan.ClusterFacts`).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from nto_api.names import (
    CONFIG_GROUP,
    CONFIG_V1,
    MACHINECONFIG_GROUP,
    MACHINECONFIG_V1,
    OPERATOR_NAMESPACE,
    PERFORMANCE_GROUP,
    PERFORMANCE_PLURAL,
    PERFORMANCE_V2,
    TUNED_GROUP,
    TUNED_PLURAL,
    TUNED_V1,
)
from nto_api.objects import JSONDict, name_of
from nto_performance.ppc.mustgather import MustGatherError, _items, _load_yaml
from nto_performance.preview.errors import PreviewError
from nto_performance.preview.plan import ClusterFacts

__all__ = ["Snapshot", "from_cluster", "from_must_gather"]

CLUSTER: Final = ("cluster-scoped-resources",)
NODES: Final = (*CLUSTER, "core", "nodes")
POOLS: Final = (*CLUSTER, MACHINECONFIG_GROUP, "machineconfigpools")
INFRASTRUCTURES: Final = (*CLUSTER, CONFIG_GROUP, "infrastructures")
FEATURE_GATES: Final = (*CLUSTER, CONFIG_GROUP, "featuregates")
MACHINE_CONFIGURATIONS: Final = (*CLUSTER, "operator.openshift.io", "machineconfigurations")
PROFILES: Final = (*CLUSTER, PERFORMANCE_GROUP, "performanceprofiles")
TUNEDS: Final = ("namespaces", OPERATOR_NAMESPACE, TUNED_GROUP, "tuneds")
MACHINE_CONFIGS: Final = (*CLUSTER, MACHINECONFIG_GROUP, "machineconfigs")
KUBELET_CONFIGS: Final = (*CLUSTER, MACHINECONFIG_GROUP, "kubeletconfigs")
RUNTIME_CLASSES: Final = (*CLUSTER, "node.k8s.io", "runtimeclasses")
_OWNED: Final = {
    "machineconfig": MACHINE_CONFIGS,
    "kubeletconfig": KUBELET_CONFIGS,
    "runtimeclass": RUNTIME_CLASSES,
}
_WANTED: Final = (
    NODES,
    POOLS,
    INFRASTRUCTURES,
    FEATURE_GATES,
    MACHINE_CONFIGURATIONS,
    PROFILES,
    TUNEDS,
    *_OWNED.values(),
)
_MAX_DEPTH: Final = 12
MCO_V1: Final = MACHINECONFIG_V1


@dataclass
class Snapshot:
    """Cluster state as wire dicts; see the module docstring."""

    nodes: list[JSONDict] = field(default_factory=list)
    pools: list[JSONDict] = field(default_factory=list)
    machine_configuration: JSONDict | None = None
    infrastructure: JSONDict | None = None
    feature_gate: JSONDict | None = None
    profiles: dict[str, JSONDict] = field(default_factory=dict)
    tuneds: dict[str, JSONDict] = field(default_factory=dict)
    owned: dict[tuple[str, str], JSONDict] = field(default_factory=dict)
    """``(rendered kind, name)`` -> MachineConfigs, KubeletConfigs and RuntimeClasses (read
    only for the handover preview) and the Tuneds of the operator namespace."""
    notes: list[str] = field(default_factory=list)
    profile_notes: list[str] = field(default_factory=list)
    """Notes that concern PerformanceProfile previews only."""
    origin: str = ""

    def facts(self) -> ClusterFacts:
        return ClusterFacts.build(
            pools=self.pools,
            nodes=self.nodes,
            machine_configuration=self.machine_configuration,
            infrastructure=self.infrastructure,
            feature_gate=self.feature_gate,
            notes=tuple(self.notes),
        )


def _locate(root: Path) -> dict[tuple[str, ...], list[Path]]:
    found: dict[tuple[str, ...], list[Path]] = {suffix: [] for suffix in _WANTED}
    for top, dirs, _files in os.walk(root, followlinks=False):
        parts = Path(top).relative_to(root).parts
        for suffix in _WANTED:
            if parts[-len(suffix) :] == suffix:
                found[suffix].append(Path(top))
        if len(parts) >= _MAX_DEPTH or (parts and parts[-1] == "nodes" and CLUSTER[0] not in parts):
            dirs.clear()  # per-node hardware snapshots: thousands of files, none of them ours
        elif parts and parts[-1] == "namespaces":
            dirs[:] = [d for d in dirs if d == OPERATOR_NAMESPACE]
        dirs.sort()
    return found


def _objects(directories: list[Path], what: str, root: Path) -> list[JSONDict]:
    if len(directories) > 1:
        listed = ", ".join(repr(str(d.relative_to(root))) for d in directories)
        raise PreviewError(
            f"must-gather directory {str(root)!r} holds {what} twice ({listed}); pass the "
            "directory of a single must-gather"
        )
    objects: list[JSONDict] = []
    for directory in directories:
        for path in sorted(
            p for p in directory.iterdir() if p.suffix in (".yaml", ".yml", ".json")
        ):
            try:
                items = _items(_load_yaml(path))
            except MustGatherError as exc:
                raise PreviewError(str(exc)) from exc
            for item in items:
                if not isinstance(item, dict):
                    raise PreviewError(
                        f"{str(path)!r} holds a {type(item).__name__}, not a {what} object"
                    )
                objects.append(item)
    return objects


def _cluster_object(objects: list[JSONDict]) -> JSONDict | None:
    return next((o for o in objects if name_of(o) == "cluster"), None)


def from_must_gather(root: str | Path, *, owned: bool = False) -> Snapshot:
    """The state recorded in a must-gather; :class:`PreviewError` when it is not one."""
    root = Path(root)
    if not root.is_dir():
        raise PreviewError(
            f"must-gather directory {str(root)!r} does not exist or is not a directory; pass the "
            "directory 'oc adm must-gather' wrote with --must-gather-dir-path"
        )
    found = _locate(root)
    for suffix, what in ((NODES, "Nodes"), (POOLS, "MachineConfigPools")):
        if not found[suffix]:
            raise PreviewError(
                f"must-gather directory {str(root)!r} has no {'/'.join(suffix)!r} ({what}); pass "
                "the directory of a must-gather of the cluster"
            )
    snapshot = Snapshot(origin=f"must-gather {str(root)!r}")
    snapshot.nodes = _objects(found[NODES], "Node", root)
    snapshot.pools = _objects(found[POOLS], "MachineConfigPool", root)
    snapshot.infrastructure = _cluster_object(
        _objects(found[INFRASTRUCTURES], "Infrastructure", root)
    )
    snapshot.feature_gate = _cluster_object(_objects(found[FEATURE_GATES], "FeatureGate", root))
    snapshot.machine_configuration = _cluster_object(
        _objects(found[MACHINE_CONFIGURATIONS], "MachineConfiguration", root)
    )
    snapshot.profiles = {
        name_of(p): p for p in _objects(found[PROFILES], "PerformanceProfile", root)
    }
    snapshot.tuneds = {name_of(t): t for t in _objects(found[TUNEDS], "Tuned", root)}
    if owned:
        for kind, suffix in _OWNED.items():
            for obj in _objects(found[suffix], kind, root):
                snapshot.owned[(kind, name_of(obj))] = obj
        snapshot.owned.update({("tuned", n): t for n, t in snapshot.tuneds.items()})
    if not found[MACHINE_CONFIGURATIONS]:
        snapshot.notes.append(
            "the must-gather has no MachineConfiguration 'cluster': the MCO default (reboot) is "
            "assumed for every MachineConfig change"
        )
    if not found[PROFILES]:
        snapshot.profile_notes.append(
            "the must-gather has no PerformanceProfiles: every profile is previewed as new"
        )
    return snapshot


async def _read_cluster(*, owned: bool) -> Snapshot:
    from nto.plugins import ApiError, KubeClient, load_connection

    snapshot = Snapshot(origin="the cluster")
    async with KubeClient(load_connection(), timeout=30.0) as client:
        calls: dict[str, Any] = {
            "nodes": client.list("v1", "nodes"),
            "pools": client.list(MCO_V1, "machineconfigpools"),
            "machine_configuration": client.get(
                "operator.openshift.io/v1", "machineconfigurations", "cluster"
            ),
            "infrastructure": client.get(CONFIG_V1, "infrastructures", "cluster"),
            "feature_gate": client.get(CONFIG_V1, "featuregates", "cluster"),
            "profiles": client.list(PERFORMANCE_V2, PERFORMANCE_PLURAL),
            "tuneds": client.list(TUNED_V1, TUNED_PLURAL, OPERATOR_NAMESPACE),
        }
        if owned:
            calls["machineconfig"] = client.list(MCO_V1, "machineconfigs")
            calls["kubeletconfig"] = client.list(MCO_V1, "kubeletconfigs")
            calls["runtimeclass"] = client.list("node.k8s.io/v1", "runtimeclasses")
        outcomes = await asyncio.gather(*calls.values(), return_exceptions=True)
    for key, outcome in zip(calls, outcomes, strict=True):
        if isinstance(outcome, ApiError) and key not in ("nodes", "pools"):
            snapshot.notes.append(f"cannot read {key.replace('_', ' ')}: {outcome}")
            continue
        if isinstance(outcome, BaseException):
            raise PreviewError(f"cannot read {key} from the cluster: {outcome}") from outcome
        if key in _OWNED:
            snapshot.owned.update({(key, name_of(o)): o for o in outcome})
        elif key in ("profiles", "tuneds"):
            setattr(snapshot, key, {name_of(o): o for o in outcome})
        else:
            setattr(snapshot, key, outcome)
    snapshot.owned.update({("tuned", n): t for n, t in snapshot.tuneds.items()})
    return snapshot


def from_cluster(*, owned: bool = False) -> Snapshot:
    """The live state; :class:`PreviewError` when the cluster cannot be reached or read."""
    from nto.plugins import KubeConfigError

    try:
        return asyncio.run(_read_cluster(owned=owned))
    except KubeConfigError as exc:
        raise PreviewError(f"{exc}; or preview offline with --must-gather-dir-path") from exc
    except OSError as exc:
        raise PreviewError(f"cannot reach the cluster: {exc}") from exc
