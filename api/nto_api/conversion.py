"""Conversion of PerformanceProfile objects between v1alpha1, v1 and v2, with v1 as the hub.

Neighbours: `performance.v1alpha1`, `performance.v1`, `performance.v2` (the models), `registry`
(input validation with field-named messages), `errors.ConversionError`. The conversion webhook of
the performance plugin calls `convert` with the wire objects of a ConversionReview.

The rules are lossy on purpose and record nothing in annotations, like the reference:

- v1alpha1 <-> v1: cpu (reserved, isolated, balanceIsolated), hugepages, the three selector maps,
  realTimeKernel, additionalKernelArgs and numa are copied; going down to v1alpha1 drops
  cpu.offlined, hardwareTuning, net, globallyDisableIrqLoadBalancing and workloadHints.
- v2 -> v1: cpu (reserved, isolated, balanceIsolated), hardwareTuning, hugepages, selectors,
  realTimeKernel, additionalKernelArgs, numa, net and globallyDisableIrqLoadBalancing are copied;
  cpu.offlined, cpu.shared, cpu.ovsDpdk, workloadHints and kernelPageSize are dropped.
- v1 -> v2: the same minus hardwareTuning (and cpu.offlined, workloadHints); an unset
  globallyDisableIrqLoadBalancing becomes true, which keeps the behaviour v1 users had.

Metadata, status and any other top-level field pass through unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import pydantic

from nto_api.errors import ConversionError, InvalidObjectError
from nto_api.names import PERFORMANCE_KIND, PERFORMANCE_V1, PERFORMANCE_V1ALPHA1, PERFORMANCE_V2
from nto_api.objects import name_of
from nto_api.performance import v1, v1alpha1, v2
from nto_api.registry import MISSING_FIELD_MESSAGE, parse_as

__all__ = [
    "SUPPORTED_API_VERSIONS",
    "convert",
    "v1_to_v1alpha1",
    "v1_to_v2",
    "v1alpha1_to_v1",
    "v2_to_v1",
]

Spec = dict[str, Any]
M = TypeVar("M", bound=pydantic.BaseModel)

_MODELS: Final[Mapping[str, type[pydantic.BaseModel]]] = {
    PERFORMANCE_V1ALPHA1: v1alpha1.PerformanceProfile,
    PERFORMANCE_V1: v1.PerformanceProfile,
    PERFORMANCE_V2: v2.PerformanceProfile,
}
SUPPORTED_API_VERSIONS: Final = tuple(_MODELS)

_CPU_COMMON: Final = ("reserved", "isolated", "balanceIsolated")
_ALPHA_FIELDS: Final = (
    "hugepages",
    "machineConfigLabel",
    "machineConfigPoolSelector",
    "nodeSelector",
    "realTimeKernel",
    "additionalKernelArgs",
    "numa",
)
_V2_TO_V1_FIELDS: Final = (
    *_ALPHA_FIELDS,
    "hardwareTuning",
    "net",
    "globallyDisableIrqLoadBalancing",
)
_V1_TO_V2_FIELDS: Final = (*_ALPHA_FIELDS, "net", "globallyDisableIrqLoadBalancing")


def _pick(spec: Spec, fields: tuple[str, ...]) -> Spec:
    """Copy `fields` of `spec` (and the common cpu fields), keeping the input's key order."""
    out: Spec = {}
    for key, value in spec.items():
        if key == "cpu" and isinstance(value, dict):
            out["cpu"] = {k: v for k, v in value.items() if k in _CPU_COMMON}
        elif key in fields or key == "cpu":
            out[key] = value
    return out


def _v1alpha1_spec_to_v1(spec: Spec) -> Spec:
    return _pick(spec, _ALPHA_FIELDS)


def _v1_spec_to_v1alpha1(spec: Spec) -> Spec:
    return _pick(spec, _ALPHA_FIELDS)


def _v2_spec_to_v1(spec: Spec) -> Spec:
    return _pick(spec, _V2_TO_V1_FIELDS)


def _v1_spec_to_v2(spec: Spec) -> Spec:
    out = _pick(spec, _V1_TO_V2_FIELDS)
    if out.get("globallyDisableIrqLoadBalancing") is None:
        out["globallyDisableIrqLoadBalancing"] = True
    return out


def _identity(spec: Spec) -> Spec:
    return spec


_TO_HUB: Final[Mapping[str, Callable[[Spec], Spec]]] = {
    PERFORMANCE_V1ALPHA1: _v1alpha1_spec_to_v1,
    PERFORMANCE_V1: _identity,
    PERFORMANCE_V2: _v2_spec_to_v1,
}
_FROM_HUB: Final[Mapping[str, Callable[[Spec], Spec]]] = {
    PERFORMANCE_V1ALPHA1: _v1_spec_to_v1alpha1,
    PERFORMANCE_V1: _identity,
    PERFORMANCE_V2: _v1_spec_to_v2,
}


def convert(obj: Mapping[str, Any], desired_api_version: str) -> dict[str, Any]:
    """Convert a wire PerformanceProfile to `desired_api_version` (``performance.openshift.io/v2``).

    Never raises for an object valid in its own version's schema. Missing required fields are
    tolerated too: the API server stores converted objects without checking them against the
    storage version's schema, so a profile written as v1alpha1 without ``spec.cpu.reserved`` must
    still be readable as v1 and v2. Wrong types, bad values and unknown fields raise
    `ConversionError` naming the object and the field; so does an unsupported apiVersion or kind.
    The input is not changed.
    """
    source = _source_version(obj, desired_api_version)
    _check(obj, source)
    result = copy.deepcopy(dict(obj))
    result["apiVersion"] = desired_api_version
    spec = result.get("spec")
    if spec is None:
        result.pop("spec", None)
    elif source != desired_api_version:
        result["spec"] = _FROM_HUB[desired_api_version](_TO_HUB[source](spec))
    return result


def _check(obj: Mapping[str, Any], source: str) -> None:
    """Raise `ConversionError` for any problem of `obj` other than a missing required field."""
    try:
        parse_as(_MODELS[source], obj)
    except InvalidObjectError as exc:
        problems = [(p, m) for p, m in exc.field_errors if m != MISSING_FIELD_MESSAGE]
        if problems:
            listing = "; ".join(f"{path}: {message}" for path, message in problems)
            raise ConversionError(f"cannot convert {_name(obj)}: {listing}") from exc


def _source_version(obj: Mapping[str, Any], desired: str) -> str:
    name = _name(obj)
    if not isinstance(obj, Mapping):
        raise ConversionError(f"cannot convert {type(obj).__name__}: expected a PerformanceProfile")
    if obj.get("kind") != PERFORMANCE_KIND:
        raise ConversionError(
            f"cannot convert {name}: kind is {obj.get('kind')!r}, expected {PERFORMANCE_KIND!r}"
        )
    for field, version in (("desired apiVersion", desired), ("apiVersion", obj.get("apiVersion"))):
        if version not in _MODELS:
            raise ConversionError(
                f"cannot convert {name}: {field} {version!r} is not served; "
                f"use one of {', '.join(SUPPORTED_API_VERSIONS)}"
            )
    return str(obj["apiVersion"])


def _name(obj: Any) -> str:
    name = name_of(obj)
    return f"PerformanceProfile {name!r}" if name else "PerformanceProfile"


def _typed(profile: pydantic.BaseModel, target: type[M], version: str) -> M:
    wire = convert(profile.model_dump(by_alias=True, exclude_none=True), version)
    try:
        return parse_as(target, wire)
    except InvalidObjectError as exc:
        raise ConversionError(f"the {version} form of {_name(wire)} is incomplete: {exc}") from exc


def v2_to_v1(profile: v2.PerformanceProfile) -> v1.PerformanceProfile:
    """The v1 form of a v2 profile (never fails: v1 requires less than v2)."""
    return _typed(profile, v1.PerformanceProfile, PERFORMANCE_V1)


def v1_to_v2(profile: v1.PerformanceProfile) -> v2.PerformanceProfile:
    """The v2 form of a v1 profile; `ConversionError` if it lacks ``cpu.reserved``, which v2
    requires (use `convert` to get the wire form regardless)."""
    return _typed(profile, v2.PerformanceProfile, PERFORMANCE_V2)


def v1alpha1_to_v1(profile: v1alpha1.PerformanceProfile) -> v1.PerformanceProfile:
    """The v1 form of a v1alpha1 profile; `ConversionError` if it lacks fields v1 requires
    (``spec``, ``spec.cpu.isolated``, ``spec.nodeSelector``)."""
    return _typed(profile, v1.PerformanceProfile, PERFORMANCE_V1)


def v1_to_v1alpha1(profile: v1.PerformanceProfile) -> v1alpha1.PerformanceProfile:
    """The v1alpha1 form of a v1 profile (never fails)."""
    return _typed(profile, v1alpha1.PerformanceProfile, PERFORMANCE_V1ALPHA1)
