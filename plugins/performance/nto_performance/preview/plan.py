"""The preview of one PerformanceProfile change: render before and after, find the pool, compare.

:func:`preview_profile` takes the profile as it is (None when it does not exist yet) and as it
would be (None when it is deleted), both wire dicts in any served version, plus the
:class:`ClusterFacts` the renderers and the node count need, and returns a
:class:`ProfilePreview`: the pool, its nodes, the rendered objects before and after and their
:class:`~.effects.Effects`. It renders with the same pure renderers and the same pool selection
and derived options as the controller. Pure. Neighbours: :mod:`.effects`, :mod:`.texts` (the
admission warnings), :mod:`.report` (the ``nto preview`` output),
:mod:`nto_performance.webhooks.preview` (the webhook's cached facts).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pydantic

from nto_api.conversion import convert
from nto_api.errors import ConversionError
from nto_api.foreign.mco import MachineConfigPool
from nto_api.names import PERFORMANCE_KIND, PERFORMANCE_V2
from nto_api.objects import labels_of, name_of
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.components import manifestset
from nto_performance.components._common import RenderError
from nto_performance.controller.derive import render_options
from nto_performance.controller.pools import pools_matching
from nto_performance.preview.disruption import DisruptionPolicy, policy_from
from nto_performance.preview.effects import Effects, compare

__all__ = [
    "ClusterFacts",
    "ProfilePreview",
    "RenderCache",
    "Rendered",
    "assemble",
    "preview_profile",
    "render_profile",
]

Rendered = dict[str, dict[str, Any] | None]
"""Rendered kind (``machineconfig``...) -> wire object, None when the object is absent."""
RenderResult = tuple[PerformanceProfile | None, Rendered, str | None]

_NOTHING: Rendered = {}


@dataclass(frozen=True)
class ClusterFacts:
    """What a preview knows of the cluster; every field may be empty (offline, or unreadable)."""

    pools: tuple[MachineConfigPool, ...] = ()
    node_labels: Mapping[str, Mapping[str, str]] | None = None
    """Node name -> labels of every node, or None when the nodes are not known."""
    machine_configuration: Mapping[str, Any] | None = None
    infrastructure: Mapping[str, Any] | None = None
    feature_gate: Mapping[str, Any] | None = None
    release_version: str = ""
    policy: DisruptionPolicy = field(default_factory=DisruptionPolicy)
    notes: tuple[str, ...] = ()
    """What could not be read (e.g. ``MachineConfigPools: the API server did not answer``)."""
    raw_pools: tuple[Mapping[str, Any], ...] = ()
    """The pools as wire dicts (the core's profile calculator reads those)."""
    tuneds: Mapping[str, Mapping[str, Any]] | None = None
    """Tuneds of the operator namespace by name, when read (Tuned previews)."""

    @classmethod
    def build(
        cls,
        *,
        pools: Sequence[Mapping[str, Any]] = (),
        nodes: Sequence[Mapping[str, Any]] | None = None,
        machine_configuration: Mapping[str, Any] | None = None,
        infrastructure: Mapping[str, Any] | None = None,
        feature_gate: Mapping[str, Any] | None = None,
        release_version: str = "",
        notes: tuple[str, ...] = (),
        tuneds: Sequence[Mapping[str, Any]] | None = None,
    ) -> ClusterFacts:
        """Facts from wire objects; unreadable pools are skipped with a note."""
        models: list[MachineConfigPool] = []
        skipped: list[str] = []
        for raw in pools:
            try:
                models.append(MachineConfigPool.model_validate(raw))
            except pydantic.ValidationError:
                skipped.append(name_of(raw) or "?")
        if skipped:
            notes = (*notes, f"MachineConfigPools that cannot be read: {', '.join(skipped)}")
        labels = None
        if nodes is not None:
            labels = {}
            for node in nodes:
                if name_of(node):
                    labels[name_of(node)] = labels_of(node)
        return cls(
            pools=tuple(models),
            raw_pools=tuple(pools),
            tuneds=(None if tuneds is None else {name_of(t): t for t in tuneds}),
            node_labels=labels,
            machine_configuration=machine_configuration,
            infrastructure=infrastructure,
            feature_gate=feature_gate,
            release_version=release_version,
            policy=policy_from(machine_configuration),
            notes=notes,
        )


@dataclass(frozen=True)
class ProfilePreview:
    """One profile change, previewed."""

    name: str
    pool: MachineConfigPool | None
    pool_problem: str | None
    nodes: tuple[str, ...] | None
    """Names of the pool's nodes, when the nodes are known."""
    node_count: int | None
    """Nodes the MCO rolls the change out to (the pool's ``status.machineCount``, else the known
    nodes of the pool); None when unknown."""
    before: Rendered
    after: Rendered
    effects: Effects
    render_problem: str | None = None
    spec_changed: bool = True

    @property
    def pool_name(self) -> str:
        return (self.pool.metadata.name or "") if self.pool is not None else ""

    @property
    def paused(self) -> bool:
        return bool(self.pool is not None and self.pool.spec.paused)


def as_v2(obj: Mapping[str, Any]) -> dict[str, Any]:
    """`obj` in v2 (v1 and v1alpha1 converted); unchanged when it cannot be converted."""
    if obj.get("apiVersion") in (PERFORMANCE_V2, None) or obj.get("kind") != PERFORMANCE_KIND:
        return dict(obj)
    try:
        return convert(dict(obj), PERFORMANCE_V2)
    except ConversionError:
        return dict(obj)


def _pool(
    profile: PerformanceProfile, facts: ClusterFacts
) -> tuple[MachineConfigPool | None, str | None]:
    matched = pools_matching(profile.spec.node_selector, facts.pools)
    selector = ",".join(f"{k}={v}" for k, v in sorted(profile.spec.node_selector.items()))
    if len(matched) == 1:
        return matched[0], None
    if not matched:
        return None, f"no MachineConfigPool selects spec.nodeSelector {selector!r}"
    names = ", ".join(sorted(repr(p.metadata.name) for p in matched))
    return None, f"more than one MachineConfigPool selects {selector!r}: {names}"


class RenderCache:
    """The last :data:`RenderCache.SIZE` renders, by profile JSON, valid for the same facts.

    An UPDATE's old object is usually the new object of an earlier request (``kubectl apply``
    after ``apply``), so the webhook renders each profile version once. Callers must not
    mutate what they get back.
    """

    SIZE: Final = 32

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[ClusterFacts, RenderResult]] = OrderedDict()

    def render(self, raw: Mapping[str, Any] | None, facts: ClusterFacts) -> RenderResult:
        if raw is None:
            return None, _NOTHING, None
        try:
            meta = raw.get("metadata") or {}
            rendered_from = [
                raw.get("apiVersion"),
                meta.get("name"),
                meta.get("annotations"),
                raw.get("spec"),
            ]
            key = json.dumps(rendered_from, sort_keys=True)
        except (TypeError, ValueError, AttributeError):
            return render_profile(raw, facts)
        found = self._entries.get(key)
        if found is not None and found[0] is facts:  # the facts object itself, not its id
            self._entries.move_to_end(key)
            return found[1]
        result = render_profile(raw, facts)
        self._entries[key] = (facts, result)
        self._entries.move_to_end(key)
        while len(self._entries) > self.SIZE:
            self._entries.popitem(last=False)
        return result


def render_profile(
    raw: Mapping[str, Any] | None,
    facts: ClusterFacts,
) -> RenderResult:
    """The typed profile, its rendered objects and the reason when it cannot be rendered."""
    if raw is None:
        return None, _NOTHING, None
    try:
        profile = PerformanceProfile.model_validate(as_v2(raw))
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return None, _NOTHING, f"cannot read the profile: {where}: {first.get('msg')}"
    pool, _ = _pool(profile, facts)
    options = render_options(
        profile,
        pool=pool,
        infrastructure=facts.infrastructure,
        feature_gate=facts.feature_gate,
        release_version=facts.release_version,
    )
    try:
        manifests = manifestset.render(profile, options)
    except RenderError as exc:
        return profile, _NOTHING, str(exc)
    return profile, dict(manifests.in_apply_order()), None


def _pool_nodes(pool: MachineConfigPool | None, facts: ClusterFacts) -> tuple[str, ...] | None:
    if pool is None or facts.node_labels is None or pool.spec.node_selector is None:
        return None
    selector = pool.spec.node_selector
    return tuple(
        sorted(n for n, labels in facts.node_labels.items() if selector.matches(dict(labels)))
    )


def preview_profile(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    facts: ClusterFacts,
    *,
    selected_nodes: int | None = None,
    cache: RenderCache | None = None,
) -> ProfilePreview:
    """The preview of going from `old` to `new` (either may be None); `selected_nodes` is the
    number of nodes the profile's nodeSelector selects, when the caller counted them."""
    render = cache.render if cache is not None else render_profile
    old_profile, before, old_problem = render(old, facts)
    new_profile, after, new_problem = render(new, facts)
    spec_changed = (old or {}).get("spec") != (new or {}).get("spec") or (old is None) != (
        new is None
    )
    if (old is not None and old_problem) and not new_problem:
        before = _NOTHING  # the old object never rendered: everything is new
    return assemble(
        name_of(new or old),
        new_profile or old_profile,
        before,
        after,
        facts,
        render_problem=new_problem,
        selected_nodes=selected_nodes,
        spec_changed=spec_changed,
    )


def assemble(
    name: str,
    profile: PerformanceProfile | None,
    before: Rendered,
    after: Rendered,
    facts: ClusterFacts,
    *,
    render_problem: str | None = None,
    selected_nodes: int | None = None,
    spec_changed: bool = True,
) -> ProfilePreview:
    """The :class:`ProfilePreview` of rendered objects `before` and `after` of `profile`."""
    pool, pool_problem = _pool(profile, facts) if profile is not None else (None, None)
    nodes = _pool_nodes(pool, facts)
    count: int | None = None
    if pool is not None and pool.status is not None and pool.status.machine_count is not None:
        count = int(pool.status.machine_count)
    elif nodes is not None:
        count = len(nodes)
    elif selected_nodes is not None:
        count = selected_nodes
    effects = compare(before, after, facts.policy) if not render_problem else Effects(())
    return ProfilePreview(
        name=name,
        pool=pool,
        pool_problem=pool_problem,
        nodes=nodes,
        node_count=count,
        before=before,
        after=after,
        effects=effects,
        render_problem=render_problem,
        spec_changed=spec_changed,
    )
