"""Events: one store, two API views (core/v1 ``Event`` and ``events.k8s.io/v1`` ``Event``).

In a real cluster an Event written through either API is the same object: ``kubectl get
events`` (core/v1) shows what a controller recorded with the ``events.k8s.io/v1`` recorder, and
``kubectl describe`` finds both. The emulator stores Events once, in core/v1 shape (the
``events.k8s.io`` resource is a view: ``ResourceInfo.storage``), and converts on the way in and
out with the field mapping of the apiserver's ``Convert_v1_Event_To_core_Event``:

================================  ==============================
``events.k8s.io/v1``              ``v1``
================================  ==============================
``regarding``                     ``involvedObject``
``note``                          ``message``
``reportingController``           ``reportingComponent``
``deprecatedSource``              ``source``
``deprecatedFirstTimestamp``      ``firstTimestamp``
``deprecatedLastTimestamp``       ``lastTimestamp``
``deprecatedCount``               ``count``
================================  ==============================

Writes are validated as ``ValidateEventCreate``/``ValidateEventUpdate`` do
(:func:`check_event`): every Event passes the legacy rules (the involved object's namespace
matches, or for new-style events the reporting fields, action and reason are set), and a create
through ``events.k8s.io/v1`` must also set ``eventTime`` and a ``Normal``/``Warning`` type and
leave the deprecated core fields unset (named by their internal names, as the real messages do).

Everything else (``eventTime``, ``series``, ``action``, ``reason``, ``related``, ``type``,
``reportingInstance``, ``metadata``) is the same in both. Fields a Go server always prints
(``eventTime: null``, ``reportingComponent: ""``, ...) are filled the way it prints them. The
converter (:mod:`nto.testing._crds`) calls :func:`convert_builtin`; field selectors of both views
are in :mod:`nto.testing._fields`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nto.testing._errors import Cause, invalid
from nto.testing._names import dns1123_subdomain, json_quote
from nto.testing._resources import ResourceInfo
from nto_api.objects import name_of, namespace_of

CORE = "v1"
EVENTS_V1 = "events.k8s.io/v1"

_RENAMED = (  # (events.k8s.io/v1 field, core/v1 field)
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
)
_TO_CORE = dict(_RENAMED)
_TO_EVENTS = {core: new for new, core in _RENAMED}


def to_core(event: Mapping[str, Any]) -> dict[str, Any]:
    """An ``events.k8s.io/v1`` Event as the core/v1 Event the server stores and lists."""
    core = {_TO_CORE.get(key, key): value for key, value in event.items()}
    if event.get("apiVersion") == CORE:  # already core: keep its own fields as they are
        core = dict(event)
    core["apiVersion"] = CORE
    # A Go server prints these core/v1 fields even when unset (no omitempty / struct types).
    core.setdefault("involvedObject", {})
    core.setdefault("source", {})
    core.setdefault("reportingComponent", "")
    core.setdefault("reportingInstance", "")
    for stamp in ("firstTimestamp", "lastTimestamp", "eventTime"):
        core.setdefault(stamp, None)
    return core


def to_events_v1(core: Mapping[str, Any]) -> dict[str, Any]:
    """A stored core/v1 Event as ``events.k8s.io/v1`` shows it."""
    event: dict[str, Any] = {}
    for key, value in core.items():
        new = _TO_EVENTS.get(key, key)
        # events.k8s.io/v1 omits empty strings and a zero count (omitempty there).
        if (value == "" or (value == 0 and not isinstance(value, bool))) and new != "kind":
            continue
        event[new] = value
    event["apiVersion"] = EVENTS_V1
    event.setdefault("eventTime", None)
    event.setdefault("regarding", {})
    event.setdefault("deprecatedSource", {})
    return event


def _event_view(obj: Mapping[str, Any], api_version: str) -> dict[str, Any]:
    current = obj.get("apiVersion")
    if api_version == EVENTS_V1:
        return dict(obj) if current == EVENTS_V1 else to_events_v1(obj)
    return to_core(obj)  # also fills the always-printed fields of a core/v1 write


BUILTIN_VIEWS: dict[tuple[str, str], Callable[[Mapping[str, Any], str], dict[str, Any]]] = {
    ("", "events"): _event_view,
    ("events.k8s.io", "events"): _event_view,
}


def convert_builtin(
    key: tuple[str, str], obj: Mapping[str, Any], api_version: str
) -> dict[str, Any] | None:
    """``obj`` in ``api_version`` when ``key`` is a built-in with several shapes, else None."""
    view = BUILTIN_VIEWS.get(key)
    return None if view is None else view(obj, api_version)


_LIMITS = (("reportingInstance", 128), ("action", 128), ("reason", 128), ("message", 1024))


def _legacy_causes(core: Mapping[str, Any]) -> list[Cause]:
    namespace = namespace_of(core)
    involved_ns = str((core.get("involvedObject") or {}).get("namespace") or "")
    mismatch: Cause = (
        "involvedObject.namespace",
        f"Invalid value: {json_quote(involved_ns)}: does not match event.namespace",
    )
    causes: list[Cause] = []
    if not core.get("eventTime"):
        if (involved_ns and involved_ns != namespace) or (
            not involved_ns and namespace not in ("", "default")
        ):
            causes.append(mismatch)
    else:
        if not involved_ns and namespace not in ("default", "kube-system"):
            causes.append(mismatch)
        for field in ("reportingController", "reportingInstance", "action", "reason"):
            source = "reportingComponent" if field == "reportingController" else field
            if not core.get(source):
                causes.append((field, "Required value", "FieldValueRequired"))
        for field, limit in _LIMITS:
            if len(str(core.get(field) or "")) > limit:
                causes.append((field, f'Invalid value: "": can have at most {limit} characters'))
    causes += [
        ("namespace", f"Invalid value: {json_quote(namespace)}: {detail}")
        for detail in dns1123_subdomain(namespace)
    ]
    return causes


def _strict_causes(core: Mapping[str, Any]) -> list[Cause]:
    causes: list[Cause] = []
    series = core.get("series")
    if isinstance(series, Mapping):
        if int(series.get("count") or 0) < 2:
            causes.append(("series.count", 'Invalid value: "": should be at least 2'))
        if not series.get("lastObservedTime"):
            causes.append(("series.lastObservedTime", "Required value", "FieldValueRequired"))
    if not core.get("eventTime"):
        causes.append(("eventTime", "Required value", "FieldValueRequired"))
    if core.get("type") not in ("Normal", "Warning"):
        causes.append(("type", f'Invalid value: "": has invalid value: {core.get("type") or ""}'))
    for field in ("firstTimestamp", "lastTimestamp", "count"):
        if core.get(field):
            causes.append((field, 'Invalid value: "": needs to be unset'))
    source = core.get("source") or {}
    if source.get("component") or source.get("host"):
        causes.append(("source", 'Invalid value: "": needs to be unset'))
    return causes


def check_event(info: ResourceInfo, obj: Mapping[str, Any], *, create: bool) -> None:
    """Raise the 422 ``ValidateEventCreate``/``Update`` gives an Event write (none for others)."""
    if info.store_key != ("", "events"):
        return
    core = obj if obj.get("apiVersion") == CORE else to_core(obj)
    causes = _legacy_causes(core)
    if create and info.group == "events.k8s.io":
        causes += _strict_causes(core)
    if causes:
        name = name_of(obj)
        raise invalid(info.kind, info.group, name, causes)
