"""core/v1 Events about PerformanceProfiles, with the reference's reasons (spec 5).

Recorder component ``performance-profile-controller``. Normal: ``Creation succeeded``,
``Deletion succeeded``, and ours (the reference has none) ``RolloutStarted`` (a change starts a
rollout of the pool's nodes, :mod:`.rollout`); Warning: ``Creation failed``, ``Deletion
failed``, ``Validation failed``. PerformanceProfiles are cluster-scoped, so their Events live in
``default`` (as client-go records them). Posting is best effort: a failure is logged, never
raised. Neighbours: :mod:`.reconciler` and :mod:`.handlers` (callers).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Mapping
from typing import Any, Final, Literal, Protocol

from nto.plugins import ApiError, KubeClient
from nto_api.objects import metadata_of, name_of
from nto_performance.controller.diff import PROFILE_API_VERSION, PROFILE_KIND

__all__ = [
    "COMPONENT",
    "CREATION_FAILED",
    "CREATION_SUCCEEDED",
    "DELETION_FAILED",
    "DELETION_SUCCEEDED",
    "EVENTS_NAMESPACE",
    "ROLLOUT_STARTED",
    "VALIDATION_FAILED",
    "EventRecorder",
    "KubeEventRecorder",
    "event_body",
]

logger = logging.getLogger(__name__)

COMPONENT: Final = "performance-profile-controller"
EVENTS_NAMESPACE: Final = "default"
CREATION_SUCCEEDED: Final = "Creation succeeded"
CREATION_FAILED: Final = "Creation failed"
DELETION_SUCCEEDED: Final = "Deletion succeeded"
DELETION_FAILED: Final = "Deletion failed"
VALIDATION_FAILED: Final = "Validation failed"
ROLLOUT_STARTED: Final = "RolloutStarted"

EventType = Literal["Normal", "Warning"]


class EventRecorder(Protocol):
    """Posts one Event about a profile (a wire dict)."""

    async def __call__(
        self,
        profile: Mapping[str, Any],
        type_: EventType,
        reason: str,
        message: str,
        /,
    ) -> None: ...


def event_body(
    profile: Mapping[str, Any],
    type_: EventType,
    reason: str,
    message: str,
    *,
    now: datetime.datetime,
) -> dict[str, Any]:
    """The Event object for `profile`."""
    meta = metadata_of(profile)
    name = name_of(profile)
    stamp = now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{name}.{uuid.uuid4().hex[:16]}", "namespace": EVENTS_NAMESPACE},
        "involvedObject": {
            "apiVersion": PROFILE_API_VERSION,
            "kind": PROFILE_KIND,
            "name": name,
            "uid": meta.get("uid", ""),
            "resourceVersion": meta.get("resourceVersion", ""),
        },
        "type": type_,
        "reason": reason,
        "message": message[:1024],
        "source": {"component": COMPONENT},
        "reportingComponent": COMPONENT,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
    }


class EventBuilder(Protocol):
    """Builds the Event about an object (:func:`event_body`, or another kind's builder)."""

    def __call__(
        self,
        obj: Mapping[str, Any],
        type_: EventType,
        reason: str,
        message: str,
        /,
        *,
        now: datetime.datetime,
    ) -> dict[str, Any]: ...


class KubeEventRecorder:
    """:class:`EventRecorder` writing through a :class:`~nto.kube.client.KubeClient`: the
    Event `build` makes (a PerformanceProfile's by default), into the namespace it names."""

    def __init__(self, client: KubeClient, build: EventBuilder = event_body) -> None:
        self.client = client
        self.build = build

    async def __call__(
        self,
        profile: Mapping[str, Any],
        type_: EventType,
        reason: str,
        message: str,
    ) -> None:
        now = datetime.datetime.now(datetime.UTC)
        body = self.build(profile, type_, reason, message, now=now)
        try:
            await self.client.create("v1", "events", body, body["metadata"]["namespace"])
        except (ApiError, OSError, TimeoutError) as exc:
            logger.warning("Event %r about %s not posted: %s", reason, body["involvedObject"], exc)
