"""Fidelity: ``Status`` errors carry kube-apiserver's exact message, reason, code and details.

Clients match on these: kubectl prints ``message`` verbatim (``Error from server (NotFound):
pods "nope" not found``), client-go's ``apierrors.IsNotFound``/``IsConflict`` read ``reason``,
controllers read ``details.causes``. The wording comes from k8s.io/apimachinery
``pkg/api/errors/errors.go``:

- ``NewNotFound(qualifiedResource, name)``: ``"%s %q not found"`` with the GroupResource
  (``pods``, ``deployments.apps``) and details ``{name, group, kind: <resource>}``;
- ``NewAlreadyExists``: ``"%s %q already exists"``, reason ``AlreadyExists``;
- ``NewConflict``: ``"Operation cannot be fulfilled on %s %q: %v"``; the registry's optimistic
  concurrency error reads ``the object has been modified; please apply your changes to the latest
  version and try again``;
- ``NewInvalid(qualifiedKind, name, errs)``: ``"%s %q is invalid: %v"`` with the GroupKind
  (``ConfigMap``, ``Deployment.apps``: no "core"), ``errs.ToAggregate()`` (one error as is,
  several in ``[...]``), and one cause per field error whose message is ``ErrorBody()``.

``%q`` is Go's double-quoted string; ``StatusDetails.group`` is ``omitempty`` so the core group
leaves it out. See also the API conventions, "Response Status Kind"
(community/contributors/devel/sig-architecture/api-conventions.md).
"""

from __future__ import annotations

import urllib.parse

import pytest

from tests.testing.conftest import MERGE, configmap

CMS = "/api/v1/namespaces/default/configmaps"
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def _status(body):
    return {k: body.get(k) for k in ("kind", "status", "code", "reason", "message", "details")}


def test_not_found_core_kind(http):
    """``kubectl get pod nope``: ``pods "nope" not found``, details without a group."""
    status, _, body = http("GET", "/api/v1/namespaces/default/pods/nope")
    assert status == 404
    assert _status(body) == {
        "kind": "Status",
        "status": "Failure",
        "code": 404,
        "reason": "NotFound",
        "message": 'pods "nope" not found',
        "details": {"name": "nope", "kind": "pods"},
    }


def test_not_found_names_the_group(http):
    status, _, body = http("DELETE", f"{DEPLOYMENTS}/web")
    assert status == 404
    assert body["message"] == 'deployments.apps "web" not found'
    assert body["details"] == {"name": "web", "group": "apps", "kind": "deployments"}


def test_already_exists(http):
    http("POST", CMS, configmap("a"))
    status, _, body = http("POST", CMS, configmap("a"))
    assert status == 409
    assert body["reason"] == "AlreadyExists"
    assert body["message"] == 'configmaps "a" already exists'
    assert body["details"] == {"name": "a", "kind": "configmaps"}


def test_conflict_on_stale_resource_version(http):
    _, _, created = http("POST", CMS, configmap("a"))
    http("PATCH", f"{CMS}/a", {"data": {"k": "v2"}}, MERGE)
    stale = {**created, "data": {"k": "v3"}}
    status, _, body = http("PUT", f"{CMS}/a", stale)
    assert status == 409
    assert body["reason"] == "Conflict"
    assert body["message"] == (
        'Operation cannot be fulfilled on configmaps "a": the object has been modified;'
        " please apply your changes to the latest version and try again"
    )
    assert body["details"] == {"name": "a", "kind": "configmaps"}


def test_invalid_uses_group_kind_and_cause_bodies(http):
    """One field error: the message is ``<GroupKind> "<name>" is invalid: <field>: <body>``."""
    status, _, body = http("POST", CMS, configmap("Bad_Name"))
    assert status == 422
    assert body["reason"] == "Invalid"
    assert body["message"].startswith(
        'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": '
    )
    assert "core" not in body["message"]
    assert body["details"]["name"] == "Bad_Name"
    assert body["details"]["kind"] == "ConfigMap"
    assert "group" not in body["details"]
    (cause,) = body["details"]["causes"]
    assert cause["reason"] == "FieldValueInvalid"
    assert cause["field"] == "metadata.name"
    assert cause["message"].startswith('Invalid value: "Bad_Name": a lowercase RFC 1123')


def test_invalid_in_a_named_group(http):
    body = {"metadata": {"name": "a/b"}, "spec": {}}
    status, _, error = http("POST", DEPLOYMENTS, body)
    assert status == 422
    assert error["message"].startswith('Deployment.apps "a/b" is invalid: metadata.name:')
    assert error["details"]["group"] == "apps"
    assert error["details"]["kind"] == "Deployment"


def test_invalid_aggregates_several_errors_in_brackets(http):
    """``ToAggregate`` prints several field errors as ``[a, b]``."""
    body = {"metadata": {"generateName": "Bad/"}}
    status, _, error = http("POST", CMS, body)
    assert status == 422
    summary = error["message"].split(" is invalid: ", 1)[1]
    assert summary.startswith('[metadata.generateName: Invalid value: "Bad/": ')
    assert summary.endswith("]")
    fields = [cause["field"] for cause in error["details"]["causes"]]
    assert fields == ["metadata.generateName", "metadata.name"]


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("with space", '"with space"'), ('quo"te', '"quo\\"te"')],
    ids=["space", "quote"],
)
def test_names_are_go_quoted(http, name, quoted):
    """``%q`` escapes like Go (and JSON): a double quote becomes ``\\"``."""
    _, _, body = http("GET", f"{CMS}/{urllib.parse.quote(name)}")
    assert body["message"] == f"configmaps {quoted} not found"


def test_dry_run_is_refused_rather_than_written(http, emulated_cluster):
    """The emulator has no dry-run path: it says so instead of writing the object."""
    status, _, body = http("POST", f"{CMS}?dryRun=All", configmap("dry"))
    assert status == 400
    assert "dryRun='All' is not supported by the emulated API server" in body["message"]
    assert emulated_cluster.get("v1", "ConfigMap", "dry", "default") is None


def test_body_and_url_disagree(http):
    """``checkName`` and ``EnsureObjectNamespaceMatchesRequestNamespace`` in the apiserver."""
    http("POST", CMS, configmap("a"))
    status, _, body = http("PUT", f"{CMS}/a", configmap("b"))
    assert (status, body["reason"]) == (400, "BadRequest")
    assert body["message"] == "the name of the object (b) does not match the name on the URL (a)"
    status, _, body = http("POST", CMS, configmap("c", namespace="kube-system"))
    assert (status, body["message"]) == (
        400,
        "the namespace of the provided object does not match the namespace sent on the request",
    )


def test_delete_precondition_conflict(http):
    """A failed precondition is etcd3's invalid-object error inside a Conflict."""
    _, _, created = http("POST", CMS, configmap("a"))
    uid = created["metadata"]["uid"]
    options = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "other"}}
    status, _, body = http("DELETE", f"{CMS}/a", options)
    assert (status, body["reason"]) == (409, "Conflict")
    assert body["message"] == (
        'Operation cannot be fulfilled on configmaps "a": StorageError: invalid object, Code: 4,'
        " Key: /registry/configmaps/default/a, ResourceVersion: 0, AdditionalErrorMsg:"
        f" Precondition failed: UID in precondition: other, UID in object meta: {uid}"
    )
    assert http("GET", f"{CMS}/a")[0] == 200
