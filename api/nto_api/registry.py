"""Find the model of a wire object by ``apiVersion`` and ``kind``, and parse objects with
messages that name the object and every offending field.

Neighbours: the model modules (`tuned`, `performance.*`, `foreign.*`), `errors`
(`InvalidObjectError`), `conversion` (uses `parse_as` for its input). Callers: webhooks, the
render command, tests, and anything reading YAML written by people.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any, Final, TypeVar

import pydantic

from nto_api.errors import InvalidObjectError
from nto_api.foreign import config, core, mco
from nto_api.names import (
    CONFIG_V1,
    MACHINECONFIG_V1,
    PERFORMANCE_V1,
    PERFORMANCE_V1ALPHA1,
    PERFORMANCE_V2,
    TUNED_V1,
)
from nto_api.objects import name_of
from nto_api.performance import v1, v1alpha1, v2
from nto_api.tuned import Profile, Tuned

__all__ = ["MISSING_FIELD_MESSAGE", "MODELS", "field_errors", "model_for", "parse", "parse_as"]

M = TypeVar("M", bound=pydantic.BaseModel)

MODELS: Final[Mapping[tuple[str, str], type[pydantic.BaseModel]]] = {
    (TUNED_V1, "Tuned"): Tuned,
    (TUNED_V1, "Profile"): Profile,
    (PERFORMANCE_V2, "PerformanceProfile"): v2.PerformanceProfile,
    (PERFORMANCE_V1, "PerformanceProfile"): v1.PerformanceProfile,
    (PERFORMANCE_V1ALPHA1, "PerformanceProfile"): v1alpha1.PerformanceProfile,
    (MACHINECONFIG_V1, "MachineConfig"): mco.MachineConfig,
    (MACHINECONFIG_V1, "KubeletConfig"): mco.KubeletConfig,
    (MACHINECONFIG_V1, "MachineConfigPool"): mco.MachineConfigPool,
    (CONFIG_V1, "ClusterOperator"): config.ClusterOperator,
    (CONFIG_V1, "Infrastructure"): config.Infrastructure,
    ("v1", "Node"): core.Node,
    ("node.k8s.io/v1", "RuntimeClass"): core.RuntimeClass,
}
"""Every modelled kind, keyed by (apiVersion, kind)."""

MISSING_FIELD_MESSAGE: Final = "required field is missing"
_MESSAGES: Final = {
    "missing": MISSING_FIELD_MESSAGE,
    "extra_forbidden": "unknown field; remove it (check the spelling and the apiVersion)",
}


def model_for(api_version: str, kind: str) -> type[pydantic.BaseModel]:
    """The model class of `kind` in `api_version`; `InvalidObjectError` when there is none."""
    try:
        return MODELS[(api_version, kind)]
    except KeyError:
        known = ", ".join(sorted(f"{a} {k}" for a, k in MODELS))
        raise InvalidObjectError(
            f"no model for kind {kind!r} in apiVersion {api_version!r}; known kinds: {known}",
            [("apiVersion", f"unknown apiVersion/kind {api_version!r}/{kind!r}")],
        ) from None


def parse(obj: Mapping[str, Any]) -> pydantic.BaseModel:
    """Parse a wire object with the model its ``apiVersion`` and ``kind`` name."""
    if not isinstance(obj, Mapping):
        raise InvalidObjectError(f"expected an object (a mapping), got {type(obj).__name__}")
    model = model_for(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
    return parse_as(model, obj)


def parse_as(model: type[M], obj: Any) -> M:
    """Validate `obj` as `model`, raising `InvalidObjectError` with every bad field path."""
    try:
        return model.model_validate(obj)
    except pydantic.ValidationError as exc:
        errors = field_errors(exc)
        listing = "; ".join(f"{path}: {message}" for path, message in errors)
        raise InvalidObjectError(f"{_describe(model, obj)} is invalid: {listing}", errors) from exc


def field_errors(exc: pydantic.ValidationError) -> list[tuple[str, str]]:
    """(field path, message) pairs of a pydantic error, paths written ``spec.pages[0].size``."""
    pairs = []
    for error in exc.errors(include_url=False):
        message = _MESSAGES.get(error["type"], error["msg"])
        if error["type"] != "missing":
            message += f" (got {_short(error['input'])})"
        pairs.append((_path(error["loc"]), message))
    return pairs


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "<object>"


_QUOTE = reprlib.Repr()  # keyword arguments need Python 3.12
_QUOTE.maxlevel = 2
_QUOTE.maxdict = _QUOTE.maxlist = _QUOTE.maxtuple = _QUOTE.maxset = 4
_QUOTE.maxstring = _QUOTE.maxother = 60


def _short(value: Any) -> str:
    """A bounded quote of `value`: never formats more than a few elements of user input."""
    text = _QUOTE.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _describe(model: type[pydantic.BaseModel], obj: Any) -> str:
    name = name_of(obj)
    kind = model.__name__
    return f"{kind} {name!r}" if name else kind
