"""core/v1 Events about profile ConfigMaps in the management cluster (HyperShift).

The reasons are the classic controller's (:mod:`nto_performance.controller.events`); the
involved object is the profile ConfigMap and the Event lives in its namespace (the hosted
control plane's), where ``kubectl describe configmap`` finds it. Posting is best effort: a
failure is logged, never raised. Neighbours: :mod:`.reconciler` (the caller).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from nto.plugins import KubeClient
from nto_api.objects import namespace_of
from nto_performance.controller.events import EventType, KubeEventRecorder, event_body

__all__ = ["ConfigMapEventRecorder", "configmap_event"]

logger = logging.getLogger(__name__)


def configmap_event(
    configmap: Mapping[str, Any],
    type_: EventType,
    reason: str,
    message: str,
    *,
    now: datetime.datetime,
) -> dict[str, Any]:
    """The Event about `configmap` (a profile ConfigMap), in its namespace."""
    namespace = namespace_of(configmap)
    body = event_body(configmap, type_, reason, message, now=now)
    body["metadata"]["namespace"] = namespace
    body["involvedObject"].update(apiVersion="v1", kind="ConfigMap", namespace=namespace)
    return body


class ConfigMapEventRecorder(KubeEventRecorder):
    """Posts Events about profile ConfigMaps through the management cluster's client."""

    def __init__(self, client: KubeClient) -> None:
        super().__init__(client, build=configmap_event)
