"""Read the PerformanceProfile a HyperShift ConfigMap carries, refusing bad input clearly.

A profile ConfigMap (management cluster, label ``hypershift.openshift.io/performanceprofile-
config``) holds one ``performance.openshift.io/v2`` PerformanceProfile as YAML under data key
``tuning`` and names its NodePool in annotation ``hypershift.openshift.io/nodePool``
(``<namespace>/<name>``). :func:`decode_profile_configmap` returns a :class:`DecodedProfile`
or raises :class:`ConfigMapError`, whose message names the ConfigMap and the field and says the
fix, for: a missing key or annotation, text over :data:`MAX_TUNING_CHARS`, YAML that is
malformed or hostile (alias bombs, deep nesting: the bounded loader of
:mod:`nto_api.safe_yaml`), more or fewer than one document, another kind or version, a profile
name that cannot name the objects and labels derived from it, and a profile the model refuses.
Nothing is written for such a ConfigMap. Pure. Neighbours: :mod:`.names`, :mod:`.wrap`,
:mod:`.reconciler` (the caller).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import yaml
from pydantic import ValidationError

from nto_api import safe_yaml
from nto_api.names import PERFORMANCE_KIND, PERFORMANCE_V2
from nto_api.objects import metadata_of, name_of, namespace_of
from nto_api.performance.v2 import PerformanceProfile
from nto_performance.hypershift.names import (
    NODE_POOL_ANNOTATION,
    TUNING_KEY,
    invalid_label_value,
    invalid_object_name,
    node_pool_name,
    wrapped_name,
)

__all__ = [
    "MAX_TUNING_CHARS",
    "ConfigMapError",
    "DecodedProfile",
    "decode_profile_configmap",
    "describe",
]

MAX_TUNING_CHARS: Final = 1024 * 1024
"""Longest ``data.tuning`` accepted: a whole ConfigMap may not exceed 1 MiB."""
_LONGEST_PREFIX: Final = "kubeletconfig"


class ConfigMapError(ValueError):
    """A profile ConfigMap that cannot be used; the message says why and the fix."""


@dataclass(frozen=True)
class DecodedProfile:
    """A profile ConfigMap's content."""

    profile: PerformanceProfile
    raw: dict[str, Any]
    """The profile as a wire dict (what the model validated)."""
    node_pool: str
    """The annotation's value, ``<namespace>/<name>``."""

    @property
    def name(self) -> str:
        return str(self.profile.metadata.name or "")

    @property
    def node_pool_name(self) -> str:
        """The NodePool's name (the part after ``/``)."""
        return node_pool_name(self.node_pool)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader that keeps timestamps as text, as Kubernetes' YAML-to-JSON does."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def describe(configmap: Mapping[str, Any]) -> str:
    """``ConfigMap '<namespace>/<name>'`` for messages."""
    return f"ConfigMap '{namespace_of(configmap)}/{name_of(configmap)}'"


def _text(configmap: Mapping[str, Any], where: str) -> str:
    data = configmap.get("data")
    text = data.get(TUNING_KEY) if isinstance(data, Mapping) else None
    if text is None:
        raise ConfigMapError(
            f"{where} has no data key {TUNING_KEY!r}; put the PerformanceProfile YAML under "
            f"data.{TUNING_KEY}"
        )
    if not isinstance(text, str):
        raise ConfigMapError(f"{where} data.{TUNING_KEY} is not text; put the YAML there")
    if len(text) > MAX_TUNING_CHARS:
        raise ConfigMapError(
            f"{where} data.{TUNING_KEY} is {len(text)} characters long, over the limit of "
            f"{MAX_TUNING_CHARS} (a ConfigMap holds at most 1 MiB); shorten the profile"
        )
    return text


def _document(text: str, where: str) -> Mapping[str, Any]:
    try:
        documents = [d for d in safe_yaml.load_all(text, loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        raise ConfigMapError(f"{where} data.{TUNING_KEY} is not usable YAML: {exc}") from exc
    if len(documents) != 1:
        raise ConfigMapError(
            f"{where} data.{TUNING_KEY} holds {len(documents)} YAML documents; put exactly one "
            "PerformanceProfile there (one ConfigMap per profile)"
        )
    document = documents[0]
    if not isinstance(document, Mapping):
        raise ConfigMapError(
            f"{where} data.{TUNING_KEY} holds a {type(document).__name__}, not an object; put a "
            "PerformanceProfile there"
        )
    api_version, kind = document.get("apiVersion"), document.get("kind")
    if kind != PERFORMANCE_KIND or api_version != PERFORMANCE_V2:
        raise ConfigMapError(
            f"{where} data.{TUNING_KEY} holds apiVersion {api_version!r} kind {kind!r}; it must "
            f"hold apiVersion {PERFORMANCE_V2!r} kind {PERFORMANCE_KIND!r}"
        )
    return document


def _check_names(configmap: Mapping[str, Any], profile_name: object, where: str) -> str:
    if not isinstance(profile_name, str) or not profile_name:
        raise ConfigMapError(
            f"{where} data.{TUNING_KEY} has no metadata.name; name the PerformanceProfile"
        )
    problem = invalid_object_name(profile_name) or invalid_label_value(profile_name)
    if problem:
        raise ConfigMapError(
            f"{where} data.{TUNING_KEY} metadata.name {profile_name!r} cannot name the "
            f"profile's objects and labels: {problem}; rename the PerformanceProfile"
        )
    name = name_of(configmap)
    problem = invalid_object_name(wrapped_name(_LONGEST_PREFIX, name))
    if problem:
        raise ConfigMapError(
            f"{where}: the ConfigMaps derived from its name ({wrapped_name('<kind>', name)!r}) "
            f"would be invalid: {problem}; use a shorter ConfigMap name"
        )
    return profile_name


def _node_pool(configmap: Mapping[str, Any], where: str) -> str:
    value = metadata_of(configmap).get("annotations")
    value = value.get(NODE_POOL_ANNOTATION) if isinstance(value, Mapping) else None
    if not isinstance(value, str) or not value:
        raise ConfigMapError(
            f"{where} has no annotation {NODE_POOL_ANNOTATION!r}; set it to the "
            "<namespace>/<name> of the NodePool the profile is for"
        )
    problem = invalid_label_value(node_pool_name(value)) or (
        None if node_pool_name(value) else "the name is empty"
    )
    if problem:
        raise ConfigMapError(
            f"{where} annotation {NODE_POOL_ANNOTATION} {value!r} names no usable NodePool: "
            f"{problem}; set it to <namespace>/<name> of the NodePool"
        )
    return value


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"


def decode_profile_configmap(configmap: Mapping[str, Any]) -> DecodedProfile:
    """The profile and NodePool of a profile ConfigMap; :class:`ConfigMapError` otherwise."""
    where = describe(configmap)
    document = _document(_text(configmap, where), where)
    _check_names(configmap, metadata_of(document).get("name"), where)
    node_pool = _node_pool(configmap, where)
    raw = dict(document)
    try:
        profile = PerformanceProfile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigMapError(
            f"{where} data.{TUNING_KEY} is not a valid PerformanceProfile: {_first_error(exc)}; "
            "fix that field"
        ) from exc
    return DecodedProfile(profile=profile, raw=raw, node_pool=node_pool)
