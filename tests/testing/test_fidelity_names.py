"""Fidelity: object names are validated per kind, with apimachinery's messages, before storing.

Sources (kubernetes/kubernetes):

- ``staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go``
  ``ValidateObjectMetaAccessor``: ``metadata.name: Required value: name or generateName is
  required``; each message of the name rule is a ``field.Invalid`` on ``metadata.name`` (and
  on ``metadata.generateName`` when it is checked as a prefix, with a trailing ``-`` allowed);
- ``staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go``: ``IsDNS1123Subdomain``
  (253 characters), ``IsDNS1123Label`` (63), ``IsDNS1035Label`` (63, starts with a letter),
  ``MaxLenError`` ``must be no more than %d characters``, ``RegexError`` with its examples;
- ``staging/src/k8s.io/apimachinery/pkg/api/validation/path/name.go``
  ``IsValidPathSegmentName``: ``may not be '.'``, ``may not contain '/'``;
- per kind: ``ValidateNamespaceName`` = DNS-1123 label, ``ValidateServiceName`` = DNS-1035 label,
  ``ValidateRBACName`` = path segment, everything else here (ConfigMap, Pod, Node, Deployment,
  custom resources, ...) = DNS-1123 subdomain; a CRD must be named
  ``<spec.names.plural>.<spec.group>``;
- ``staging/src/k8s.io/apiserver/pkg/storage/names/generate.go``: generated names are the prefix
  cut to 58 characters plus 5 random characters.
"""

from __future__ import annotations

import pytest

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
    " '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used"
    " for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and"
    " must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex"
    " used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035 = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
    " alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or"
    " 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
CMS = "/api/v1/namespaces/default/configmaps"


def _causes(body):
    return [(c["field"], c["message"]) for c in body["details"]["causes"]]


@pytest.mark.parametrize(
    ("path", "kind", "name", "detail"),
    [
        (CMS, "ConfigMap", "a/b", SUBDOMAIN),
        (CMS, "ConfigMap", "UPPER", SUBDOMAIN),
        ("/api/v1/nodes", "Node", "-node", SUBDOMAIN),
        ("/api/v1/namespaces", "Namespace", "has.dot", LABEL),
        ("/api/v1/namespaces/default/services", "Service", "1svc", DNS1035),
        (
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            "ClusterRole.rbac.authorization.k8s.io",
            "a/b",
            "may not contain '/'",
        ),
        (
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            "ClusterRole.rbac.authorization.k8s.io",
            "..",
            "may not be '..'",
        ),
        (
            "/apis/machineconfiguration.openshift.io/v1/machineconfigs",
            "MachineConfig.machineconfiguration.openshift.io",
            "a%b",
            SUBDOMAIN,
        ),
    ],
    ids=[
        "slash-subdomain",
        "upper-subdomain",
        "leading-dash-node",
        "namespace-label",
        "service-dns1035",
        "rbac-slash",
        "rbac-dotdot",
        "custom-resource",
    ],
)
def test_invalid_names_are_refused(http, path, kind, name, detail):
    status, _, body = http("POST", path, {"metadata": {"name": name}})
    assert status == 422, body
    assert body["message"] == f'{kind} "{name}" is invalid: metadata.name: Invalid value:' + (
        f' "{name}": {detail}'
    )
    assert _causes(body) == [("metadata.name", f'Invalid value: "{name}": {detail}')]
    assert http("GET", path)[2]["items"] == [] or all(
        item["metadata"]["name"] != name for item in http("GET", path)[2]["items"]
    )


def test_rbac_names_may_hold_colons(http):
    """``system:controller:x`` is a valid RBAC name (path segment), not a DNS subdomain."""
    path = "/apis/rbac.authorization.k8s.io/v1/clusterroles"
    status, _, body = http("POST", path, {"metadata": {"name": "system:controller:x"}})
    assert status == 201, body


def test_too_long_names_report_length_and_pattern(http):
    name = "a" * 254
    status, _, body = http("POST", CMS, {"metadata": {"name": name}})
    assert status == 422
    assert _causes(body) == [
        ("metadata.name", f'Invalid value: "{name}": must be no more than 253 characters')
    ]
    status, _, body = http("POST", "/api/v1/namespaces", {"metadata": {"name": "n" * 64}})
    assert _causes(body)[0][1].endswith("must be no more than 63 characters")


def test_missing_name_and_generate_name(http):
    status, _, body = http("POST", CMS, {"metadata": {}})
    assert status == 422
    assert body["message"] == (
        'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'
    )
    assert body["details"]["causes"] == [
        {
            "reason": "FieldValueRequired",
            "message": "Required value: name or generateName is required",
            "field": "metadata.name",
        }
    ]


def test_generate_name_is_a_prefix_with_a_trailing_dash(http):
    status, _, body = http("POST", CMS, {"metadata": {"generateName": "job-"}})
    assert status == 201
    name = body["metadata"]["name"]
    assert name.startswith("job-")
    assert len(name) == len("job-") + 5
    assert body["metadata"]["generateName"] == "job-"


def test_generate_name_prefix_is_cut_to_58_characters(http):
    prefix = "p" * 80
    status, _, body = http("POST", CMS, {"metadata": {"generateName": prefix}})
    assert status == 201
    assert len(body["metadata"]["name"]) == 63
    assert body["metadata"]["name"].startswith("p" * 58)


def test_invalid_generate_name(http):
    status, _, body = http("POST", CMS, {"metadata": {"generateName": "Job-"}})
    assert status == 422
    fields = [field for field, _ in _causes(body)]
    assert fields == ["metadata.generateName", "metadata.name"]
    assert _causes(body)[0] == ("metadata.generateName", f'Invalid value: "Job-": {SUBDOMAIN}')


def test_crd_name_must_be_plural_dot_group(http):
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.other.io"},
        "spec": {
            "group": "example.com",
            "names": {"plural": "widgets", "kind": "Widget"},
            "scope": "Namespaced",
            "versions": [{"name": "v1", "served": True, "storage": True}],
        },
    }
    status, _, body = http("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    assert status == 422
    assert _causes(body) == [
        (
            "metadata.name",
            'Invalid value: "widgets.other.io": must be spec.names.plural+"."+spec.group',
        )
    ]


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        ("a%2Fb", "Name parameter invalid: \"a/b\": may not contain '/'"),
        ("a%25b", "Name parameter invalid: \"a%b\": may not contain '%'"),
    ],
    ids=["slash", "percent"],
)
def test_names_on_urls_must_be_path_segments(http, segment, message):
    """The registry's key function refuses such names with 400 before looking anything up."""
    for method in ("GET", "DELETE"):
        status, _, body = http(method, f"{CMS}/{segment}")
        assert (status, body["reason"], body["message"]) == (400, "BadRequest", message)
