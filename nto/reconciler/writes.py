"""Every API write of the Tuned controller, keeping the cache in step with the server.

Each successful write stores the server's answer in the cache at once. A conflict (stale
resourceVersion, or an object that already exists) refreshes the cached object from the server
and re-raises, so the controller retries with current data. Neighbours: :mod:`.controller`.
"""

from __future__ import annotations

import logging
from typing import Any

from nto.controller.names import CLUSTER_OPERATOR_NAME, DAEMONSET_NAME
from nto.kube.client import ConflictError, KubeClient
from nto.reconciler.cache import ClusterCache
from nto_api.names import CONFIG_V1, MACHINECONFIG_V1, PROFILE_PLURAL, TUNED_PLURAL, TUNED_V1
from nto_api.objects import JSONDict, name_of

logger = logging.getLogger(__name__)

TUNED = (TUNED_V1, TUNED_PLURAL)
PROFILE = (TUNED_V1, PROFILE_PLURAL)
DAEMONSET = ("apps/v1", "daemonsets")
MACHINE_CONFIG = (MACHINECONFIG_V1, "machineconfigs")
CLUSTER_OPERATOR = (CONFIG_V1, "clusteroperators")


class Writer:
    """Writes through ``client`` and records the results in ``cache``."""

    def __init__(self, client: KubeClient, cache: ClusterCache, *, namespace: str) -> None:
        self.client = client
        self.cache = cache
        self.namespace = namespace

    async def _refresh(
        self, kind: str, resource: tuple[str, str], name: str, ns: str | None
    ) -> None:
        fresh = await self.client.get(*resource, name, ns)
        if kind == "daemonset":
            self.cache.daemonset = fresh
        elif kind == "cluster_operator":
            self.cache.cluster_operator = fresh
        elif fresh is None:
            getattr(self.cache, kind).pop(name, None)
        else:
            self.cache.store(kind, fresh)

    async def _create(
        self, kind: str, resource: tuple[str, str], obj: JSONDict, ns: str | None
    ) -> JSONDict:
        try:
            created = await self.client.create(*resource, obj, ns)
        except ConflictError:
            await self._refresh(kind, resource, name_of(obj), ns)
            raise
        logger.info("Created %s %s", resource[1], name_of(obj))
        return created

    async def _replace(
        self, kind: str, resource: tuple[str, str], obj: JSONDict, ns: str | None, **kwargs: Any
    ) -> JSONDict:
        try:
            return await self.client.replace(*resource, obj, ns, **kwargs)
        except ConflictError:
            await self._refresh(kind, resource, name_of(obj), ns)
            raise

    # --- Tuned ------------------------------------------------------------------------------

    async def get_tuned(self, name: str) -> JSONDict | None:
        tuned = await self.client.get(*TUNED, name, self.namespace)
        if tuned is not None:
            self.cache.store("tuneds", tuned)
        return tuned

    async def create_tuned(self, tuned: JSONDict) -> JSONDict:
        created = await self._create("tuneds", TUNED, tuned, self.namespace)
        self.cache.store("tuneds", created)
        return created

    async def replace_tuned(self, tuned: JSONDict) -> JSONDict:
        replaced = await self._replace("tuneds", TUNED, tuned, self.namespace)
        self.cache.store("tuneds", replaced)
        return replaced

    async def tuned_status(self, tuned: JSONDict, conditions: list[JSONDict]) -> None:
        body = {**tuned, "status": {**(tuned.get("status") or {}), "conditions": conditions}}
        replaced = await self._replace("tuneds", TUNED, body, self.namespace, subresource="status")
        self.cache.store("tuneds", replaced)

    async def delete_tuned(self, name: str) -> None:
        if await self.client.delete(*TUNED, name, self.namespace):
            logger.info("Deleted Tuned %s", name)
        self.cache.tuneds.pop(name, None)

    # --- Profile ----------------------------------------------------------------------------

    async def create_profile(self, profile: JSONDict) -> None:
        self.cache.store(
            "profiles", await self._create("profiles", PROFILE, profile, self.namespace)
        )

    async def replace_profile(self, profile: JSONDict) -> None:
        self.cache.store(
            "profiles", await self._replace("profiles", PROFILE, profile, self.namespace)
        )

    async def delete_profile(self, name: str) -> None:
        if await self.client.delete(*PROFILE, name, self.namespace):
            logger.info("Deleted Profile %s", name)
        self.cache.profiles.pop(name, None)

    # --- DaemonSet --------------------------------------------------------------------------

    async def create_daemonset(self, daemonset: JSONDict) -> None:
        self.cache.daemonset = await self._create("daemonset", DAEMONSET, daemonset, self.namespace)

    async def replace_daemonset(self, daemonset: JSONDict) -> None:
        self.cache.daemonset = await self._replace(
            "daemonset", DAEMONSET, daemonset, self.namespace
        )

    async def delete_daemonset(self) -> None:
        if await self.client.delete(*DAEMONSET, DAEMONSET_NAME, self.namespace):
            logger.info("Deleted DaemonSet %s", DAEMONSET_NAME)
        self.cache.daemonset = None

    # --- MachineConfig ----------------------------------------------------------------------

    async def create_machine_config(self, mc: JSONDict) -> None:
        self.cache.store(
            "machine_configs", await self._create("machine_configs", MACHINE_CONFIG, mc, None)
        )

    async def replace_machine_config(self, mc: JSONDict) -> None:
        replaced = await self._replace("machine_configs", MACHINE_CONFIG, mc, None)
        self.cache.store("machine_configs", replaced)

    async def delete_machine_config(self, name: str) -> None:
        if await self.client.delete(*MACHINE_CONFIG, name):
            logger.info("Deleted MachineConfig %s", name)
        self.cache.machine_configs.pop(name, None)

    # --- ClusterOperator --------------------------------------------------------------------

    async def cluster_operator_status(self, status: JSONDict) -> None:
        current = self.cache.cluster_operator
        if current is None:
            current = await self.client.get(*CLUSTER_OPERATOR, CLUSTER_OPERATOR_NAME)
        if current is None:
            body = {
                "apiVersion": CLUSTER_OPERATOR[0],
                "kind": "ClusterOperator",
                "metadata": {"name": CLUSTER_OPERATOR_NAME},
                "spec": {},
            }
            current = await self._create("cluster_operator", CLUSTER_OPERATOR, body, None)
        body = {**current, "status": status}
        self.cache.cluster_operator = await self._replace(
            "cluster_operator", CLUSTER_OPERATOR, body, None, subresource="status"
        )
