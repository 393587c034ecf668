"""The warning-only admission webhook for Tuneds: what a Tuned change does to the nodes.

Served at :data:`TUNED_PATH` on the shared HTTPS server. It never denies (the core validates
Tuneds in its controller and reports them in the ``Valid`` condition); an allowed CREATE or
UPDATE of a ``tuned.openshift.io/v1`` Tuned in the operator namespace that changes ``spec``
gets ``response.warnings`` from :func:`nto_performance.preview.tuned.preview_tuned`: per pool,
how many nodes reboot (kernel arguments of a ``machineConfigLabels`` profile changed) or only
reload TuneD. The nodes, pools and other Tuneds come from the cached view of :mod:`.preview`
(refreshed every 30 s, so a Tuned created seconds before may be missing from the picture). A
preview that fails never changes the answer. Neighbours: :mod:`.admission` (the profile
webhook), :mod:`.manifests` (the configuration entry), :mod:`.review`.
"""

from __future__ import annotations

import logging
import time
from typing import Final

from nto.plugins import JSONDict
from nto_api.names import OPERATOR_NAMESPACE, TUNED_GROUP, TUNED_KIND
from nto_performance.preview.texts import tuned_warnings
from nto_performance.preview.tuned import preview_tuned
from nto_performance.webhooks.preview import ClusterFactsSource
from nto_performance.webhooks.review import (
    BadReview,
    NullObserver,
    RequestObserver,
    bad_request,
    decode_review,
)

__all__ = ["TUNED_PATH", "TunedWarningsWebhook"]

logger = logging.getLogger(__name__)

TUNED_PATH: Final = "/validate-tuned-openshift-io-v1-tuned"
ADMISSION_API_VERSION: Final = "admission.k8s.io/v1"


def _allowed(uid: str, warnings: list[str]) -> JSONDict:
    response: JSONDict = {"uid": uid, "allowed": True}
    if warnings:
        response["warnings"] = warnings
    return {"apiVersion": ADMISSION_API_VERSION, "kind": "AdmissionReview", "response": response}


class TunedWarningsWebhook:
    """The ``WebhookRoute`` handler: ``await webhook(body, content_type) -> (status, json)``."""

    def __init__(
        self,
        *,
        facts: ClusterFactsSource | None,
        observer: RequestObserver | None = None,
    ) -> None:
        self.facts = facts
        self.observer = observer or NullObserver()

    async def __call__(self, body: bytes, content_type: str) -> tuple[int, JSONDict]:
        del content_type
        started = time.perf_counter()
        try:
            _, request, uid = decode_review(
                body, api_version=ADMISSION_API_VERSION, kind="AdmissionReview"
            )
        except BadReview as exc:
            self.observer.observe(TUNED_PATH, "bad_request", time.perf_counter() - started)
            return bad_request(str(exc))
        warnings = await self._warnings(request)
        self.observer.observe(TUNED_PATH, "allowed", time.perf_counter() - started)
        return 200, _allowed(uid, warnings)

    async def _warnings(self, request: JSONDict) -> list[str]:
        kind = request.get("kind")
        new, old = request.get("object"), request.get("oldObject")
        if (
            self.facts is None
            or request.get("operation") not in ("CREATE", "UPDATE")
            or not isinstance(kind, dict)
            or (kind.get("group"), kind.get("kind")) != (TUNED_GROUP, TUNED_KIND)
            or not isinstance(new, dict)
            or request.get("namespace") not in (OPERATOR_NAMESPACE, None, "")
        ):
            return []
        if isinstance(old, dict) and old.get("spec") == new.get("spec"):
            return []
        try:
            facts = await self.facts.facts()
            preview = preview_tuned(
                old if isinstance(old, dict) else None,
                new,
                tuneds=facts.tuneds or {},
                node_labels=facts.node_labels or {},
                pools=facts.raw_pools,
            )
            return tuned_warnings(preview, facts)
        except Exception:  # a preview must never change the admission answer
            logger.exception("Cannot preview the change of a Tuned")
            return []
