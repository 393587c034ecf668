"""The admission webhook's cached view of the cluster facts a change preview needs.

A preview (:mod:`nto_performance.preview`) needs the MachineConfigPools (which pool a profile
lands in, its ``status.machineCount`` and whether it is paused), the ``MachineConfiguration``
``cluster`` (the node disruption policy), ``Infrastructure`` and ``FeatureGate`` ``cluster``
(render options). Reading them on every admission request would cost four API calls per
request, so :class:`KubeClusterFacts` keeps them for :data:`FRESH_FOR` seconds and refreshes
them in the background when older (the request is answered from the older view meanwhile). The
first request waits at most :data:`FIRST_READ_TIMEOUT` seconds for the first read; past that,
its warnings say the preview is incomplete. The nodes a profile selects come with each request
from :mod:`.cluster_data` (validation lists them anyway); with ``tuned_inputs`` (the Tuned
webhook, :mod:`.tuned`) the view also keeps every Node and the Tuneds of the operator
namespace. Neighbours: :mod:`.admission` (the
caller), :mod:`.cluster_data` (shares its API client).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, Protocol

from nto_api.names import CONFIG_V1, MACHINECONFIG_V1, OPERATOR_NAMESPACE, TUNED_PLURAL, TUNED_V1
from nto_performance.preview.plan import ClusterFacts

if TYPE_CHECKING:
    from nto.plugins import KubeClient

__all__ = ["FIRST_READ_TIMEOUT", "FRESH_FOR", "ClusterFactsSource", "KubeClusterFacts"]

logger = logging.getLogger(__name__)

FRESH_FOR: Final = 30.0
FIRST_READ_TIMEOUT: Final = 3.0
MCO: Final = MACHINECONFIG_V1
OPERATOR: Final = "operator.openshift.io/v1"
CONFIG: Final = CONFIG_V1


class ClusterFactsSource(Protocol):
    """Gives the cluster facts of a preview, quickly (from a cache)."""

    async def facts(self) -> ClusterFacts: ...


class KubeClusterFacts:
    """A :class:`ClusterFactsSource` over the API server; see the module docstring."""

    def __init__(
        self,
        client: Callable[[], Awaitable[KubeClient]],
        *,
        fresh_for: float = FRESH_FOR,
        first_read_timeout: float = FIRST_READ_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        tuned_inputs: bool = False,
    ) -> None:
        self._client = client
        self._tuned_inputs = tuned_inputs
        self._fresh_for = fresh_for
        self._first_read_timeout = first_read_timeout
        self._clock = clock
        self._facts: ClusterFacts | None = None
        self._read_at = 0.0
        self._task: asyncio.Task[None] | None = None

    def _refreshing(self) -> asyncio.Task[None]:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._refresh())
        return self._task

    async def facts(self) -> ClusterFacts:
        if self._facts is not None:
            if self._clock() - self._read_at >= self._fresh_for:
                self._refreshing()
            return self._facts
        try:
            async with asyncio.timeout(self._first_read_timeout):
                await asyncio.shield(self._refreshing())
        except TimeoutError:
            return ClusterFacts(notes=("the MachineConfigPools were not read in time",))
        return self._facts or ClusterFacts()

    async def _refresh(self) -> None:
        reads: dict[str, Any] = {}
        try:
            client = await self._client()
            reads = {
                "MachineConfigPools": client.list(MCO, "machineconfigpools"),
                "MachineConfiguration cluster": client.get(
                    OPERATOR, "machineconfigurations", "cluster"
                ),
                "Infrastructure": client.get(CONFIG, "infrastructures", "cluster"),
                "FeatureGate": client.get(CONFIG, "featuregates", "cluster"),
            }
            if self._tuned_inputs:
                reads["Nodes"] = client.list("v1", "nodes")
                reads["Tuneds"] = client.list(TUNED_V1, TUNED_PLURAL, OPERATOR_NAMESPACE)
            outcomes: list[Any] = list(
                await asyncio.gather(*reads.values(), return_exceptions=True)
            )
        except Exception as exc:  # a broken client must not break admission
            for coro in reads.values():
                coro.close()
            reads = dict.fromkeys(
                [
                    "MachineConfigPools",
                    "MachineConfiguration cluster",
                    "Infrastructure",
                    "FeatureGate",
                ]
            )
            outcomes = [exc] * len(reads)
        notes = tuple(
            f"cannot read {label}: {outcome}"
            for label, outcome in zip(reads, outcomes, strict=True)
            if isinstance(outcome, BaseException)
        )
        values = dict(
            zip(reads, [None if isinstance(o, BaseException) else o for o in outcomes], strict=True)
        )
        if notes:
            logger.info("Preview facts incomplete: %s", "; ".join(notes))
        self._facts = ClusterFacts.build(
            pools=values.get("MachineConfigPools") or [],
            machine_configuration=values.get("MachineConfiguration cluster"),
            infrastructure=values.get("Infrastructure"),
            feature_gate=values.get("FeatureGate"),
            nodes=values.get("Nodes") if self._tuned_inputs else None,
            tuneds=values.get("Tuneds") if self._tuned_inputs else None,
            notes=notes,
        )
        self._read_at = self._clock()
