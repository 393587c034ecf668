"""Structural-schema validation, defaulting and pruning (nto.testing.schema), apiserver-worded."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from nto.testing.schema import (
    MAX_DEPTH,
    FieldError,
    apply_defaults,
    prune,
    unknown_fields,
    validate,
)


def wrap(spec_schema: dict[str, Any]) -> dict[str, Any]:
    """A CRD root schema whose ``spec`` is ``spec_schema``."""
    return {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec_schema,
        },
    }


def obj(spec: Any, **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "x.io/v1", "kind": "X", "metadata": {"name": "a"}, "spec": spec, **extra}


def field(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return wrap({"type": "object", "properties": {name: schema}})


def messages(schema: dict[str, Any], value: Any) -> list[str]:
    return [str(error) for error in validate(schema, value)]


# --- one keyword at a time: (schema of spec.x, value, expected "field: message" lines) ------

KEYWORD_CASES = [
    pytest.param({"type": "integer"}, 3, [], id="integer-ok"),
    pytest.param({"type": "integer"}, 3.0, [], id="integer-whole-float-ok"),
    pytest.param(
        {"type": "integer"},
        "3",
        ['spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"'],
        id="integer-got-string",
    ),
    pytest.param(
        {"type": "integer"},
        True,
        ['spec.x: Invalid value: "boolean": spec.x in body must be of type integer: "boolean"'],
        id="integer-got-bool",
    ),
    pytest.param(
        {"type": "integer"},
        1.5,
        ['spec.x: Invalid value: "number": spec.x in body must be of type integer: "number"'],
        id="integer-got-fraction",
    ),
    pytest.param({"type": "number"}, 2, [], id="number-accepts-integer"),
    pytest.param(
        {"type": "number"},
        math.nan,
        ['spec.x: Invalid value: "NaN": spec.x in body must be a finite number'],
        id="number-nan",
    ),
    pytest.param(
        {"type": "integer"},
        math.inf,
        ['spec.x: Invalid value: "number": spec.x in body must be of type integer: "number"'],
        id="integer-inf",
    ),
    pytest.param(
        {"type": "boolean"},
        1,
        ['spec.x: Invalid value: "integer": spec.x in body must be of type boolean: "integer"'],
        id="boolean-got-int",
    ),
    pytest.param(
        {"type": "string"},
        {"a": 1},
        ['spec.x: Invalid value: "object": spec.x in body must be of type string: "object"'],
        id="string-got-object",
    ),
    pytest.param(
        {"type": "array"},
        "a",
        ['spec.x: Invalid value: "string": spec.x in body must be of type array: "string"'],
        id="array-got-string",
    ),
    pytest.param(
        {"type": "object"},
        [],
        ['spec.x: Invalid value: "array": spec.x in body must be of type object: "array"'],
        id="object-got-array",
    ),
    pytest.param(
        {"type": "string"},
        None,
        ['spec.x: Invalid value: "null": spec.x in body must be of type string: "null"'],
        id="null-not-nullable",
    ),
    pytest.param({"type": "string", "nullable": True}, None, [], id="null-nullable"),
    pytest.param({"x-kubernetes-preserve-unknown-fields": True}, None, [], id="null-untyped"),
    pytest.param({"x-kubernetes-int-or-string": True}, 3, [], id="int-or-string-int"),
    pytest.param({"x-kubernetes-int-or-string": True}, "50%", [], id="int-or-string-str"),
    pytest.param(
        {"x-kubernetes-int-or-string": True},
        1.5,
        [
            'spec.x: Invalid value: "number": spec.x in body must be of type integer,string:'
            ' "number"'
        ],
        id="int-or-string-float",
    ),
    pytest.param(
        {"type": "string", "enum": ["Managed", "Removed"]},
        "Gone",
        ['spec.x: Unsupported value: "Gone": supported values: "Managed", "Removed"'],
        id="enum-string",
    ),
    pytest.param(
        {"type": "integer", "enum": [1, 2]},
        3,
        ['spec.x: Unsupported value: 3: supported values: "1", "2"'],
        id="enum-integer",
    ),
    pytest.param({"type": "integer", "enum": [1, 2]}, 2.0, [], id="enum-whole-float-matches"),
    pytest.param(
        {"type": "string", "pattern": "^(Managed|Removed)$"},
        "managed",
        ["spec.x: Invalid value: \"managed\": spec.x in body should match '^(Managed|Removed)$'"],
        id="pattern",
    ),
    pytest.param({"type": "string", "pattern": "b"}, "abc", [], id="pattern-unanchored-search"),
    pytest.param(
        {"type": "string", "pattern": "(unclosed"},
        "a",
        [
            "spec.x: Invalid value: \"a\": the schema's pattern '(unclosed' is broken: missing ),"
            " unterminated subpattern at position 0"
        ],
        id="pattern-broken",
    ),
    pytest.param(
        {"type": "string", "minLength": 3},
        "ab",
        ['spec.x: Invalid value: "ab": spec.x in body should be at least 3 chars long'],
        id="minLength",
    ),
    pytest.param(
        {"type": "string", "maxLength": 2},
        "abc",
        ["spec.x: Too long: may not be longer than 2"],
        id="maxLength",
    ),
    pytest.param({"type": "string", "maxLength": 2}, "日本", [], id="maxLength-counts-characters"),
    pytest.param(
        {"type": "integer", "minimum": 0},
        -1,
        ["spec.x: Invalid value: -1: spec.x in body should be greater than or equal to 0"],
        id="minimum",
    ),
    pytest.param(
        {"type": "integer", "minimum": 0, "exclusiveMinimum": True},
        0,
        ["spec.x: Invalid value: 0: spec.x in body should be greater than 0"],
        id="exclusiveMinimum",
    ),
    pytest.param(
        {"type": "integer", "maximum": 100000000},
        100000001,
        [
            "spec.x: Invalid value: 100000001: spec.x in body should be less than or equal to"
            " 100000000"
        ],
        id="maximum-integer-printed-whole",
    ),
    pytest.param(
        {"type": "number", "maximum": 1000000},
        1000000.5,
        [
            "spec.x: Invalid value: 1.0000005e+06: spec.x in body should be less than or equal"
            " to 1e+06"
        ],
        id="maximum-float-printed-like-go",
    ),
    pytest.param(
        {"type": "number", "maximum": 1.5, "exclusiveMaximum": True},
        1.5,
        ["spec.x: Invalid value: 1.5: spec.x in body should be less than 1.5"],
        id="exclusiveMaximum",
    ),
    pytest.param(
        {"type": "integer", "multipleOf": 4},
        6,
        ["spec.x: Invalid value: 6: spec.x in body should be a multiple of 4"],
        id="multipleOf",
    ),
    pytest.param({"type": "integer", "multipleOf": 4}, 8, [], id="multipleOf-ok"),
    pytest.param(
        {"type": "array", "minItems": 2},
        [1],
        ["spec.x: Invalid value: 1: spec.x in body should have at least 2 items"],
        id="minItems",
    ),
    pytest.param(
        {"type": "array", "maxItems": 1},
        [1, 2, 3],
        ["spec.x: Too many: 3: must have at most 1 items"],
        id="maxItems",
    ),
    pytest.param(
        {"type": "array", "uniqueItems": True},
        [1, True, 1],
        ['spec.x: Invalid value: "": spec.x in body shouldn\'t contain duplicates'],
        id="uniqueItems-bool-is-not-int",
    ),
    pytest.param({"type": "array", "uniqueItems": True}, [{"a": 1}, {"a": 2}], [], id="unique-ok"),
    pytest.param(
        {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        ["a", "b", "a"],
        ['spec.x[2]: Duplicate value: "a"'],
        id="list-type-set",
    ),
    pytest.param(
        {
            "type": "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["name", "port"],
            "items": {"type": "object"},
        },
        [{"name": "a", "port": 1}, {"name": "a", "port": 2}, {"name": "a", "port": 1, "x": 0}],
        ['spec.x[2]: Duplicate value: {"name":"a","port":1}'],
        id="list-type-map",
    ),
    pytest.param(
        {"type": "array", "x-kubernetes-list-type": "atomic"}, [1, 1], [], id="list-type-atomic"
    ),
    pytest.param(
        {"type": "object", "minProperties": 1},
        {},
        ["spec.x: Invalid value: 0: spec.x in body should have at least 1 properties"],
        id="minProperties",
    ),
    pytest.param(
        {"type": "object", "maxProperties": 1},
        {"a": 1, "b": 2},
        ["spec.x: Too many: 2: must have at most 1 items"],
        id="maxProperties",
    ),
    pytest.param(
        {"type": "object", "required": ["reserved", "isolated"]},
        {"reserved": "0"},
        ["spec.x.isolated: Required value"],
        id="required",
    ),
    pytest.param(
        {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
        {"a": "x", "b": 1},
        ["spec.x.b: Forbidden: unknown field"],
        id="additionalProperties-false",
    ),
    pytest.param(
        {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
        {"foo": 1, "bar.baz/qux": 0},
        [
            "spec.x.bar.baz/qux: Invalid value: 0: spec.x.bar.baz/qux in body should be greater"
            " than or equal to 1"
        ],
        id="additionalProperties-map-key-path",
    ),
    pytest.param(
        {"type": "string", "format": "int32"}, "not-checked", [], id="format-unknown-for-strings"
    ),
    pytest.param({"type": "integer", "format": "int32"}, 2**40, [], id="format-int32-ignored"),
    pytest.param(
        {"type": "string", "format": "uuid"},
        "nope",
        ['spec.x: Invalid value: "nope": spec.x in body must be of type uuid: "nope"'],
        id="format-uuid",
    ),
    pytest.param(
        {"type": "string", "format": "date-time"}, "2024-01-02T03:04:05Z", [], id="format-datetime"
    ),
    pytest.param(
        {"type": "string", "format": "date-time"},
        "2024-13-02T03:04:05Z",
        [
            'spec.x: Invalid value: "2024-13-02T03:04:05Z": spec.x in body must be of type'
            ' date-time: "2024-13-02T03:04:05Z"'
        ],
        id="format-datetime-bad-month",
    ),
    pytest.param(
        {"type": "string", "format": "byte"},
        "!!",
        ['spec.x: Invalid value: "!!": spec.x in body must be of type byte: "!!"'],
        id="format-byte",
    ),
    pytest.param({"type": "string", "format": "ipv4"}, "10.0.0.1", [], id="format-ipv4"),
    pytest.param(
        {"type": "string", "format": "ipv6"},
        "10.0.0.1",
        ['spec.x: Invalid value: "10.0.0.1": spec.x in body must be of type ipv6: "10.0.0.1"'],
        id="format-ipv6",
    ),
    pytest.param({"type": "string", "format": "cidr"}, "10.0.0.0/8", [], id="format-cidr"),
    pytest.param({"type": "string", "format": "made-up"}, "x", [], id="format-unknown-lax"),
]


@pytest.mark.parametrize(("schema", "value", "expected"), KEYWORD_CASES)
def test_keyword(schema: dict[str, Any], value: Any, expected: list[str]) -> None:
    assert messages(field("x", schema), obj({"x": value})) == expected


COMPOSITION_CASES = [
    pytest.param(
        {"anyOf": [{"required": ["a"]}, {"required": ["b"]}]},
        {"c": 1},
        [
            'spec: Invalid value: "": "spec" must validate at least one schema (anyOf)',
            "spec.a: Required value",
        ],
        id="anyOf-none",
    ),
    pytest.param({"anyOf": [{"required": ["a"]}, {"required": ["b"]}]}, {"b": 1}, [], id="anyOf"),
    pytest.param(
        {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
        {"a": 1, "b": 2},
        [
            'spec: Invalid value: "": "spec" must validate one and only one schema (oneOf).'
            " Found 2 valid alternatives"
        ],
        id="oneOf-two",
    ),
    pytest.param(
        {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
        {},
        [
            'spec: Invalid value: "": "spec" must validate one and only one schema (oneOf).'
            " Found none valid",
            "spec.a: Required value",
        ],
        id="oneOf-none",
    ),
    pytest.param({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, {"a": 1}, [], id="oneOf"),
    pytest.param(
        {"allOf": [{"required": ["a"]}, {"required": ["b"]}]},
        {"a": 1},
        [
            'spec: Invalid value: "": "spec" must validate all the schemas (allOf)',
            "spec.b: Required value",
        ],
        id="allOf-one-fails",
    ),
    pytest.param(
        {"not": {"required": ["forbidden"]}},
        {"forbidden": 1},
        ['spec: Invalid value: "": "spec" must not validate the schema (not)'],
        id="not",
    ),
    pytest.param(
        {
            "properties": {
                "v": {
                    "anyOf": [{"type": "integer"}, {"type": "string"}],
                    "x-kubernetes-int-or-string": True,
                }
            }
        },
        {"v": "1"},
        [],
        id="int-or-string-with-anyOf",
    ),
]


@pytest.mark.parametrize(("schema", "spec", "expected"), COMPOSITION_CASES)
def test_composition(schema: dict[str, Any], spec: Any, expected: list[str]) -> None:
    assert messages(wrap({"type": "object", **schema}), obj(spec)) == expected


# --- paths --------------------------------------------------------------------------------

PROFILE_SCHEMA = wrap(
    {
        "type": "object",
        "required": ["cpu"],
        "properties": {
            "cpu": {
                "type": "object",
                "required": ["reserved"],
                "properties": {"reserved": {"type": "string"}, "isolated": {"type": "string"}},
            },
            "recommend": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "priority": {"type": "integer", "minimum": 0},
                        "match": {
                            "type": "array",
                            "items": {"type": "object", "required": ["label"]},
                        },
                    },
                },
            },
            "machineConfigLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
)


def test_paths_follow_kube_openapi() -> None:
    spec = {
        "cpu": {"isolated": "1"},
        "recommend": [{"priority": 1}, {"priority": -5, "match": [{}, {"label": "a"}, {}]}],
        "machineConfigLabels": {"ok": "x", "foo": 3},
    }
    assert [error.field for error in validate(PROFILE_SCHEMA, obj(spec))] == [
        "spec.cpu.reserved",
        "spec.recommend[1].priority",
        "spec.recommend[1].match[0].label",
        "spec.recommend[1].match[2].label",
        "spec.machineConfigLabels.foo",
    ]


def test_field_error_shape_and_reasons() -> None:
    schema = field(
        "x", {"type": "array", "maxItems": 0, "items": {"type": "string", "enum": ["a"]}}
    )
    errors = validate(schema, obj({"x": ["b"]}))
    assert errors == [
        FieldError(
            "spec.x[0]", 'Unsupported value: "b": supported values: "a"', "FieldValueNotSupported"
        ),
        FieldError("spec.x", "Too many: 1: must have at most 0 items", "FieldValueTooMany"),
    ]
    assert str(errors[0]) == 'spec.x[0]: Unsupported value: "b": supported values: "a"'
    required = validate(PROFILE_SCHEMA, obj({}))
    assert required == [FieldError("spec.cpu", "Required value", "FieldValueRequired")]


# --- root and metadata --------------------------------------------------------------------

ROOT_CASES = [
    pytest.param(
        [1],
        ['Invalid value: "array": body must be of type object: "array"'],
        id="root-array",
    ),
    pytest.param(None, ['Invalid value: "null": body must be of type object: "null"'], id="none"),
    pytest.param("x", ['Invalid value: "string": body must be of type object: "string"'], id="str"),
    pytest.param(obj({}, metadata={"name": "ok.name-1"}), [], id="name-ok"),
    pytest.param(obj({}, metadata={"generateName": "x-"}), [], id="name-absent"),
    pytest.param(
        obj({}, metadata={"name": "Bad_Name"}),
        [
            'metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must '
            "consist of lower case alphanumeric characters, '-' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ],
        id="name-bad",
    ),
    pytest.param(
        obj({}, metadata={"name": "a" * 254}),
        [f'metadata.name: Invalid value: "{"a" * 254}": must be no more than 253 characters'],
        id="name-too-long",
    ),
    pytest.param(
        obj({}, metadata={"name": 5}),
        [
            'metadata.name: Invalid value: "integer": metadata.name in body must be of type'
            ' string: "integer"'
        ],
        id="name-not-string",
    ),
    pytest.param(
        obj({}, metadata=[]),
        ['metadata: Invalid value: "array": metadata in body must be of type object: "array"'],
        id="metadata-not-object",
    ),
    pytest.param(obj({}, metadata={"labels": 5, "x": 1}), [], id="metadata-not-schema-checked"),
]


@pytest.mark.parametrize(("value", "expected"), ROOT_CASES)
def test_root(value: Any, expected: list[str]) -> None:
    assert messages(wrap({"type": "object"}), value) == expected


def test_root_metadata_name_schema_is_applied() -> None:
    schema = wrap({"type": "object"})
    schema["properties"]["metadata"] = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 5}},
    }
    assert messages(schema, obj({}, metadata={"name": "toolong"})) == [
        "metadata.name: Too long: may not be longer than 5"
    ]


EMBEDDED = field(
    "template",
    {
        "type": "object",
        "x-kubernetes-embedded-resource": True,
        "x-kubernetes-preserve-unknown-fields": True,
    },
)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}, [], id="ok"),
        pytest.param(
            {},
            [
                "spec.template.apiVersion: Required value: must not be empty",
                "spec.template.kind: Required value: must not be empty",
            ],
            id="missing",
        ),
        pytest.param(
            {"apiVersion": 1, "kind": "", "metadata": {"name": "UP"}},
            [
                "spec.template.apiVersion: Invalid value: 1: must be a string",
                'spec.template.kind: Invalid value: "": must not be empty',
                'spec.template.metadata.name: Invalid value: "UP": a lowercase RFC 1123 subdomain',
            ],
            id="wrong",
        ),
    ],
)
def test_embedded_resource(template: dict[str, Any], expected: list[str]) -> None:
    got = messages(EMBEDDED, obj({"template": template}))
    assert [line[: len(want)] for line, want in zip(got, expected, strict=False)] == expected
    assert len(got) == len(expected)


def test_int_formats_opt_in() -> None:
    schema = field("x", {"type": "array", "items": {"type": "integer", "format": "int32"}})
    value = obj({"x": [1, 2**31]})
    assert validate(schema, value) == []
    assert [str(e) for e in validate(schema, value, int_formats=True)] == [
        "spec.x[1]: Invalid value: 2147483648: spec.x[1] in body must be of type int32: 2147483648"
    ]


# --- defaults -----------------------------------------------------------------------------

DEFAULTS_SCHEMA = wrap(
    {
        "type": "object",
        "properties": {
            "replicas": {"type": "integer", "default": 1},
            "mode": {"type": "string", "default": "auto"},
            "nullableWithDefault": {"type": "string", "nullable": True, "default": "d"},
            "nested": {
                "type": "object",
                "default": {},
                "properties": {"level": {"type": "integer", "default": 3}},
            },
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"weight": {"type": "integer", "default": 10}},
                },
            },
            "byName": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {"on": {"type": "boolean", "default": True}},
                },
            },
            "list": {"type": "array", "default": ["a"]},
            "nodefault": {"type": "string"},
        },
    }
)

DEFAULT_CASES = [
    pytest.param(
        {},
        {
            "replicas": 1,
            "mode": "auto",
            "nullableWithDefault": "d",
            "nested": {"level": 3},
            "list": ["a"],
        },
        id="empty-spec-gets-nested-defaults",
    ),
    pytest.param(
        {"replicas": 0, "mode": "", "list": [], "nested": {"level": 0}},
        {"replicas": 0, "mode": "", "list": [], "nested": {"level": 0}, "nullableWithDefault": "d"},
        id="present-falsy-values-kept",
    ),
    pytest.param(
        {"replicas": None, "nullableWithDefault": None},
        {"replicas": 1, "nullableWithDefault": None},
        id="null-non-nullable-defaulted-nullable-kept",
    ),
    pytest.param(
        {"items": [{}, {"weight": 2}], "byName": {"a": {}, "b": {"on": False}}},
        {
            "items": [{"weight": 10}, {"weight": 2}],
            "byName": {"a": {"on": True}, "b": {"on": False}},
        },
        id="array-items-and-map-values",
    ),
]


@pytest.mark.parametrize(("spec", "expected_subset"), DEFAULT_CASES)
def test_defaults(spec: dict[str, Any], expected_subset: dict[str, Any]) -> None:
    original = obj(spec)
    snapshot = json.dumps(original, sort_keys=True)
    result = apply_defaults(DEFAULTS_SCHEMA, original)
    assert json.dumps(original, sort_keys=True) == snapshot, "input must not change"
    for key, value in expected_subset.items():
        assert result["spec"][key] == value, key
    assert "nodefault" not in result["spec"]


def test_defaults_are_copies() -> None:
    first = apply_defaults(DEFAULTS_SCHEMA, obj({}))
    first["spec"]["list"].append("mutated")
    assert apply_defaults(DEFAULTS_SCHEMA, obj({}))["spec"]["list"] == ["a"]
    assert DEFAULTS_SCHEMA["properties"]["spec"]["properties"]["list"]["default"] == ["a"]


def test_defaults_fill_absent_spec_only_when_it_has_a_default() -> None:
    assert "spec" not in apply_defaults(DEFAULTS_SCHEMA, {"kind": "X"})


# --- pruning ------------------------------------------------------------------------------

PRUNE_SCHEMA = wrap(
    {
        "type": "object",
        "properties": {
            "known": {"type": "string"},
            "free": {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                "properties": {"typed": {"type": "object", "properties": {"a": {}}}},
            },
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"n": {"type": "integer"}}},
            },
            "nullable": {"type": "string", "nullable": True},
            "defaulted": {"type": "string", "default": "d"},
            "template": {
                "type": "object",
                "x-kubernetes-embedded-resource": True,
                "properties": {"spec": {"type": "object"}},
            },
        },
    }
)


def test_prune() -> None:
    source = obj(
        {
            "known": "k",
            "unknown": {"deep": 1},
            "free": {"anything": [1, {"x": 2}], "typed": {"a": 1, "b": 2}},
            "labels": {"a": "b"},
            "items": [{"n": 1, "junk": True}, "not-an-object"],
            "nullable": None,
            "defaulted": None,
            "known2": None,
            "template": {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p", "bad": 1},
                "spec": {},
                "status": {},
            },
        },
        status={"x": 1},
        extra=1,
    )
    source["metadata"]["unknownMeta"] = 1
    snapshot = json.dumps(source, sort_keys=True)
    result = prune(PRUNE_SCHEMA, source)
    assert json.dumps(source, sort_keys=True) == snapshot, "input must not change"
    assert result == obj(
        {
            "known": "k",
            "free": {"anything": [1, {"x": 2}], "typed": {"a": 1}},
            "labels": {"a": "b"},
            "items": [{"n": 1}, "not-an-object"],
            "nullable": None,
            "defaulted": None,
            "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}},
        }
    )
    assert unknown_fields(PRUNE_SCHEMA, source) == [
        "metadata.unknownMeta",
        "spec.unknown",
        "spec.free.typed.b",
        "spec.items[0].junk",
        "spec.known2",
        "spec.template.metadata.bad",
        "spec.template.status",
        "status",
        "extra",
    ]


def test_prune_preserve_unknown_at_root() -> None:
    schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    value = {"apiVersion": "v1", "kind": "X", "anything": {"goes": [1]}}
    assert prune(schema, value) == value
    assert unknown_fields(schema, value) == []


def test_prune_then_default_then_validate_pipeline() -> None:
    value = obj({"replicas": None, "junk": 1})
    result = apply_defaults(DEFAULTS_SCHEMA, prune(DEFAULTS_SCHEMA, value))
    assert result["spec"]["replicas"] == 1
    assert "junk" not in result["spec"]
    assert validate(DEFAULTS_SCHEMA, result) == []


# --- hostile input ------------------------------------------------------------------------


def nested(depth: int, leaf: Any = None) -> Any:
    value: Any = leaf if leaf is not None else {}
    for _ in range(depth):
        value = {"a": value}
    return value


def nested_schema(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def test_depth_1000_is_reported_not_crashed() -> None:
    schema, value = nested_schema(1000), nested(1000)
    errors = validate(schema, value)
    assert len(errors) == 1
    assert errors[0].message == f'Invalid value: "object": nested deeper than {MAX_DEPTH} levels'
    assert errors[0].field.count("a") == MAX_DEPTH + 1
    assert prune(schema, value) is not value
    assert apply_defaults(schema, value) is not value
    assert unknown_fields(schema, value) == []


def test_depth_1000_under_preserve_unknown_fields_is_copied() -> None:
    schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    value = nested(10_000, leaf={"end": True})
    assert validate(schema, value) == []
    copy = prune(schema, value)
    node = copy
    for _ in range(10_000):
        node = node["a"]
    assert node == {"end": True}


def test_huge_list_is_fast_enough() -> None:
    schema = field(
        "x",
        {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "integer"}},
    )
    value = obj({"x": list(range(100_000))})
    assert validate(schema, value) == []  # a quadratic walk would hit the test timeout
    prune(schema, value)
    apply_defaults(schema, value)


def test_huge_list_of_errors() -> None:
    schema = field("x", {"type": "array", "items": {"type": "integer"}})
    errors = validate(schema, obj({"x": ["s"] * 20_000}))
    assert len(errors) == 20_000
    assert errors[-1].field == "spec.x[19999]"


HOSTILE_SCHEMAS = [
    pytest.param({"type": 5}, id="type-not-string"),
    pytest.param({"type": "object", "properties": []}, id="properties-list"),
    pytest.param({"type": "object", "properties": {"spec": "nope"}}, id="property-not-schema"),
    pytest.param({"type": "object", "required": "spec"}, id="required-string"),
    pytest.param({"type": "object", "required": [1, None]}, id="required-non-strings"),
    pytest.param({"properties": {"spec": {"minLength": "x", "maximum": True}}}, id="bad-bounds"),
    pytest.param({"properties": {"spec": {"anyOf": "x", "oneOf": [1], "not": 3}}}, id="bad-ofs"),
    pytest.param({"properties": {"spec": {"enum": "abc"}}}, id="enum-string"),
    pytest.param({"properties": {"spec": {"multipleOf": 0}}}, id="multiple-zero"),
    pytest.param({"properties": {"spec": {"x-kubernetes-list-type": "map"}}}, id="map-no-keys"),
    pytest.param([], id="schema-list"),
]

HOSTILE_VALUES = [
    pytest.param({"spec": {"x": [None, {}, "é\u0000\ud800"]}}, id="unicode-and-nulls"),
    pytest.param({"spec": 10**400}, id="huge-int"),
    pytest.param({"spec": math.nan}, id="nan"),
    pytest.param({"spec": (1, 2)}, id="tuple"),
    pytest.param({"spec": {1: "int-key"}}, id="int-key"),
    pytest.param({"spec": object()}, id="foreign-object"),
    pytest.param({"metadata": {"name": "x" * 100_000}}, id="huge-name"),
]


@pytest.mark.parametrize("schema", HOSTILE_SCHEMAS)
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_input_never_raises(schema: Any, value: dict[str, Any]) -> None:
    for error in validate(schema, value):
        assert isinstance(error, FieldError)
        assert isinstance(error.message, str)
    prune(schema, value)
    apply_defaults(schema, value)
    unknown_fields(schema, value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"spec": {"v": 10**400}}, [], id="huge-int-against-bounds"),
        pytest.param({"spec": {"v": -(10**400)}}, ["spec.v: Invalid value: -1"], id="huge-neg"),
    ],
)
def test_huge_integers_compare_exactly(value: dict[str, Any], expected: list[str]) -> None:
    schema = wrap(
        {"type": "object", "properties": {"v": {"type": "integer", "minimum": 0, "multipleOf": 5}}}
    )
    got = messages(schema, value)
    assert [line[: len(want)] for line, want in zip(got, expected, strict=False)] == expected
    assert len(got) == len(expected)


def test_validation_of_a_typical_resource() -> None:
    """Speed is measured by ``make bench``; here only the verdict counts."""
    value = obj(
        {
            "cpu": {"reserved": "0-1", "isolated": "2-63"},
            "recommend": [{"priority": i, "match": [{"label": f"l{i}"}]} for i in range(20)],
            "machineConfigLabels": {f"k{i}": "v" for i in range(40)},
        }
    )
    assert 1500 < len(json.dumps(value)) < 8000
    assert validate(PROFILE_SCHEMA, value) == []
