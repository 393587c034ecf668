"""The validating admission webhook for v2 PerformanceProfiles (AdmissionReview v1).

Served at :data:`VALIDATE_PATH` on the shared HTTPS server. CREATE and UPDATE run the shape
check and every rule of :mod:`nto_performance.validation` and answer one ``Invalid`` denial
(HTTP 422 in ``response.status``) naming each bad field; DELETE and CONNECT are allowed, as in
the reference. Two decisions of ours: an UPDATE of a profile that is being deleted is allowed
(the controller must be able to remove its finalizer even if the cluster changed under the
profile), and a v1 or v1alpha1 object sent directly is converted to v2 before validation.
Cluster facts come from an injected :class:`~.cluster_data.ClusterDataProvider`.

An allowed CREATE or UPDATE that changes the spec also carries ``response.warnings`` (kubectl
prints them as ``Warning: ...``) saying what the change does to the nodes: which pool, how many
nodes, and whether they reboot (and why), restart the kubelet, only reload TuneD, or nothing
(:mod:`nto_performance.preview`, from old and new rendered with the pure renderers, the pool
facts from :mod:`.preview`'s cached view). A preview that fails never changes the answer.

Never raises on hostile input: bodies that are not an AdmissionReview get HTTP 400 with a JSON
message (:mod:`.review`), everything else a review response. Neighbours: :mod:`.conversion`,
:mod:`.metrics`, :mod:`nto_performance.plugin` (route registration).
"""

from __future__ import annotations

import logging
import time
from typing import Final

from nto_api.conversion import convert
from nto_api.errors import ConversionError
from nto_api.names import PERFORMANCE_GROUP, PERFORMANCE_KIND, PERFORMANCE_V2
from nto_api.objects import JSONDict, metadata_of, name_of
from nto_performance.preview.plan import RenderCache, preview_profile
from nto_performance.preview.texts import admission_warnings
from nto_performance.validation import ClusterData, cap_errors, invalid_status, validate_profile
from nto_performance.validation.shape import parse_profile
from nto_performance.webhooks.cluster_data import (
    DEFAULT_TIMEOUT,
    ClusterDataProvider,
    fetch_cluster_data,
)
from nto_performance.webhooks.preview import ClusterFactsSource
from nto_performance.webhooks.review import (
    BadReview,
    NullObserver,
    RequestObserver,
    bad_request,
    decode_review,
)

logger = logging.getLogger(__name__)

__all__ = ["VALIDATE_PATH", "AdmissionWebhook"]

VALIDATE_PATH: Final = "/validate-performance-openshift-io-v2-performanceprofile"
ADMISSION_API_VERSION: Final = "admission.k8s.io/v1"
VALIDATED_OPERATIONS: Final = frozenset({"CREATE", "UPDATE"})
ALLOWED_OPERATIONS: Final = frozenset({"DELETE", "CONNECT"})


def _response(
    uid: str,
    *,
    allowed: bool,
    status: JSONDict | None = None,
    warnings: list[str] | None = None,
) -> JSONDict:
    response: JSONDict = {"uid": uid, "allowed": allowed}
    if status is not None:
        response["status"] = status
    if warnings:
        response["warnings"] = warnings
    return {"apiVersion": ADMISSION_API_VERSION, "kind": "AdmissionReview", "response": response}


def _refusal(uid: str, code: int, message: str) -> JSONDict:
    status = {"status": "Failure", "code": code, "reason": "BadRequest", "message": message}
    return _response(uid, allowed=False, status=status)


def _kind_problem(request: JSONDict) -> str | None:
    kind = request.get("kind")
    if not isinstance(kind, dict):
        return "request.kind is missing; this webhook validates PerformanceProfiles only"
    if kind.get("group") != PERFORMANCE_GROUP or kind.get("kind") != PERFORMANCE_KIND:
        return (
            f"this webhook validates {PERFORMANCE_GROUP} {PERFORMANCE_KIND} objects only, got "
            f"group {kind.get('group')!r} kind {kind.get('kind')!r}; check the webhook's rules"
        )
    return None


def _being_deleted(obj: JSONDict) -> bool:
    return bool(metadata_of(obj).get("deletionTimestamp"))


def _as_v2(obj: JSONDict) -> JSONDict:
    """Objects sent in v1 or v1alpha1 are validated in their v2 form."""
    if obj.get("apiVersion") in (PERFORMANCE_V2, None) or obj.get("kind") != PERFORMANCE_KIND:
        return obj
    try:
        return convert(obj, PERFORMANCE_V2)
    except ConversionError:
        return obj  # the shape check then names the bad apiVersion or field


class AdmissionWebhook:
    """The ``WebhookRoute`` handler: ``await webhook(body, content_type) -> (status, json)``."""

    def __init__(
        self,
        *,
        provider: ClusterDataProvider | None,
        observer: RequestObserver | None = None,
        lookup_timeout: float = DEFAULT_TIMEOUT,
        facts: ClusterFactsSource | None = None,
    ) -> None:
        self.provider = provider
        self.facts = facts
        self.renders = RenderCache()
        self.observer = observer or NullObserver()
        self.lookup_timeout = lookup_timeout

    async def __call__(self, body: bytes, content_type: str) -> tuple[int, JSONDict]:
        del content_type  # the server accepts application/json only
        started = time.perf_counter()
        result, answer = await self._answer(body)
        self.observer.observe(VALIDATE_PATH, result, time.perf_counter() - started)
        return answer

    async def _answer(self, body: bytes) -> tuple[str, tuple[int, JSONDict]]:
        try:
            _, request, uid = decode_review(
                body, api_version=ADMISSION_API_VERSION, kind="AdmissionReview"
            )
        except BadReview as exc:
            return "bad_request", bad_request(str(exc))
        try:
            payload = await self._review(request, uid)
        except RecursionError:
            payload = _refusal(
                uid, 400, "the object is nested too deeply to be a PerformanceProfile"
            )
        allowed = payload["response"]["allowed"]
        code = payload["response"].get("status", {}).get("code")
        result = "allowed" if allowed else ("denied" if code == 422 else "bad_request")
        return result, (200, payload)

    async def _review(self, request: JSONDict, uid: str) -> JSONDict:
        operation = request.get("operation")
        if operation in ALLOWED_OPERATIONS:
            return _response(uid, allowed=True)
        if operation not in VALIDATED_OPERATIONS:
            message = f"unknown operation {operation!r}; expected CREATE, UPDATE or DELETE"
            return _refusal(uid, 400, message)
        problem = _kind_problem(request)
        if problem:
            return _refusal(uid, 400, problem)
        obj = request.get("object")
        if not isinstance(obj, dict):
            return _refusal(
                uid, 400, f"request.object must be a PerformanceProfile for {operation}"
            )
        if operation == "UPDATE" and _being_deleted(obj):
            return _response(uid, allowed=True)
        old = request.get("oldObject") if operation == "UPDATE" else None
        return await self._validate(
            _as_v2(obj), uid, old=_as_v2(old) if isinstance(old, dict) else None
        )

    async def _validate(self, obj: JSONDict, uid: str, *, old: JSONDict | None) -> JSONDict:
        name = name_of(obj)
        profile, errors = parse_profile(obj)
        cluster = ClusterData()
        if profile is None:
            errors = cap_errors(errors)
        else:
            cluster = await fetch_cluster_data(
                self.provider, profile.spec.node_selector, timeout=self.lookup_timeout
            )
            errors = validate_profile(profile, cluster)
        if not errors:
            warnings = await self._warnings(old, obj, cluster)
            return _response(uid, allowed=True, warnings=warnings)
        logger.info("Denied PerformanceProfile %r: %d errors", name, len(errors))
        return _response(uid, allowed=False, status=invalid_status(name, errors))

    async def _warnings(
        self, old: JSONDict | None, new: JSONDict, cluster: ClusterData
    ) -> list[str]:
        """What the change does to the nodes (:mod:`nto_performance.preview`); never raises."""
        if self.facts is None or (old is not None and old.get("spec") == new.get("spec")):
            return []
        try:
            facts = await self.facts.facts()
            selected = None if cluster.nodes_error else len(cluster.nodes)
            preview = preview_profile(old, new, facts, selected_nodes=selected, cache=self.renders)
            return admission_warnings(preview, facts)
        except Exception:  # a preview must never change the admission answer
            logger.exception("Cannot preview the change of PerformanceProfile %r", name_of(new))
            return []
