"""Property tests: generated schema-valid objects parse, match the generated CRD schemas, and
convert between PerformanceProfile versions without raising and without losing carried fields.

Objects are generated from the models themselves (`wire`), so a new field is covered without
touching this file.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nto_api import Profile, Tuned, convert, parse
from nto_api._markers import Format, OpaqueItems
from nto_api.crdgen import render_crds
from nto_api.performance import v1, v1alpha1, v2

PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
GROUP = "performance.openshift.io"
TEXT = st.text(alphabet="ab-0/.", max_size=5)
METADATA = st.fixed_dictionaries(
    {"name": st.from_regex(r"[a-z]([a-z0-9-]{0,4}[a-z0-9])?", fullmatch=True)},
    optional={"labels": st.dictionaries(TEXT, TEXT, max_size=2), "generation": st.integers(1, 9)},
)
OPAQUE = st.dictionaries(st.sampled_from(["label", "value", "type", "other"]), TEXT, max_size=3)


def wire(model: type[pydantic.BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Wire dicts that the model (and so the CRD) accepts; optional fields may be absent."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in ("apiVersion", "kind"):
            strategy: st.SearchStrategy[Any] = st.just(field.default)
        elif key == "metadata":
            strategy = METADATA
        else:
            strategy = _strategy(field.annotation, list(field.metadata))
        always = field.is_required() or key in ("apiVersion", "kind", "metadata")
        (required if always else optional)[key] = strategy
    return st.fixed_dictionaries(required, optional=optional)


def _strategy(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            for item in extra:
                metadata += item.metadata if isinstance(item, pydantic.fields.FieldInfo) else [item]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            break
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return wire(annotation)
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is list:
        if any(isinstance(m, OpaqueItems) for m in metadata):
            return st.lists(OPAQUE, max_size=2)
        return st.lists(_strategy(get_args(annotation)[0], []), max_size=2)
    if origin is dict:
        return st.dictionaries(TEXT, TEXT, max_size=2)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        low: Any = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), -(2**63))
        high: Any = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), 2**63 - 1)
        return st.integers(low, high)
    if annotation is str and any(isinstance(m, Format) and m.name == "date-time" for m in metadata):
        return st.datetimes(timezones=st.just(dt.UTC)).map(
            lambda t: t.replace(microsecond=0).isoformat().replace("+00:00", "Z")
        )
    if annotation is str:
        pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
        if pattern:
            return st.from_regex(pattern, fullmatch=True)
        size = next((m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), 0)
        return st.text(alphabet="ab-0/.", min_size=size, max_size=5)
    raise AssertionError(f"no strategy for {annotation!r}")


@functools.cache
def _schema(api_version: str, kind: str) -> dict[str, Any]:
    group, version = api_version.split("/")
    for crd in render_crds().values():
        if crd["spec"]["group"] == group and crd["spec"]["names"]["kind"] == kind:
            served = {v["name"]: v for v in crd["spec"]["versions"]}
            schema: dict[str, Any] = served[version]["schema"]["openAPIV3Schema"]
            return schema
    raise AssertionError(f"no CRD for {api_version} {kind}")


PP_MODELS: dict[str, type[pydantic.BaseModel]] = {
    "v1alpha1": v1alpha1.PerformanceProfile,
    "v1": v1.PerformanceProfile,
    "v2": v2.PerformanceProfile,
}
ALL_MODELS = {"tuned": Tuned, "profile": Profile, **{f"pp-{k}": m for k, m in PP_MODELS.items()}}


@pytest.mark.parametrize("model", ALL_MODELS.values(), ids=list(ALL_MODELS))
@PROPERTY_SETTINGS
@given(data=st.data())
def test_generated_objects_parse_round_trip_and_match_the_crd(
    model: type[pydantic.BaseModel],
    data: st.DataObject,
    schema_validate: Callable[[dict[str, Any], Any], list[str]],
) -> None:
    obj = data.draw(wire(model))
    parsed = parse(obj)
    assert parsed.model_dump(by_alias=True, exclude_none=True) == obj
    assert schema_validate(_schema(obj["apiVersion"], obj["kind"]), obj) == []


@pytest.mark.parametrize("source", PP_MODELS, ids=[f"from-{v}" for v in PP_MODELS])
@PROPERTY_SETTINGS
@given(data=st.data())
def test_conversion_never_raises_on_schema_valid_input(
    source: str,
    data: st.DataObject,
    schema_validate: Callable[[dict[str, Any], Any], list[str]],
    missing_field: Callable[[str], bool],
) -> None:
    obj = data.draw(wire(PP_MODELS[source]))
    target = data.draw(st.sampled_from(list(PP_MODELS)))
    result = convert(obj, f"{GROUP}/{target}")
    assert result["apiVersion"] == f"{GROUP}/{target}"
    assert result["metadata"] == obj["metadata"]
    assert result.get("status") == obj.get("status")
    errors = schema_validate(_schema(result["apiVersion"], "PerformanceProfile"), result)
    assert [e for e in errors if not missing_field(e)] == []


V1_CARRIED = (
    "hugepages",
    "machineConfigLabel",
    "machineConfigPoolSelector",
    "nodeSelector",
    "realTimeKernel",
    "additionalKernelArgs",
    "numa",
    "net",
)
CPU_CARRIED = ("reserved", "isolated", "balanceIsolated")


@PROPERTY_SETTINGS
@given(obj=wire(v2.PerformanceProfile))
def test_v2_to_v1_to_v2_keeps_every_field_v1_carries(obj: dict[str, Any]) -> None:
    back = convert(convert(obj, f"{GROUP}/v1"), f"{GROUP}/v2")
    spec, again = obj["spec"], back["spec"]
    assert {k: spec[k] for k in V1_CARRIED if k in spec} == {
        k: again[k] for k in V1_CARRIED if k in again
    }
    assert {k: v for k, v in spec["cpu"].items() if k in CPU_CARRIED} == again["cpu"]
    expected_irq = spec.get("globallyDisableIrqLoadBalancing", True)
    assert again["globallyDisableIrqLoadBalancing"] is expected_irq
    parse(back)  # the round-tripped object is a valid v2 object again


@PROPERTY_SETTINGS
@given(obj=wire(v1alpha1.PerformanceProfile))
def test_v1alpha1_to_v1_to_v1alpha1_is_lossless(obj: dict[str, Any]) -> None:
    assert convert(convert(obj, f"{GROUP}/v1"), f"{GROUP}/v1alpha1") == obj


@PROPERTY_SETTINGS
@given(obj=wire(v1.PerformanceProfile))
def test_v1_to_v1alpha1_to_v1_keeps_every_field_v1alpha1_carries(obj: dict[str, Any]) -> None:
    back = convert(convert(obj, f"{GROUP}/v1alpha1"), f"{GROUP}/v1")
    carried = (*V1_CARRIED[:-1], "cpu")
    expected = {k: v for k, v in obj["spec"].items() if k in carried}
    expected["cpu"] = {k: v for k, v in obj["spec"]["cpu"].items() if k in CPU_CARRIED}
    assert back["spec"] == expected
