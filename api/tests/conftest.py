"""Fixtures for the nto-api tests: reference samples, profile builders, a structural validator.

The reference samples are read from ``../shared/reference`` next to the repository root; tests that
need them skip with the reason when the folder is absent.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

try:
    import nto_api  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e ./api`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE = REPO_ROOT.parent / "shared" / "reference"


def reference_files(pattern: str) -> list[Path]:
    """Reference files matching `pattern` (may be empty when the folder is absent)."""
    return sorted(REFERENCE.glob(pattern)) if REFERENCE.is_dir() else []


def load_reference(path: Path) -> dict[str, Any]:
    """One reference YAML document, or skip when the reference data is absent."""
    if not path.exists():
        pytest.skip(f"reference data not available at {REFERENCE}")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def reference_params(pattern: str) -> list[Any]:
    """Parametrize values for reference files, or one skipped case saying why there are none."""
    files = reference_files(pattern)
    if not files:
        reason = f"no reference files {pattern!r} under {REFERENCE}"
        return [pytest.param(None, id="absent", marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(p, id=str(p.relative_to(REFERENCE))) for p in files]


REFERENCE_SAMPLES = {
    "pp_sample": "performanceprofiles/*.yaml",
    "tuned_sample": "tuned/**/*.yaml",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``pp_sample`` / ``tuned_sample`` arguments with the reference file paths."""
    for argument, pattern in REFERENCE_SAMPLES.items():
        if argument in metafunc.fixturenames:
            metafunc.parametrize(argument, reference_params(pattern))


V2_BASE: dict[str, Any] = {
    "apiVersion": "performance.openshift.io/v2",
    "kind": "PerformanceProfile",
    "metadata": {"name": "manual", "annotations": {"a": "b"}},
    "spec": {
        "cpu": {"reserved": "0-1", "isolated": "2-7"},
        "nodeSelector": {"node-role.kubernetes.io/worker-cnf": ""},
    },
}


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="session")
def make_profile() -> Callable[..., dict[str, Any]]:
    """Build a wire PerformanceProfile: ``make_profile("v1", spec={...})`` deep-merges overrides."""

    def build(version: str = "v2", **overrides: Any) -> dict[str, Any]:
        obj = _merge(V2_BASE, overrides)
        obj["apiVersion"] = f"performance.openshift.io/{version}"
        return obj

    return build


# --- a small structural-schema validator, enough for the generated CRDs ----------------------

_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}
_INT_FORMATS = {"int32": 2**31, "int64": 2**63}


def validate(schema: dict[str, Any], value: Any, path: str = "") -> list[str]:
    """Errors of `value` against a structural `schema`, each starting with the field path.

    Unknown fields are errors (strict field validation) unless the schema preserves them.
    """
    where = path or "<root>"
    kind = schema.get("type")
    if kind and not _TYPES[kind](value):
        return [f"{where}: expected {kind}, got {value!r}"]
    errors = list(_scalar_errors(schema, value, where))
    if kind == "array":
        for index, item in enumerate(value):
            errors += validate(schema.get("items", {}), item, f"{path}[{index}]")
    if kind == "object":
        errors += _object_errors(schema, value, path)
    return errors


def _scalar_errors(schema: dict[str, Any], value: Any, where: str) -> Iterator[str]:
    if "enum" in schema and value not in schema["enum"]:
        yield f"{where}: {value!r} is not one of {schema['enum']}"
    if "pattern" in schema and not re.search(schema["pattern"], value):
        yield f"{where}: {value!r} does not match {schema['pattern']!r}"
    if "minLength" in schema and len(value) < schema["minLength"]:
        yield f"{where}: {value!r} is shorter than {schema['minLength']}"
    if "minItems" in schema and len(value) < schema["minItems"]:
        yield f"{where}: fewer than {schema['minItems']} items"
    if "minimum" in schema and value < schema["minimum"]:
        yield f"{where}: {value!r} is less than {schema['minimum']}"
    limit = _INT_FORMATS.get(schema.get("format", ""))
    if limit and not -limit <= value < limit:
        yield f"{where}: {value!r} is out of range for {schema['format']}"


def _object_errors(schema: dict[str, Any], value: dict[str, Any], path: str) -> list[str]:
    errors = [
        f"{path + '.' if path else ''}{name}: required field is missing"
        for name in schema.get("required", [])
        if name not in value
    ]
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    for key, item in value.items():
        child = f"{path}.{key}" if path else key
        if key in properties:
            errors += validate(properties[key], item, child)
        elif isinstance(extra, dict):
            errors += validate(extra, item, child)
        elif not schema.get("x-kubernetes-preserve-unknown-fields") and (properties or extra):
            errors.append(f"{child}: unknown field")
    return errors


def _emulator_validate() -> Callable[[dict[str, Any], Any], list[str]] | None:
    """The emulated API server's validator (nto.testing.schema), when installed."""
    try:
        from nto.testing import schema as apiserver
    except ImportError:
        return None

    def check(schema: dict[str, Any], value: Any) -> list[str]:
        errors = [str(e) for e in apiserver.validate(schema, value, int_formats=True)]
        return errors + [
            f"{path}: unknown field" for path in apiserver.unknown_fields(schema, value)
        ]

    return check


def is_missing_field(error: str) -> bool:
    """Whether a validator message reports a missing required field (either validator)."""
    return error.endswith(("required field is missing", "Required value"))


@pytest.fixture(scope="session")
def schema_validate() -> Callable[[dict[str, Any], Any], list[str]]:
    """Validate an object against a CRD schema: ``["<field path>: <message>", ...]``.

    Uses the emulated API server's validator (pruned fields reported as unknown) when the core
    distribution is importable, else the small local `validate`.
    """
    return _emulator_validate() or validate


@pytest.fixture(scope="session")
def missing_field() -> Callable[[str], bool]:
    """`is_missing_field` as a fixture."""
    return is_missing_field
