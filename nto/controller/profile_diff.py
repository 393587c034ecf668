"""The per-node Profile: the object to create, and whether an existing one needs an update.

An existing Profile is updated only when one of these differs from the computed profile
(reference list): ``spec.config.tunedProfile``, ``debug``, ``verbosity``, ``tunedConfig``,
``providerName``, ``spec.profile``, the ``deferred`` annotation and the ``bootcmdline-deps``
annotation. Absent fields compare as their defaults (false, 0, unset).

Created Profiles are controlled by ``Tuned/default`` (owner reference, so deleting the default CR
garbage-collects them). Unlike the reference, ``providerName`` is set at creation already instead
of on the next update: one write instead of two. Neighbours: `computed` (the input), `names`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from nto.controller.computed import ComputedProfile
from nto.controller.names import (
    BOOTCMDLINE_DEPS_ANNOTATION,
    DEFAULT_TUNED_NAME,
    DEFERRED_ALWAYS,
    DEFERRED_ANNOTATION,
    DEFERRED_UPDATE,
    OPERATOR_NAMESPACE,
    TUNED_API_VERSION,
)
from nto_api.objects import JSONDict, annotations_of, get_list, get_map

__all__ = [
    "default_owner_reference",
    "desired_annotations",
    "desired_profile",
    "profile_differences",
    "updated_profile",
]


def default_owner_reference(default_uid: str) -> JSONDict:
    """The controller owner reference to ``Tuned/default`` with `default_uid`."""
    return {
        "apiVersion": TUNED_API_VERSION,
        "kind": "Tuned",
        "name": DEFAULT_TUNED_NAME,
        "uid": default_uid,
        "controller": True,
        "blockOwnerDeletion": True,
    }


def desired_annotations(computed: ComputedProfile) -> dict[str, str]:
    """The annotations the controller owns on a Profile (deferred only for always/update)."""
    wanted = {BOOTCMDLINE_DEPS_ANNOTATION: computed.bootcmdline_deps}
    if computed.deferred in {DEFERRED_ALWAYS, DEFERRED_UPDATE}:
        wanted[DEFERRED_ANNOTATION] = computed.deferred
    return wanted


def desired_profile(
    computed: ComputedProfile,
    *,
    default_uid: str,
    namespace: str = OPERATOR_NAMESPACE,
) -> JSONDict:
    """The Profile object to create for ``computed.node``."""
    return {
        "apiVersion": TUNED_API_VERSION,
        "kind": "Profile",
        "metadata": {
            "name": computed.node,
            "namespace": namespace,
            "annotations": desired_annotations(computed),
            "ownerReferences": [default_owner_reference(default_uid)],
        },
        "spec": computed.spec(),
    }


def _normal_config(config: Mapping[str, Any]) -> tuple[Any, ...]:
    tuned_config = config.get("tunedConfig")
    reapply = tuned_config.get("reapply_sysctl") if isinstance(tuned_config, Mapping) else None
    return (
        config.get("tunedProfile"),
        config.get("debug") or False,
        config.get("verbosity") or 0,
        reapply,
        config.get("providerName") or "",
    )


_CONFIG_FIELDS = (
    "spec.config.tunedProfile",
    "spec.config.debug",
    "spec.config.verbosity",
    "spec.config.tunedConfig",
    "spec.config.providerName",
)


def profile_differences(existing: Mapping[str, Any], computed: ComputedProfile) -> list[str]:
    """The fields that make `existing` need an update, in a stable order; empty means none."""
    differences = [
        field
        for field, old, new in zip(
            _CONFIG_FIELDS,
            _normal_config(get_map(existing, "spec", "config")),
            _normal_config(computed.config()),
            strict=True,
        )
        if old != new
    ]
    if get_list(existing, "spec", "profile") != computed.profile_list():
        differences.append("spec.profile")
    old_annotations = annotations_of(existing)
    new_annotations = desired_annotations(computed)
    for key in (DEFERRED_ANNOTATION, BOOTCMDLINE_DEPS_ANNOTATION):
        if old_annotations.get(key) != new_annotations.get(key):
            differences.append(f"metadata.annotations[{key}]")
    return differences


def updated_profile(existing: Mapping[str, Any], computed: ComputedProfile) -> JSONDict:
    """`existing` with the computed spec and controller annotations; other fields kept."""
    updated: JSONDict = copy.deepcopy(dict(existing))
    metadata = updated.setdefault("metadata", {})
    current = metadata.get("annotations")
    merged = dict(current) if isinstance(current, Mapping) else {}
    merged.pop(DEFERRED_ANNOTATION, None)
    merged.update(desired_annotations(computed))
    metadata["annotations"] = merged
    spec = updated.get("spec")
    updated["spec"] = {**(spec if isinstance(spec, Mapping) else {}), **computed.spec()}
    return updated
