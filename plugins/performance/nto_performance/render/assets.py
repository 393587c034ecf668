"""What the render command writes: pinning mode, pools, one manifest set per profile, owners.

`plan(inputs, owner_ref=...)` returns ``{file name: object}`` for everything to write, computed
in memory so that a failure writes nothing (spec section 4, "Algorithm"):

1. the workload-pinning mode from ``Infrastructure/cluster`` (``AllNodes``; also legacy
   single-node clusters whose MachineConfigs carry the kubelet pinning file);
2. with pinning, a bootstrap MachineConfig per default pool (``master``, ``worker``, plus
   ``arbiter`` on arbiter clusters) and per input pool;
3. default ``master`` and ``worker`` pools when the inputs lack them;
4. per profile: exactly one pool whose nodeSelector matches the profile's nodeSelector, the four
   objects of :mod:`nto_performance.components.manifestset`, and the owner marking.

Neighbours: :mod:`.inputs` (the `Inputs`), :mod:`.writer` (writes the plan), :mod:`.command`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final, Literal

from nto_api import quickread
from nto_performance.components import machineconfig, manifestset, names
from nto_performance.components._common import RenderError
from nto_performance.components.options import PinningMode, RenderOptions
from nto_performance.render.errors import InputError, SelectionError
from nto_performance.render.inputs import Inputs, Source

if TYPE_CHECKING:
    from nto_api.views import PoolView, ProfileView

__all__ = ["OwnerRef", "default_pool", "pinning_mode", "plan", "select_pool"]

OwnerRef = Literal["none", "k8s", "label-name"]
_SINGLE_REPLICA: Final = "SingleReplica"


def plan(inputs: Inputs, *, owner_ref: OwnerRef) -> dict[str, dict[str, Any]]:
    """Every output file and its object; raises `RenderCommandError` subclasses or
    `RenderError` (from a renderer) without side effects."""
    mode = pinning_mode(inputs)
    outputs: dict[str, dict[str, Any]] = {}
    if mode == names.CPU_PARTITIONING_ALL_NODES:
        for pool_name in _pinned_pool_names(inputs):
            outputs[names.workload_pinning_bootstrap_file(pool_name)] = (
                machineconfig.render_workload_pinning_bootstrap(pool_name)
            )
    pools = [*inputs.pools, *_missing_default_pools(inputs.pools)]
    seen: dict[str, Source] = {}
    for source, profile in inputs.profiles:
        name = _profile_name(profile, source)
        if name in seen:
            raise InputError(
                f"PerformanceProfile {name!r} is defined twice, in {seen[name]} and in {source}; "
                "keep one of them"
            )
        seen[name] = source
        pool = select_pool(pools, profile, source)
        options = RenderOptions(profile_mcp=pool, pinning_mode=mode)
        try:
            manifests = manifestset.render(profile, options)
        except RenderError as exc:
            raise InputError(
                f"cannot render PerformanceProfile {name!r} from {source}: {exc}"
            ) from exc
        for kind, obj in manifests.in_apply_order():
            _mark_owner(obj, profile, owner_ref, source)
            outputs[names.render_output_file(name, kind)] = obj
    return outputs


def pinning_mode(inputs: Inputs) -> PinningMode:
    """``AllNodes`` when the Infrastructure asks for it, or on a legacy single-node cluster
    whose input MachineConfigs already write the kubelet workload-pinning file."""
    status = inputs.infrastructure.status if inputs.infrastructure else None
    if status is None:
        return "None"
    if status.cpu_partitioning == names.CPU_PARTITIONING_ALL_NODES:
        return "AllNodes"
    if status.control_plane_topology == _SINGLE_REPLICA and any(
        _writes_pinning_file(mc) for mc in inputs.machine_configs
    ):
        return "AllNodes"
    return "None"


def _writes_pinning_file(machine_config: dict[str, Any]) -> bool:
    files = _dig(machine_config, "spec", "config", "storage", "files")
    return isinstance(files, list) and any(
        isinstance(f, dict) and f.get("path") == names.WORKLOAD_PINNING_FILE for f in files
    )


def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _pinned_pool_names(inputs: Inputs) -> list[str]:
    """Default pool names (with ``arbiter`` on arbiter clusters), then every input pool."""
    defaults = [names.MASTER_POOL, names.WORKER_POOL]
    status = inputs.infrastructure.status if inputs.infrastructure else None
    if status is not None and status.control_plane_topology == names.CONTROL_PLANE_TOPOLOGY_ARBITER:
        defaults.append(names.ARBITER_POOL)
    return _unique([*defaults, *(pool.metadata.name or "" for pool in inputs.pools)])


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def _missing_default_pools(pools: list[PoolView]) -> list[PoolView]:
    present = {(pool.metadata.name or "").lower() for pool in pools}
    return [
        default_pool(name) for name in (names.MASTER_POOL, names.WORKER_POOL) if name not in present
    ]


def default_pool(name: str) -> PoolView:
    """The pool the installer creates for role `name` (``master`` or ``worker``)."""
    pool = quickread.read_pool(
        {
            "metadata": {"name": name, "labels": {names.pool_label(name): ""}},
            "spec": {
                "machineConfigSelector": {"matchLabels": {names.MACHINE_CONFIG_ROLE_LABEL: name}},
                "nodeSelector": {"matchLabels": {names.node_role_label(name): ""}},
            },
        }
    )
    if pool is None:  # pragma: no cover - the literal above is always in the quick subset
        raise RuntimeError(f"default MachineConfigPool {name!r} is not readable")
    return pool


def select_pool(
    pools: list[PoolView],
    profile: ProfileView,
    source: Source,
) -> PoolView:
    """The one pool whose nodeSelector selects the profile's nodeSelector labels."""
    labels = profile.spec.node_selector
    matches = [
        pool
        for pool in pools
        if pool.spec.node_selector and pool.spec.node_selector.matches(labels)
    ]
    selector = ",".join(f"{key}={value}" for key, value in sorted(labels.items()))
    where = f"PerformanceProfile {profile.metadata.name!r} ({source})"
    if not matches:
        raise SelectionError(
            f"no MCP found that matches performance profile node selector {selector!r} of "
            f"{where}; add a MachineConfigPool whose spec.nodeSelector selects these labels, "
            "or change spec.nodeSelector"
        )
    if len(matches) > 1:
        found = ", ".join(repr(pool.metadata.name) for pool in matches)
        raise SelectionError(
            f"more than one MCP found that matches performance profile node selector "
            f"{selector!r} of {where}: {found}; make the pools' nodeSelectors disjoint"
        )
    return matches[0]


def _selects(pool: PoolView, labels: dict[str, str]) -> bool:
    """Whether the pool's nodeSelector selects `labels` (a pool without one selects nothing)."""
    selector = pool.spec.node_selector
    return selector is not None and selector.matches(labels)


def _profile_name(profile: ProfileView, source: Source) -> str:
    if not profile.metadata.name:
        raise InputError(f"PerformanceProfile in {source} has no metadata.name; give it a name")
    return profile.metadata.name


def _mark_owner(
    obj: dict[str, Any],
    profile: ProfileView,
    owner_ref: OwnerRef,
    source: Source,
) -> None:
    metadata = obj.setdefault("metadata", {})
    if owner_ref == "label-name":
        labels = metadata.setdefault("labels", {})
        labels[names.WEAK_OWNER_REFERENCE_NAME_LABEL] = profile.metadata.name
    elif owner_ref == "k8s":
        if not profile.metadata.uid:
            raise SelectionError(
                f"Missing UID from performance profile {profile.metadata.name!r} ({source}); "
                "--owner-ref k8s needs metadata.uid in the profile: set it, or use "
                "--owner-ref label-name or none"
            )
        metadata["ownerReferences"] = [
            {
                "apiVersion": profile.api_version,
                "kind": profile.kind,
                "name": profile.metadata.name,
                "uid": profile.metadata.uid,
            }
        ]
