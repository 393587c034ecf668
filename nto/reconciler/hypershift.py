"""The Tuned controller's HyperShift part: NodePool Tuneds in, kernel-argument ConfigMaps out.

With ``HYPERSHIFT=true`` the Tuned controller (:mod:`.controller`) runs these steps besides its
classic ones, deciding through :mod:`nto.controller.hosted_tuneds` and
:mod:`nto.controller.nodepools` and writing:

- :meth:`HostedClusterSync.sync_tuneds` (first in every reconcile): the hosted cluster's Tuneds
  mirror the management ConfigMaps (create, update, delete; never ``default``). A Tuned the
  API refuses as invalid (422) is logged and not retried (the ConfigMap must change); other
  failures fail the reconcile, which the runtime retries with backoff;
- :meth:`HostedClusterSync.sync_machine_configs`: per NodePool match, once every node of the
  NodePool reports the current ``bootcmdline-deps``, their kernel command lines must agree; then
  ConfigMap ``nto-mc-<nodepool>`` is created or updated in the management cluster and the
  NodePool's readiness is signalled (``OperatorContext.pool_applied``). Nodes that disagree are
  reported, never guessed: an error in the log, the ClusterOperator's Degraded
  ``ProfileConflict`` (through the :class:`~nto.controller.bootcmdline.KargTracker`) and a
  requeue (:meth:`problems`). Our ConfigMaps no Tuned asks for any more are deleted.

Neighbours: :mod:`.controller`, :mod:`.handlers` (watches the ConfigMaps on the management
cluster through the runtime), :mod:`nto.runtime.topology`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from nto.controller import bootcmdline as gating
from nto.controller.bootcmdline import BootcmdlineSignals, KargTracker
from nto.controller.computed import ComputedProfile, NodeFacts
from nto.controller.hosted_tuneds import plan_tuned_sync, tuneds_from_config_maps
from nto.controller.names import node_pool_config_map_name
from nto.controller.nodepools import (
    mc_config_maps_to_prune,
    node_pool_of_node,
    plan_mc_config_map,
    wanted_mc_config_map_names,
)
from nto.kube.client import ApiError, ConflictError, KubeClient
from nto.reconciler.cache import ClusterCache
from nto.reconciler.writes import Writer
from nto_api.objects import JSONDict, name_of

__all__ = ["HostedClusterSync"]

logger = logging.getLogger(__name__)

CONFIGMAP = ("v1", "configmaps")


class HostedClusterSync:
    """HyperShift's steps of one Tuned controller (see the module docstring)."""

    def __init__(
        self,
        management: KubeClient,
        cache: ClusterCache,
        writer: Writer,
        *,
        management_namespace: str,
        hosted_namespace: str,
        release_version: str,
        signals: BootcmdlineSignals,
        tracker: KargTracker,
    ) -> None:
        self.management_client = management
        self.cache = cache
        self.writer = writer
        self.management_namespace = management_namespace
        self.hosted_namespace = hosted_namespace
        self.release_version = release_version
        self.signals = signals
        self.tracker = tracker
        self._warned: frozenset[str] = frozenset()
        self._problems: dict[str, str] = {}

    def problems(self) -> list[str]:
        """NodePools whose nodes disagree on their kernel arguments (retried until resolved)."""
        return [self._problems[pool] for pool in sorted(self._problems)]

    # --- Tuneds: management ConfigMaps -> hosted cluster ------------------------------------

    async def sync_tuneds(self) -> None:
        wanted, warnings = tuneds_from_config_maps(
            self.cache.tuned_configs.values(), namespace=self.hosted_namespace
        )
        fresh = frozenset(warnings)
        for warning in sorted(fresh - self._warned):
            logger.warning("NodePool Tuneds: %s", warning)
        self._warned = fresh
        plan = plan_tuned_sync(wanted, dict(self.cache.tuneds))
        for tuned in plan.create:
            await self._invalid_is_final("create", tuned, self.writer.create_tuned)
        for tuned in plan.update:
            await self._invalid_is_final("update", tuned, self.writer.replace_tuned)
        for name in plan.delete:
            logger.info("Deleting Tuned %s: no NodePool ConfigMap carries it any more", name)
            await self.writer.delete_tuned(name)

    async def _invalid_is_final(self, verb: str, tuned: JSONDict, write: Any) -> None:
        try:
            await write(tuned)
        except ApiError as exc:
            if exc.status != 422:
                raise
            logger.error(
                "Cannot %s Tuned %s from its NodePool ConfigMap, the API refuses it: %s; fix the "
                "Tuned manifest in the ConfigMap",
                verb,
                name_of(tuned),
                exc.message,
            )

    # --- kernel arguments: hosted nodes -> management ConfigMaps ----------------------------

    async def sync_machine_configs(
        self, computed: Mapping[str, ComputedProfile], tuneds: Sequence[Mapping[str, Any]]
    ) -> None:
        by_pool: dict[str, list[ComputedProfile]] = {}
        for node in sorted(computed):
            result = computed[node]
            if result.node_pool:
                by_pool.setdefault(result.node_pool, []).append(result)
        facts = self.cache.all_node_facts()
        for pool in sorted(set(self._problems) - set(by_pool)):
            del self._problems[pool]
        for pool, results in sorted(by_pool.items()):
            await self._sync_pool(pool, results, facts)
        wanted = wanted_mc_config_map_names(tuneds)
        for name in mc_config_maps_to_prune(self.cache.mc_configs.values(), wanted):
            logger.info("Deleting ConfigMap %s: no NodePool Tuned asks for it any more", name)
            await self.management_client.delete(*CONFIGMAP, name, self.management_namespace)
            self.cache.mc_configs.pop(name, None)

    async def _sync_pool(
        self, pool: str, results: list[ComputedProfile], facts: list[NodeFacts]
    ) -> None:
        subject = self.cache.node_facts(results[0].node)
        if subject is None:
            return
        members = [node for node in facts if node_pool_of_node(node.labels) == pool]
        gate = gating.gate_pool(pool, subject, members, results[0].bootcmdline_deps)
        self.tracker.record_gate(gate)
        if gate.state == "wait":
            self._problems.pop(pool, None)
            return
        if gate.state == "conflict":
            problem = (
                f"not all {len(members)} nodes of NodePool {pool!r} agree on the kernel command "
                f"line: {subject.name!r} has {subject.bootcmdline or ''!r}, "
                f"{', '.join(gate.conflicting[:5])} differ; ConfigMap "
                f"{node_pool_config_map_name(pool)!r} is left as it is until they agree"
            )
            if self._problems.get(pool) != problem:
                logger.error("%s", problem)
            self._problems[pool] = problem
            return
        self._problems.pop(pool, None)
        name = node_pool_config_map_name(pool)
        action, obj = plan_mc_config_map(
            self.cache.mc_configs.get(name),
            node_pool=pool,
            namespace=self.management_namespace,
            bootcmdline=gate.bootcmdline,
            controller_version=self.release_version,
        )
        if obj is not None and action == "create":
            await self._write("create", name, obj)
            logger.info("Created ConfigMap %s for NodePool %s: %r", name, pool, gate.bootcmdline)
        elif obj is not None and action == "update":
            await self._write("update", name, obj)
            logger.info("Updated ConfigMap %s for NodePool %s: %r", name, pool, gate.bootcmdline)
        if self.signals.signal_ready(pool, results[0].bootcmdline_deps):
            logger.info("NodePool %s applied %s", pool, results[0].bootcmdline_deps)

    async def _write(self, verb: str, name: str, obj: JSONDict) -> None:
        namespace = self.management_namespace
        try:
            if verb == "create":
                answer = await self.management_client.create(*CONFIGMAP, obj, namespace)
            else:
                answer = await self.management_client.replace(*CONFIGMAP, obj, namespace)
        except ConflictError:
            fresh = await self.management_client.get(*CONFIGMAP, name, namespace)
            if fresh is None:
                self.cache.mc_configs.pop(name, None)
            else:
                self.cache.mc_configs.put(fresh)
            raise
        self.cache.mc_configs.put(answer)
