"""Fidelity: Events are one resource in two versions, and field selectors follow each kind.

Sources (kubernetes/kubernetes):

- ``pkg/apis/events/v1/conversion.go``: ``Convert_v1_Event_To_core_Event`` maps ``regarding`` to
  ``involvedObject``, ``note`` to ``message``, ``deprecatedSource/FirstTimestamp/LastTimestamp/
  Count`` to ``source/firstTimestamp/lastTimestamp/count`` (and ``reportingController`` is
  ``reportingComponent`` in core/v1 JSON); both APIs are served from the one ``events`` storage,
  so an Event written through either is listed by both.
- ``AddFieldLabelConversionsForEvent`` there maps ``regarding.*`` and ``reportingController``
  onto the core labels; ``pkg/apis/core/v1/conversion.go`` lists each kind's labels (Pod:
  ``spec.nodeName``, ``status.phase``, ...; Event: ``involvedObject.*``, ``reason``, ``type``,
  ``source``, ``reportingComponent``; Node: ``metadata.name``, ``spec.unschedulable``; Namespace:
  ``metadata.name``, ``status.phase``; Secret: ``type``; Service: ``spec.clusterIP``,
  ``spec.type``) and refuses others with ``field label not supported: <label>``.
- ``staging/src/k8s.io/apimachinery/pkg/runtime/conversion.go``
  ``DefaultMetaV1FieldSelectorConversion``: any other kind accepts ``metadata.name`` and
  ``metadata.namespace`` only: ``"<label>" is not a known field selector: only
  "metadata.name", "metadata.namespace"``. The list handler answers these with 400 BadRequest.
- ``pkg/apis/core/validation/events.go``: ``legacyValidateEvent`` (every write) and, for a
  create through ``events.k8s.io/v1``, ``ValidateEventCreate``'s strict rules; fields are named
  by their internal (core) names there, so ``deprecatedCount`` is reported as ``count``.
- ``kubectl describe`` finds an object's events with
  ``involvedObject.name=..,involvedObject.namespace=..,involvedObject.uid=..`` (and ``kind`` for
  some kinds) on core/v1 Events.
"""

from __future__ import annotations

import urllib.parse

import pytest

CORE = "/api/v1/namespaces/default/events"
NEW = "/apis/events.k8s.io/v1/namespaces/default/events"


def _q(selector: str) -> str:
    return "?fieldSelector=" + urllib.parse.quote(selector)


def _new_event(name: str, pod: str = "p", reason: str = "Pulled") -> dict:
    return {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": name},
        "regarding": {"kind": "Pod", "name": pod, "namespace": "default", "apiVersion": "v1"},
        "note": "pulled the image",
        "reason": reason,
        "type": "Normal",
        "action": "Pull",
        "eventTime": "2024-01-01T00:00:00.000000Z",
        "reportingController": "kubelet",
        "reportingInstance": "node-1",
    }


def _core_event(name: str, pod: str = "p", kind: str = "Pod") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name},
        "involvedObject": {"kind": kind, "name": pod, "namespace": "default"},
        "message": "started",
        "reason": "Started",
        "type": "Warning",
        "source": {"component": "kubelet"},
        "count": 1,
    }


def test_events_k8s_io_event_is_listed_as_core_event(http):
    status, _, created = http("POST", NEW, _new_event("e1"))
    assert status == 201
    _, _, core = http("GET", f"{CORE}/e1")
    assert core["apiVersion"] == "v1"
    assert core["involvedObject"] == _new_event("e1")["regarding"]
    assert core["message"] == "pulled the image"
    assert core["reportingComponent"] == "kubelet"
    assert core["reportingInstance"] == "node-1"
    assert "regarding" not in core
    assert "note" not in core
    assert core["metadata"]["uid"] == created["metadata"]["uid"]
    assert core["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_core_event_is_listed_in_events_k8s_io(http):
    status, _, _ = http("POST", CORE, _core_event("e2"))
    assert status == 201
    _, _, listed = http("GET", NEW)
    (event,) = listed["items"]
    assert listed["apiVersion"] == "events.k8s.io/v1"
    assert event["apiVersion"] == "events.k8s.io/v1"
    assert event["regarding"]["name"] == "p"
    assert event["note"] == "started"
    assert event["deprecatedSource"] == {"component": "kubelet"}
    assert event["deprecatedCount"] == 1
    assert "involvedObject" not in event


def test_core_event_prints_unset_fields_as_go_does(http):
    """core/v1 prints eventTime/firstTimestamp/lastTimestamp null and reporting fields empty."""
    _, _, core = http("POST", CORE, _core_event("e3"))
    assert core["eventTime"] is None
    assert core["reportingComponent"] == ""
    assert core["reportingInstance"] == ""


def test_update_through_one_view_is_seen_in_the_other(http):
    http("POST", NEW, _new_event("e4"))
    _, _, core = http("GET", f"{CORE}/e4")
    core["message"] = "changed"
    status, _, _ = http("PUT", f"{CORE}/e4", core)
    assert status == 200
    _, _, event = http("GET", f"{NEW}/e4")
    assert event["note"] == "changed"
    assert http("DELETE", f"{NEW}/e4")[0] == 200
    assert http("GET", f"{CORE}/e4")[0] == 404


def test_watch_on_events_k8s_io_sees_core_writes(http):
    _, _, listed = http("GET", NEW)
    rv = listed["metadata"]["resourceVersion"]
    http("POST", CORE, _core_event("e5"))
    events = http.lines(f"{NEW}?watch=1&resourceVersion={rv}&timeoutSeconds=1")
    assert [(e["type"], e["object"]["apiVersion"], e["object"]["note"]) for e in events] == [
        ("ADDED", "events.k8s.io/v1", "started")
    ]


def test_describe_selector_on_core_events(http):
    """The selector kubectl describe sends finds events recorded through either API."""
    http("POST", NEW, _new_event("e6", pod="p"))
    http("POST", CORE, _core_event("e7", pod="p"))
    http("POST", CORE, _core_event("e8", pod="other"))
    http("POST", CORE, _core_event("e9", pod="p", kind="Node"))
    selector = "involvedObject.name=p,involvedObject.namespace=default,involvedObject.kind=Pod"
    status, _, listed = http("GET", CORE + _q(selector) + "&limit=500")
    assert status == 200
    assert [e["metadata"]["name"] for e in listed["items"]] == ["e6", "e7"]


@pytest.mark.parametrize(
    ("selector", "names"),
    [
        ("regarding.name=p", ["e10", "e11"]),
        ("regarding.kind=Pod,reason=Started", ["e11"]),
        ("reportingController=kubelet", ["e10"]),
        ("type!=Normal", ["e11"]),
    ],
)
def test_events_k8s_io_field_selectors(http, selector, names):
    http("POST", NEW, _new_event("e10"))
    http("POST", CORE, _core_event("e11"))
    status, _, listed = http("GET", NEW + _q(selector))
    assert status == 200, listed
    assert [e["metadata"]["name"] for e in listed["items"]] == names


@pytest.mark.parametrize(
    ("path", "selector", "message"),
    [
        (NEW, "involvedObject.name=p", "field label not supported: involvedObject.name"),
        (CORE, "regarding.name=p", "field label not supported: regarding.name"),
        ("/api/v1/pods", "spec.foo=x", "field label not supported: spec.foo"),
        ("/api/v1/nodes", "metadata.namespace=x", "field label not supported: metadata.namespace"),
        (
            "/api/v1/configmaps",
            "data.k=v",
            '"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"',
        ),
        (
            "/apis/apps/v1/deployments",
            "spec.replicas=1",
            '"spec.replicas" is not a known field selector: only "metadata.name",'
            ' "metadata.namespace"',
        ),
        (
            "/apis/machineconfiguration.openshift.io/v1/machineconfigs",
            "metadata.namespace=x",
            "field label not supported: metadata.namespace",
        ),
    ],
    ids=["new-events", "core-events", "pods", "nodes", "default", "apps", "cluster-scoped-cr"],
)
def test_unsupported_field_labels_are_400(http, path, selector, message):
    status, _, body = http("GET", path + _q(selector))
    assert status == 400
    assert (body["reason"], body["message"]) == ("BadRequest", message)


def test_pod_field_selectors(http):
    pods = "/api/v1/namespaces/default/pods"
    for name, node, phase in (("a", "n1", "Running"), ("b", "n2", "Pending")):
        body = {"metadata": {"name": name}, "spec": {"nodeName": node, "containers": []}}
        http("POST", pods, body)
        http(
            "PATCH",
            f"{pods}/{name}/status",
            {"status": {"phase": phase}},
            "application/merge-patch+json",
        )
    for selector, names in (
        ("spec.nodeName=n1", ["a"]),
        ("status.phase!=Running", ["b"]),
        ("spec.host=n2", ["b"]),
        ("metadata.namespace=default,status.phase=Running", ["a"]),
    ):
        _, _, listed = http("GET", pods + _q(selector))
        assert [p["metadata"]["name"] for p in listed["items"]] == names, selector


def test_node_and_secret_field_selectors(http):
    http("POST", "/api/v1/nodes", {"metadata": {"name": "n1"}, "spec": {"unschedulable": True}})
    http("POST", "/api/v1/nodes", {"metadata": {"name": "n2"}})
    _, _, listed = http("GET", "/api/v1/nodes" + _q("spec.unschedulable=true"))
    assert [n["metadata"]["name"] for n in listed["items"]] == ["n1"]
    secrets = "/api/v1/namespaces/default/secrets"
    http("POST", secrets, {"metadata": {"name": "s1"}, "type": "kubernetes.io/tls"})
    http("POST", secrets, {"metadata": {"name": "s2"}, "type": "Opaque"})
    _, _, listed = http("GET", secrets + _q("type=Opaque"))
    assert [s["metadata"]["name"] for s in listed["items"]] == ["s2"]


def test_watch_with_an_unsupported_field_label_is_refused(http):
    status, _, body = http("GET", "/api/v1/pods?watch=1&" + _q("spec.foo=x")[1:])
    assert status == 400
    assert body["message"] == "field label not supported: spec.foo"


def test_events_k8s_io_create_is_strict(http):
    body = _new_event("bad")
    del body["eventTime"]
    body["type"] = "Info"
    body["deprecatedCount"] = 3
    body["deprecatedSource"] = {"component": "kubelet"}
    status, _, error = http("POST", NEW, body)
    assert status == 422
    assert error["message"].startswith('Event.events.k8s.io "bad" is invalid: [')
    assert [(c["field"], c["message"]) for c in error["details"]["causes"]] == [
        ("eventTime", "Required value"),
        ("type", 'Invalid value: "": has invalid value: Info'),
        ("count", 'Invalid value: "": needs to be unset'),
        ("source", 'Invalid value: "": needs to be unset'),
    ]


def test_new_style_events_need_reporting_fields(http):
    """An Event with eventTime set must name its reporter, action and reason (any version)."""
    body = {**_core_event("e20"), "eventTime": "2024-01-01T00:00:00.000000Z"}
    status, _, error = http("POST", CORE, body)
    assert status == 422
    assert [c["field"] for c in error["details"]["causes"]] == [
        "reportingController",
        "reportingInstance",
        "action",
    ]


def test_involved_object_namespace_must_match(http):
    body = _core_event("e21")
    body["involvedObject"]["namespace"] = "kube-system"
    status, _, error = http("POST", CORE, body)
    assert status == 422
    assert error["message"] == (
        'Event "e21" is invalid: involvedObject.namespace: Invalid value: "kube-system": does'
        " not match event.namespace"
    )


def test_namespace_deletion_removes_events_once(http):
    http("POST", "/api/v1/namespaces", {"metadata": {"name": "team"}})
    body = {
        **_core_event("e30"),
        "involvedObject": {"kind": "Pod", "name": "p", "namespace": "team"},
    }
    assert http("POST", "/api/v1/namespaces/team/events", body)[0] == 201
    _, _, listed = http("GET", "/apis/events.k8s.io/v1/namespaces/team/events")
    rv = listed["metadata"]["resourceVersion"]
    assert http("DELETE", "/api/v1/namespaces/team")[0] == 200
    events = http.lines(
        f"/apis/events.k8s.io/v1/namespaces/team/events?watch=1&resourceVersion={rv}"
        "&timeoutSeconds=1"
    )
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("DELETED", "e30")]
    assert http("GET", "/api/v1/namespaces/team/events")[2]["items"] == []


def test_crd_selectable_fields(http):
    """CRD ``versions[].selectableFields`` add field labels (CRDFieldSelectors, beta in 1.31)."""
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"plural": "widgets", "kind": "Widget"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": True,
                        }
                    },
                    "selectableFields": [{"jsonPath": ".spec.color"}],
                }
            ],
        },
    }
    assert http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)[0] == 201
    widgets = "/apis/example.com/v1/namespaces/default/widgets"
    for name, color in (("a", "red"), ("b", "blue")):
        body = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": name}}
        assert http("POST", widgets, {**body, "spec": {"color": color}})[0] == 201
    _, _, listed = http("GET", widgets + _q("spec.color=blue"))
    assert [w["metadata"]["name"] for w in listed["items"]] == ["b"]
    status, _, body = http("GET", widgets + _q("spec.size=1"))
    assert (status, body["message"]) == (400, "field label not supported: spec.size")
