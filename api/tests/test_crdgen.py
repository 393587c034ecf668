"""The generated CRDs: structure, versions, conversion, columns, schemas, and committed files."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest
import yaml

from nto_api import SchemaGenerationError, load_crds
from nto_api._schemagen import object_schema
from nto_api.crdgen import DEPRECATION_WARNINGS, dump_crd, render_crds

REPO = Path(__file__).resolve().parents[2]
CRD_DIR = REPO / "api" / "nto_api" / "crds"
PLUGIN_CRD_DIR = REPO / "plugins" / "performance" / "nto_performance" / "crds"
CORE_CRDS = {name: crd for name, crd in render_crds().items() if name.startswith("tuned.")}
CRDS = render_crds()
CRD_FILES = tuple(CRDS)
"""The generated file names, in the order `render_crds` lists them."""
PP = CRDS["performance.openshift.io_performanceprofiles.yaml"]
TUNED = CRDS["tuned.openshift.io_tuneds.yaml"]
PROFILE = CRDS["tuned.openshift.io_profiles.yaml"]
RELEASE = {
    f"include.release.openshift.io/{p}": "true"
    for p in (
        "hypershift",
        "ibm-cloud-managed",
        "self-managed-high-availability",
        "single-node-developer",
    )
}


def _version(crd: dict[str, Any], name: str) -> dict[str, Any]:
    return next(v for v in crd["spec"]["versions"] if v["name"] == name)


def _schema(crd: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = _version(crd, name)["schema"]["openAPIV3Schema"]
    return schema


def _at(schema: dict[str, Any], path: str) -> dict[str, Any]:
    node = schema
    for part in path.split("."):
        node = node["items"] if part == "[]" else node["properties"][part]
    return node


@pytest.mark.parametrize(
    ("crd", "name", "kind", "plural", "scope", "cabundle"),
    [
        pytest.param(
            TUNED, "tuneds.tuned.openshift.io", "Tuned", "tuneds", "Namespaced", False, id="tuned"
        ),
        pytest.param(
            PROFILE,
            "profiles.tuned.openshift.io",
            "Profile",
            "profiles",
            "Namespaced",
            False,
            id="profile",
        ),
        pytest.param(
            PP,
            "performanceprofiles.performance.openshift.io",
            "PerformanceProfile",
            "performanceprofiles",
            "Cluster",
            True,
            id="performanceprofile",
        ),
    ],
)
def test_crd_identity_and_annotations(
    crd: dict[str, Any], name: str, kind: str, plural: str, scope: str, cabundle: bool
) -> None:
    assert crd["apiVersion"] == "apiextensions.k8s.io/v1"
    assert crd["kind"] == "CustomResourceDefinition"
    assert crd["metadata"]["name"] == name
    assert crd["spec"]["names"] == {
        "kind": kind,
        "listKind": f"{kind}List",
        "plural": plural,
        "singular": kind.lower(),
    }
    assert crd["spec"]["scope"] == scope
    expected = {"capability.openshift.io/name": "NodeTuning", **RELEASE}
    if cabundle:
        expected["service.beta.openshift.io/inject-cabundle"] = "true"
    assert crd["metadata"]["annotations"] == expected
    for version in crd["spec"]["versions"]:
        assert version["served"] is True
        assert version["subresources"] == {"status": {}}


def test_performance_profile_versions() -> None:
    versions = {v["name"]: v for v in PP["spec"]["versions"]}
    assert sorted(versions) == ["v1", "v1alpha1", "v2"]
    assert [n for n, v in versions.items() if v["storage"]] == ["v2"]
    assert "deprecated" not in versions["v2"]
    for name in ("v1", "v1alpha1"):
        assert versions[name]["deprecated"] is True
        assert versions[name]["deprecationWarning"] == DEPRECATION_WARNINGS[name]
        assert "performance.openshift.io/v2" in versions[name]["deprecationWarning"]


def test_performance_profile_conversion_webhook() -> None:
    assert PP["spec"]["conversion"] == {
        "strategy": "Webhook",
        "webhook": {
            "clientConfig": {
                "service": {
                    "name": "performance-addon-operator-service",
                    "namespace": "openshift-cluster-node-tuning-operator",
                    "path": "/convert",
                    "port": 443,
                }
            },
            "conversionReviewVersions": ["v1", "v1alpha1"],
        },
    }
    assert "conversion" not in TUNED["spec"]
    assert "conversion" not in PROFILE["spec"]


def test_printer_columns() -> None:
    valid = '.status.conditions[?(@.type=="Valid")].status'
    applied = '.status.conditions[?(@.type=="Applied")]'
    age = {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
    assert _version(TUNED, "v1")["additionalPrinterColumns"] == [
        {"name": "Valid", "type": "string", "jsonPath": valid},
        age,
    ]
    assert _version(PROFILE, "v1")["additionalPrinterColumns"] == [
        {"name": "Tuned", "type": "string", "jsonPath": ".spec.config.tunedProfile"},
        {"name": "Applied", "type": "string", "jsonPath": f"{applied}.status"},
        {
            "name": "Degraded",
            "type": "string",
            "jsonPath": '.status.conditions[?(@.type=="Degraded")].status',
        },
        {"name": "Message", "type": "string", "jsonPath": f"{applied}.message"},
        age,
    ]


@pytest.mark.parametrize(
    ("crd", "version", "path", "expected"),
    [
        pytest.param(
            TUNED,
            "v1",
            "spec.recommend.[].match.[].match.[]",
            {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            id="nested-match-opaque",
        ),
        pytest.param(
            TUNED,
            "v1",
            "spec.recommend.[].match.[].type",
            {"enum": ["node", "pod"]},
            id="match-type-enum",
        ),
        pytest.param(
            TUNED,
            "v1",
            "spec.recommend.[].priority",
            {"type": "integer", "format": "int64", "minimum": 0},
            id="priority",
        ),
        pytest.param(
            TUNED,
            "v1",
            "spec.managementState",
            {"pattern": "^(Managed|Unmanaged|Force|Removed)$"},
            id="management-state",
        ),
        pytest.param(TUNED, "v1", "spec.profile.[].name", {"minLength": 1}, id="profile-name"),
        pytest.param(
            TUNED,
            "v1",
            "spec.recommend.[]",
            {"required": ["priority", "profile"]},
            id="recommend-required",
        ),
        pytest.param(
            TUNED,
            "v1",
            "spec.recommend.[].operand.tunedConfig.reapply_sysctl",
            {"type": "boolean"},
            id="reapply-sysctl-wire-name",
        ),
        pytest.param(
            TUNED,
            "v1",
            "status.conditions.[]",
            {"required": ["lastTransitionTime", "status", "type"]},
            id="condition-required",
        ),
        pytest.param(
            TUNED,
            "v1",
            "status.conditions.[].lastTransitionTime",
            {"format": "date-time"},
            id="condition-time",
        ),
        pytest.param(PROFILE, "v1", "spec", {"required": ["config"]}, id="profile-config-required"),
        pytest.param(
            PROFILE, "v1", "status", {"required": ["tunedProfile"]}, id="profile-status-required"
        ),
        pytest.param(
            PP, "v2", "spec", {"required": ["cpu", "nodeSelector"]}, id="v2-spec-required"
        ),
        pytest.param(
            PP, "v2", "spec.cpu", {"required": ["isolated", "reserved"]}, id="v2-cpu-required"
        ),
        pytest.param(
            PP,
            "v2",
            "spec.kernelPageSize",
            {"type": "string", "default": "4k"},
            id="v2-page-size-default",
        ),
        pytest.param(
            PP,
            "v2",
            "spec.workloadHints.realTime",
            {"type": "boolean", "default": True},
            id="v2-realtime-default",
        ),
        pytest.param(
            PP,
            "v2",
            "spec.hugepages.pages.[].count",
            {"type": "integer", "format": "int32"},
            id="v2-count-int32",
        ),
        pytest.param(
            PP,
            "v2",
            "spec.net.devices.[]",
            {
                "properties": {
                    "deviceID": {
                        "type": "string",
                        "description": "PCI device (model) id as a hexadecimal number, 0x1583.",
                    },
                    "interfaceName": {
                        "type": "string",
                        "description": (
                            "Interface name; shell-style wildcards, a leading ! negates."
                        ),
                    },
                    "vendorID": {
                        "type": "string",
                        "description": "PCI vendor id as a hexadecimal number, 0x8086.",
                    },
                }
            },
            id="v2-device-wire-names",
        ),
        pytest.param(
            PP,
            "v2",
            "spec.nodeSelector",
            {"type": "object", "additionalProperties": {"type": "string"}},
            id="v2-map",
        ),
        pytest.param(
            PP, "v1", "spec", {"required": ["cpu", "nodeSelector"]}, id="v1-spec-required"
        ),
        pytest.param(PP, "v1", "spec.cpu", {"required": ["isolated"]}, id="v1-cpu-required"),
        pytest.param(
            PP, "v1", "spec.workloadHints.realTime", {"default": True}, id="v1-realtime-default"
        ),
    ],
)
def test_schema_details(
    crd: dict[str, Any], version: str, path: str, expected: dict[str, Any]
) -> None:
    node = _at(_schema(crd, version), path)
    assert {k: node.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("version", "absent"),
    [
        (
            "v1",
            [
                "spec.kernelPageSize",
                "spec.cpu.shared",
                "spec.cpu.ovsDpdk",
                "spec.workloadHints.mixedCpus",
            ],
        ),
        (
            "v1alpha1",
            [
                "spec.cpu.offlined",
                "spec.net",
                "spec.hardwareTuning",
                "spec.workloadHints",
                "spec.globallyDisableIrqLoadBalancing",
            ],
        ),
    ],
)
def test_older_versions_lack_newer_fields(version: str, absent: list[str]) -> None:
    schema = _schema(PP, version)
    for path in absent:
        with pytest.raises(KeyError):
            _at(schema, path)
    if version == "v1alpha1":
        assert "required" not in schema["properties"]["spec"]
        assert "required" not in schema["properties"]["spec"]["properties"]["cpu"]


def test_topology_policy_is_left_to_the_webhook() -> None:
    assert "enum" not in _at(_schema(PP, "v2"), "spec.numa.topologyPolicy")


STRUCTURAL_KEYS = {
    "type",
    "properties",
    "items",
    "required",
    "description",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "maxItems",
    "minItems",
    "minimum",
    "maximum",
    "format",
    "default",
    "additionalProperties",
    "x-kubernetes-preserve-unknown-fields",
}


def _nodes(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, schema
    for name, child in schema.get("properties", {}).items():
        yield from _nodes(child, f"{path}.{name}")
    if "items" in schema:
        yield from _nodes(schema["items"], f"{path}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _nodes(schema["additionalProperties"], f"{path}{{}}")


def _all_schemas() -> Iterator[Any]:
    for file, crd in CRDS.items():
        for version in crd["spec"]["versions"]:
            yield pytest.param(version["schema"]["openAPIV3Schema"], id=f"{file}-{version['name']}")


@pytest.mark.parametrize("schema", list(_all_schemas()))
def test_schemas_are_structural_and_documented(schema: dict[str, Any]) -> None:
    for path, node in _nodes(schema):
        assert node.get("type"), f"{path}: every node needs a type"
        assert set(node) <= STRUCTURAL_KEYS, f"{path}: {set(node) - STRUCTURAL_KEYS}"
        assert not ("properties" in node and "additionalProperties" in node), path
        if set(node.get("required", [])) - set(node.get("properties", {})):
            raise AssertionError(f"{path}: required names an undeclared property")
        if path.count(".") >= 1 and path != ".metadata" and not path.endswith(("[]", "{}")):
            assert node.get("description"), f"{path}: missing description (write a docstring)"


def test_reference_performance_profile_matches_schema(
    pp_sample: Path, schema_validate: Callable[[dict[str, Any], Any], list[str]]
) -> None:
    obj = yaml.safe_load(pp_sample.read_text(encoding="utf-8"))
    version = obj["apiVersion"].split("/")[1]
    assert schema_validate(_schema(PP, version), obj) == []


def test_reference_tuned_matches_schema(
    tuned_sample: Path, schema_validate: Callable[[dict[str, Any], Any], list[str]]
) -> None:
    obj = yaml.safe_load(tuned_sample.read_text(encoding="utf-8"))
    if obj["kind"] != "Tuned":
        pytest.skip(f"{obj['kind']} is not ours (parsed by test_models_samples)")
    assert schema_validate(_schema(TUNED, "v1"), obj) == []


def test_unsupported_field_types_are_refused() -> None:
    class Odd(pydantic.BaseModel):
        value: int | str

    with pytest.raises(SchemaGenerationError, match=r"Odd\.value: union .* is not structural"):
        object_schema(Odd)

    class Mapping(pydantic.BaseModel):
        value: dict[int, str]

    with pytest.raises(SchemaGenerationError, match="map keys must be str"):
        object_schema(Mapping)


def test_committed_crds_equal_the_generator_output() -> None:
    """The core's CRDs ship here, the PerformanceProfile CRD with the performance plugin."""
    committed = sorted(p.name for p in CRD_DIR.glob("*.yaml"))
    committed += sorted(p.name for p in PLUGIN_CRD_DIR.glob("*.yaml"))
    assert sorted(committed) == sorted(CRD_FILES), "run hack/gen_crds.py"
    for name, crd in CRDS.items():
        folder = CRD_DIR if name in CORE_CRDS else PLUGIN_CRD_DIR
        assert (folder / name).read_text(encoding="utf-8") == dump_crd(crd), (
            f"{name} is stale; run hack/gen_crds.py"
        )


def test_load_crds_reads_the_package_data() -> None:
    """Only the core's CRDs: the core must not serve the plugin's kind on its own."""
    assert load_crds() == [CORE_CRDS[name] for name in sorted(CORE_CRDS)]
    assert {crd["spec"]["group"] for crd in load_crds()} == {"tuned.openshift.io"}


def test_dump_is_stable_and_parses_back() -> None:
    text = dump_crd(PP)
    assert text == dump_crd(render_crds()[CRD_FILES[0]])
    assert yaml.safe_load(text) == PP


def _gen_crds() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_crds", REPO / "hack" / "gen_crds.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gen_crds_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = _gen_crds()
    assert script.main(["--check", "--output-dir", str(tmp_path)]) == 1, "missing files"
    (tmp_path / "stale.yaml").write_text("x: 1\n")
    assert script.main(["--output-dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(CRD_FILES)
    assert script.main(["--check", "--output-dir", str(tmp_path)]) == 0
    target = tmp_path / CRD_FILES[1]
    target.write_text(target.read_text().replace("NodeTuning", "Other"))
    (tmp_path / "extra.yaml").write_text("x: 1\n")
    capsys.readouterr()
    assert script.main(["--check", "--output-dir", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "-    capability.openshift.io/name: Other" in out.out
    assert "+    capability.openshift.io/name: NodeTuning" in out.out
    assert "extra.yaml (committed)" in out.out
    assert "run: hack/gen_crds.py" in out.err
