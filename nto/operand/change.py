"""A node's Profile object to the `Change` the operand acts on.

Copied from the Profile: ``spec.config.providerName``, ``spec.config.tunedProfile``, ``debug``,
``verbosity``, ``tunedConfig.reapply_sysctl`` (unset means true), the deferred mode from the
``tuned.openshift.io/deferred`` annotation (exactly ``always`` or ``update``; anything else, case
included, means never), and the profiles. Pure. Neighbours: `files` (validation), `daemon`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nto.operand.files import check_profile_name, check_profiles
from nto_api.objects import annotations_of, get_map, metadata_of
from nto_api.tuned import BOOTCMDLINE_DEPS_ANNOTATION, DEFERRED_ANNOTATION


class DeferredMode(enum.Enum):
    """When a changed profile is applied."""

    NEVER = "never"
    ALWAYS = "always"
    UPDATE = "update"


def deferred_mode(annotations: Mapping[str, Any] | None) -> DeferredMode:
    """The deferred mode of an object's annotations (case-sensitive key and value)."""
    value = (annotations or {}).get(DEFERRED_ANNOTATION)
    if value == "always":
        return DeferredMode.ALWAYS
    if value == "update":
        return DeferredMode.UPDATE
    return DeferredMode.NEVER


@dataclass(frozen=True)
class Change:
    """What a Profile asks of this node."""

    recommended: str
    profiles: dict[str, str] = field(default_factory=dict)
    provider: str = ""
    debug: bool = False
    verbosity: int = 0
    reapply_sysctl: bool = True
    deferred: DeferredMode = DeferredMode.NEVER
    generation: int | None = None
    bootcmdline_deps: str | None = None


def change_from_profile(profile: Mapping[str, Any]) -> Change:
    """Build the Change; raises `files.InvalidProfileError` for unsafe names or data."""
    spec = get_map(profile, "spec")
    config = get_map(spec, "config")
    recommended = check_profile_name(config.get("tunedProfile"), where="spec.config.tunedProfile")
    tuned_config = get_map(config, "tunedConfig")
    reapply = tuned_config.get("reapply_sysctl")
    annotations = annotations_of(profile)
    generation = metadata_of(profile).get("generation")
    deps = annotations.get(BOOTCMDLINE_DEPS_ANNOTATION)
    return Change(
        recommended=recommended,
        profiles=check_profiles(spec.get("profile")),
        provider=str(config.get("providerName") or ""),
        debug=bool(config.get("debug")),
        verbosity=int(config.get("verbosity") or 0),
        reapply_sysctl=True if reapply is None else bool(reapply),
        deferred=deferred_mode(annotations),
        generation=generation if isinstance(generation, int) else None,
        bootcmdline_deps=deps,
    )
