"""CVO conventions: the annotations every bundle object carries and which profiles include it.

Every object gets ``capability.openshift.io/name: NodeTuning``. Objects that set no
``include.release.openshift.io/*`` annotation of their own are included in every release
profile (:data:`~nto.bundle.names.RELEASE_PROFILES`); the operator Deployment narrows its
profiles (:data:`OPERATOR_PROFILES`, :data:`IBM_CLOUD_PROFILES`). Neighbours:
:mod:`nto.bundle.generate` applies :func:`annotate` to every document it writes.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Final

from nto.bundle.names import (
    CAPABILITY_ANNOTATION,
    CAPABILITY_NAME,
    INCLUDE_RELEASE_PREFIX,
    RELEASE_PROFILES,
)
from nto_api.objects import JSONDict

OPERATOR_PROFILES: Final = ("self-managed-high-availability", "single-node-developer")
"""Profiles of ``50-operator.yaml``."""
IBM_CLOUD_PROFILES: Final = ("hypershift", "ibm-cloud-managed")
"""Profiles of ``50-operator-ibm-cloud-managed.yaml`` (the Deployment without a nodeSelector)."""


def include_release(profiles: Iterable[str] = RELEASE_PROFILES) -> dict[str, str]:
    """``include.release.openshift.io/<profile>: "true"`` for each profile."""
    return {f"{INCLUDE_RELEASE_PREFIX}{profile}": "true" for profile in profiles}


def annotate(manifest: JSONDict) -> JSONDict:
    """A copy of ``manifest`` with the capability and, unless it has its own, all profiles."""
    document = copy.deepcopy(manifest)
    metadata = document.setdefault("metadata", {})
    own: dict[str, str] = dict(metadata.get("annotations") or {})
    defaults = {CAPABILITY_ANNOTATION: CAPABILITY_NAME}
    if not any(key.startswith(INCLUDE_RELEASE_PREFIX) for key in own):
        defaults.update(include_release())
    metadata["annotations"] = {**defaults, **own}
    return document
