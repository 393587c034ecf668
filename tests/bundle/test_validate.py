"""Every manifest validates: core kinds against Kubernetes' schemas (``kubernetes-validate``,
offline), custom resources against the bundle's own CRDs, OpenShift kinds against structural
schemas of the fields they must carry (``nto.testing.schema``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from nto.bundle import generate
from nto.bundle.names import FILE_PREFIX
from nto.testing import schema

kubernetes_validate = pytest.importorskip("kubernetes_validate")

KUBERNETES_VERSION = "1.33.0"
"""OpenShift 4.20's Kubernetes; kubernetes-validate ships its schemas."""

OPENSHIFT_KINDS = {"ClusterOperator", "ServiceMonitor", "PrometheusRule", "ImageStream"}


def _string_map() -> dict[str, Any]:
    return {"type": "object", "additionalProperties": {"type": "string"}}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _array(items: dict[str, Any], min_items: int = 1) -> dict[str, Any]:
    return {"type": "array", "minItems": min_items, "items": items}


STRING = {"type": "string"}
RULE = {
    "type": "object",
    "required": ["expr"],
    "properties": {
        "alert": STRING,
        "record": STRING,
        "expr": {"type": "string", "minLength": 1},
        "for": {"type": "string", "pattern": r"^[0-9]+(ms|s|m|h|d|w|y)$"},
        "labels": _string_map(),
        "annotations": _string_map(),
    },
    "oneOf": [{"required": ["alert"]}, {"required": ["record"]}],
}
TLS = _object(
    ["caFile", "serverName"], caFile=STRING, serverName=STRING, certFile=STRING, keyFile=STRING
)
STRUCTURE: dict[str, dict[str, Any]] = {
    "ClusterOperator": _object(
        ["spec", "status"],
        spec={"type": "object"},
        status=_object(
            ["relatedObjects", "versions"],
            relatedObjects=_array(
                _object(
                    ["group", "resource", "name"],
                    group=STRING,
                    resource={"type": "string", "minLength": 1},
                    name=STRING,
                    namespace=STRING,
                )
            ),
            versions=_array(_object(["name", "version"], name=STRING, version=STRING)),
        ),
    ),
    "ServiceMonitor": _object(
        ["spec"],
        spec=_object(
            ["endpoints", "selector"],
            endpoints=_array(
                _object(
                    ["port", "scheme", "tlsConfig"],
                    port=STRING,
                    interval={"type": "string", "pattern": r"^[0-9]+(s|m|h)$"},
                    scheme={"type": "string", "enum": ["http", "https"]},
                    tlsConfig=TLS,
                )
            ),
            selector=_object(["matchLabels"], matchLabels=_string_map()),
            namespaceSelector=_object(["matchNames"], matchNames=_array(STRING)),
            serviceDiscoveryRole={"type": "string", "enum": ["Endpoints", "EndpointSlice"]},
        ),
    ),
    "PrometheusRule": _object(
        ["spec"],
        spec=_object(
            ["groups"],
            groups=_array(
                _object(
                    ["name", "rules"], name={"type": "string", "minLength": 1}, rules=_array(RULE)
                )
            ),
        ),
    ),
    "ImageStream": _object(
        ["spec"],
        spec=_object(
            ["tags"],
            tags=_array(
                _object(
                    ["name", "from"],
                    name=STRING,
                    **{"from": _object(["kind", "name"], kind=STRING, name=STRING)},
                )
            ),
        ),
    ),
}


def _ids(items: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [
        f"{file}:{doc['kind']}:{doc.get('metadata', {}).get('name', '')}" for file, doc in items
    ]


def _bundle_documents() -> list[tuple[str, dict[str, Any]]]:
    from nto.plugins import build_plugin_host

    files = generate.build(build_plugin_host(disabled=()))
    return [(name.removeprefix(FILE_PREFIX), doc) for name, docs in files.items() for doc in docs]


DOCUMENTS = _bundle_documents()
CORE = [(f, d) for f, d in DOCUMENTS if d["kind"] not in OPENSHIFT_KINDS]
OPENSHIFT = [(f, d) for f, d in DOCUMENTS if d["kind"] in OPENSHIFT_KINDS]


def k8s_errors(doc: dict[str, Any]) -> str:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return str(error).splitlines()[0]
    return ""


@pytest.mark.parametrize(("file", "doc"), CORE, ids=_ids(CORE))
def test_core_kinds_validate_against_kubernetes_schemas(file, doc):
    assert k8s_errors(doc) == "", file


def test_the_openshift_kinds_are_the_only_ones_without_a_kubernetes_schema():
    kinds = {doc["kind"] for _, doc in DOCUMENTS}
    for kind in kinds - OPENSHIFT_KINDS:
        assert kind not in STRUCTURE
    assert {doc["kind"] for _, doc in OPENSHIFT} == OPENSHIFT_KINDS
    for kind in OPENSHIFT_KINDS:
        doc = next(d for _, d in OPENSHIFT if d["kind"] == kind)
        with pytest.raises(kubernetes_validate.SchemaNotFoundError):
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize(("file", "doc"), OPENSHIFT, ids=_ids(OPENSHIFT))
def test_openshift_kinds_have_their_required_structure(file, doc):
    errors = schema.validate(STRUCTURE[doc["kind"]], doc)
    assert [str(e) for e in errors] == [], file


def _crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    schemas = {}
    for _, doc in DOCUMENTS:
        if doc["kind"] != "CustomResourceDefinition":
            continue
        group, kind = doc["spec"]["group"], doc["spec"]["names"]["kind"]
        for version in doc["spec"]["versions"]:
            schemas[(f"{group}/{version['name']}", kind)] = version["schema"]["openAPIV3Schema"]
    return schemas


def test_custom_resources_validate_against_the_bundled_crds():
    schemas = _crd_schemas()
    assert ("tuned.openshift.io/v1", "Tuned") in schemas
    for file, doc in DOCUMENTS:
        key = (doc["apiVersion"], doc["kind"])
        if key in schemas:
            assert [str(e) for e in schema.validate(schemas[key], doc)] == [], file


def test_a_tuned_against_the_bundled_crd_is_checked():
    """The CRD check bites: a Tuned with a bad field type is rejected, a good one accepted."""
    tuned_schema = _crd_schemas()[("tuned.openshift.io/v1", "Tuned")]
    good = {
        "apiVersion": "tuned.openshift.io/v1",
        "kind": "Tuned",
        "metadata": {"name": "default", "namespace": "openshift-cluster-node-tuning-operator"},
        "spec": {
            "profile": [{"name": "p", "data": "[main]\n"}],
            "recommend": [{"priority": 1, "profile": "p"}],
        },
    }
    assert schema.validate(tuned_schema, good) == []
    bad = copy.deepcopy(good)
    bad["spec"]["recommend"][0]["priority"] = "high"
    assert schema.validate(tuned_schema, bad)


def _find(kind: str, name: str) -> dict[str, Any]:
    return copy.deepcopy(
        next(d for _, d in DOCUMENTS if d["kind"] == kind and d["metadata"]["name"] == name)
    )


def _break_port(doc: dict[str, Any]) -> None:
    doc["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "60000"


def _unknown_field(doc: dict[str, Any]) -> None:
    doc["spec"]["template"]["spec"]["hostUser"] = False


def _bad_verbs(doc: dict[str, Any]) -> None:
    doc["rules"][0]["verbs"] = "get"


@pytest.mark.parametrize(
    ("kind", "name", "damage", "message"),
    [
        pytest.param(
            "Deployment",
            "cluster-node-tuning-operator",
            _break_port,
            "not of type 'integer'",
            id="port-as-string",
        ),
        pytest.param(
            "Deployment",
            "cluster-node-tuning-operator",
            _unknown_field,
            "hostUser",
            id="misspelled-field",
        ),
        pytest.param(
            "ClusterRole",
            "cluster-node-tuning-operator",
            _bad_verbs,
            "not of type 'array'",
            id="verbs-not-a-list",
        ),
    ],
)
def test_kubernetes_validation_catches_broken_manifests(kind, name, damage, message):
    doc = _find(kind, name)
    assert k8s_errors(doc) == ""
    damage(doc)
    assert message in k8s_errors(doc)


@pytest.mark.parametrize(
    ("kind", "name", "path", "value", "field"),
    [
        pytest.param(
            "PrometheusRule",
            "node-tuning-operator",
            ("spec", "groups"),
            [],
            "spec.groups",
            id="no-groups",
        ),
        pytest.param(
            "ServiceMonitor",
            "node-tuning-operator",
            ("spec", "endpoints"),
            [{"port": "metrics"}],
            "spec.endpoints[0].scheme",
            id="no-scheme",
        ),
        pytest.param(
            "ClusterOperator",
            "node-tuning",
            ("status", "relatedObjects"),
            [{"group": ""}],
            "status.relatedObjects[0].resource",
            id="partial-related",
        ),
    ],
)
def test_structure_checks_catch_broken_openshift_objects(kind, name, path, value, field):
    doc = _find(kind, name)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    errors = schema.validate(STRUCTURE[kind], doc)
    assert any(error.field.startswith(field) for error in errors), [str(e) for e in errors]
