"""Leader election with a ``coordination.k8s.io/v1`` Lease, as controller-runtime does it.

Only the leader reconciles: the runtime acquires the Lease ``node-tuning-operator-lock`` in the
operator namespace before starting kopf, renews it in the background, and stops (exit code 1, so
the pod restarts as a follower) when it cannot renew within the renew deadline. On a clean
shutdown the Lease is released at once so a follower takes over without waiting for expiry.

Expiry is judged like client-go: by how long the *observed* record has stayed unchanged on the
local monotonic clock, never by comparing another replica's timestamps with ours (clock skew).
Timings follow the reference (library-go): HA 137/107/26 s, single-node 270/240/60 s.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nto.controller.names import LEADER_LOCK_NAME
from nto.kube.client import ApiError, ConflictError, KubeClient

logger = logging.getLogger(__name__)

LEASES = ("coordination.k8s.io/v1", "leases")


@dataclass(frozen=True)
class LeaseTimings:
    """How long a lease lasts, how long the leader keeps trying to renew, how often it tries."""

    lease_duration: float
    renew_deadline: float
    retry_period: float


HIGHLY_AVAILABLE = LeaseTimings(lease_duration=137, renew_deadline=107, retry_period=26)
SINGLE_NODE = LeaseTimings(lease_duration=270, renew_deadline=240, retry_period=60)


def timings_for_topology(control_plane_topology: str | None) -> LeaseTimings:
    """The reference's timings for ``infrastructure.status.controlPlaneTopology``."""
    return SINGLE_NODE if control_plane_topology == "SingleReplica" else HIGHLY_AVAILABLE


def _micro_time(now: datetime.datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class LeaderElector:
    """Acquire, hold and release one Lease for ``identity``."""

    def __init__(
        self,
        client: KubeClient,
        *,
        namespace: str,
        identity: str,
        timings: LeaseTimings,
        name: str = LEADER_LOCK_NAME,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.identity = identity
        self.timings = timings
        self.name = name
        self._monotonic = monotonic
        self._observed: tuple[Any, float] | None = None
        self._last_renew = 0.0

    async def acquire(self) -> None:
        """Wait until this replica holds the lease."""
        announced = False
        while not await self.try_acquire_or_renew():
            if not announced:
                logger.info("Waiting to become leader (Lease %s/%s)", self.namespace, self.name)
                announced = True
            await asyncio.sleep(self.timings.retry_period)
        logger.info("Became leader as %r (Lease %s/%s)", self.identity, self.namespace, self.name)

    async def hold(self, lost: asyncio.Event) -> None:
        """Renew every retry period; set ``lost`` once renewals fail past the renew deadline."""
        while True:
            await asyncio.sleep(self.timings.retry_period)
            if await self.try_acquire_or_renew():
                continue
            if self._monotonic() - self._last_renew > self.timings.renew_deadline:
                logger.error("Lost leadership: could not renew Lease %s", self.name)
                lost.set()
                return

    async def try_acquire_or_renew(self) -> bool:
        """One attempt; True when this replica holds the lease afterwards."""
        try:
            lease = await self.client.get(*LEASES, self.name, self.namespace)
            if lease is None:
                return await self._create()
            spec = lease.get("spec") or {}
            holder = spec.get("holderIdentity") or ""
            if holder != self.identity and holder and not self._expired(spec):
                return False
            return await self._take(lease, renewing=holder == self.identity)
        except (ApiError, OSError, TimeoutError) as exc:
            logger.warning("Leader election attempt failed: %s", exc)
            return False

    async def release(self) -> None:
        """Give the lease up if we hold it, so a follower can take over at once."""
        try:
            lease = await self.client.get(*LEASES, self.name, self.namespace)
            if lease is None or (lease.get("spec") or {}).get("holderIdentity") != self.identity:
                return
            lease["spec"].update(
                holderIdentity="",
                leaseDurationSeconds=1,
                renewTime=_micro_time(datetime.datetime.now(datetime.UTC)),
            )
            await self.client.replace(*LEASES, lease, self.namespace)
            logger.info("Released Lease %s/%s", self.namespace, self.name)
        except (ApiError, OSError, TimeoutError) as exc:
            logger.warning("Could not release Lease %s: %s", self.name, exc)

    def _expired(self, spec: dict[str, Any]) -> bool:
        record = (spec.get("holderIdentity"), spec.get("renewTime"), spec.get("acquireTime"))
        now = self._monotonic()
        if self._observed is None or self._observed[0] != record:
            self._observed = (record, now)
            return False
        duration = float(spec.get("leaseDurationSeconds") or self.timings.lease_duration)
        return now - self._observed[1] > duration

    def _spec(self, *, transitions: int, acquire_time: str | None) -> dict[str, Any]:
        now = _micro_time(datetime.datetime.now(datetime.UTC))
        return {
            "holderIdentity": self.identity,
            "leaseDurationSeconds": int(self.timings.lease_duration),
            "acquireTime": acquire_time or now,
            "renewTime": now,
            "leaseTransitions": transitions,
        }

    async def _create(self) -> bool:
        body = {
            "apiVersion": LEASES[0],
            "kind": "Lease",
            "metadata": {"name": self.name, "namespace": self.namespace},
            "spec": self._spec(transitions=0, acquire_time=None),
        }
        try:
            await self.client.create(*LEASES, body, self.namespace)
        except ConflictError:
            return False
        self._last_renew = self._monotonic()
        return True

    async def _take(self, lease: dict[str, Any], *, renewing: bool) -> bool:
        spec = lease.get("spec") or {}
        transitions = int(spec.get("leaseTransitions") or 0) + (0 if renewing else 1)
        acquire_time = spec.get("acquireTime") if renewing else None
        lease["spec"] = self._spec(transitions=transitions, acquire_time=acquire_time)
        try:
            await self.client.replace(*LEASES, lease, self.namespace)
        except ConflictError:
            return False
        self._last_renew = self._monotonic()
        return True
