"""Field selectors per kind: which ``fieldSelector`` labels a resource accepts, and their values.

A real kube-apiserver accepts, for each kind, only the field labels its scheme registers
(``AddFieldLabelConversionFunc``) and answers any other with 400 BadRequest, worded by the kind's
conversion function: ``field label not supported: spec.foo`` for kinds with their own list (Pod,
Node, Event, Namespace, Secret, Service, custom resources) and
``"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`` for the
rest (``runtime.DefaultMetaV1FieldSelectorConversion``); custom resources add the
``selectableFields`` of their CRD version (beta and on by default in 1.31). ``events.k8s.io/v1``
Events map their labels onto the core Event's (``regarding.kind`` -> ``involvedObject.kind``),
since both views share one store (:mod:`nto.testing._events`). Values are compared as strings,
booleans as ``true``/``false``, like the registry's ``ToSelectableFields``.

The router (:mod:`nto.testing._handler`) builds list and watch predicates here; syntax (terms,
``=``/``==``/``!=``) is shared with :mod:`nto.testing._selectors`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from nto.testing._errors import bad_request
from nto.testing._resources import ResourceInfo
from nto.testing._selectors import _EQ_TERM, Predicate, _split_terms

Getter = Callable[[Mapping[str, Any]], str]


def _path(*keys: str) -> Getter:
    def get(obj: Mapping[str, Any]) -> str:
        value: Any = obj
        for key in keys:
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    return get


def _first_pod_ip(obj: Mapping[str, Any]) -> str:
    ips = (obj.get("status") or {}).get("podIPs") or []
    return str(ips[0].get("ip", "")) if ips and isinstance(ips[0], Mapping) else ""


def _event_source(obj: Mapping[str, Any]) -> str:
    return _path("source", "component")(obj) or _path("reportingComponent")(obj)


_NAME = {"metadata.name": _path("metadata", "name")}
_META = {**_NAME, "metadata.namespace": _path("metadata", "namespace")}

# Selectable fields of the kinds with their own conversion function, keyed by (group, plural);
# getters read the stored (core/v1 for Events) object.
_REFERENCE_FIELDS = (
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
)
_EVENT_FIELDS: dict[str, Getter] = {
    **_META,
    **{f"involvedObject.{field}": _path("involvedObject", field) for field in _REFERENCE_FIELDS},
    "reason": _path("reason"),
    "reportingComponent": _path("reportingComponent"),
    "source": _event_source,
    "type": _path("type"),
}
_OWN_FIELDS: dict[tuple[str, str], dict[str, Getter]] = {
    ("", "pods"): {
        **_META,
        "spec.nodeName": _path("spec", "nodeName"),
        "spec.restartPolicy": _path("spec", "restartPolicy"),
        "spec.schedulerName": _path("spec", "schedulerName"),
        "spec.serviceAccountName": _path("spec", "serviceAccountName"),
        "spec.hostNetwork": _path("spec", "hostNetwork"),
        "status.phase": _path("status", "phase"),
        "status.podIP": _path("status", "podIP"),
        "status.podIPs": _first_pod_ip,
        "status.nominatedNodeName": _path("status", "nominatedNodeName"),
        "spec.host": _path("spec", "nodeName"),  # old clients' name for spec.nodeName
    },
    ("", "nodes"): {**_NAME, "spec.unschedulable": _path("spec", "unschedulable")},
    ("", "namespaces"): {**_NAME, "status.phase": _path("status", "phase")},
    ("", "secrets"): {**_META, "type": _path("type")},
    ("", "services"): {
        **_META,
        "spec.clusterIP": _path("spec", "clusterIP"),
        "spec.type": _path("spec", "type"),
    },
    ("", "events"): _EVENT_FIELDS,
    # events.k8s.io/v1 names, mapped onto the stored core Event (AddFieldLabelConversionsForEvent)
    ("events.k8s.io", "events"): {
        **_META,
        **{
            f"regarding.{field}": _EVENT_FIELDS[f"involvedObject.{field}"]
            for field in _REFERENCE_FIELDS
        },
        "reason": _EVENT_FIELDS["reason"],
        "reportingController": _EVENT_FIELDS["reportingComponent"],
        "source": _EVENT_FIELDS["source"],
        "type": _EVENT_FIELDS["type"],
    },
}


def selectable_fields(
    info: ResourceInfo, version: str = ""
) -> tuple[dict[str, Getter], Callable[[str], str]]:
    """The labels ``info`` accepts (in ``version``) with their getters, and the refusal text.

    Custom resources accept ``metadata.name``, ``metadata.namespace`` when namespaced, and the
    ``selectableFields`` their CRD declares for the version.
    """
    own = _OWN_FIELDS.get(info.key)
    if own is not None:
        return own, lambda label: f"field label not supported: {label}"
    if info.custom:
        fields = dict(_NAME) if not info.namespaced else dict(_META)
        for label in info.selectable_fields.get(version or info.storage_version, ()):
            fields[label] = _path(*label.split("."))
        return fields, lambda label: f"field label not supported: {label}"
    return (
        dict(_META),
        lambda label: (
            f'"{label}" is not a known field selector: only "metadata.name", "metadata.namespace"'
        ),
    )


def _term(getter: Getter, value: str, *, negate: bool) -> Predicate:
    return lambda obj: (getter(obj) == value) != negate


def field_selector(info: ResourceInfo, selector: str | None, version: str = "") -> Predicate | None:
    """A predicate for ``fieldSelector`` on ``info``; 400 with the real message when refused."""
    if not selector or not selector.strip():
        return None
    fields, refuse = selectable_fields(info, version)
    predicates: list[Predicate] = []
    for term in _split_terms(selector):
        match = _EQ_TERM.match(term)
        if match is None:
            raise bad_request(f"invalid selector: '{selector}'; can't understand '{term.strip()}'")
        label, op, value = match.groups()
        getter = fields.get(label)
        if getter is None:
            raise bad_request(refuse(label))
        predicates.append(_term(getter, value, negate=op == "!="))
    if len(predicates) == 1:
        return predicates[0]
    return lambda obj: all(predicate(obj) for predicate in predicates)
