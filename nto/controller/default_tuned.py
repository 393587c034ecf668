"""Our ``Tuned/default``: the profile and recommend rules every cluster starts with, and its reset.

Facts kept from the reference (users and other profiles depend on them): one profile named
``openshift`` that includes the optional provider profile ``provider-<providerName>`` and then
the system ``openshift`` profile; recommend ``openshift-control-plane`` at priority 30 for nodes
labelled control-plane or infra (presence only) and the catch-all ``openshift-node`` at priority
40. No ``managementState`` is set, which means Managed.

Only ``spec.profile`` and ``spec.recommend`` are ours: a reset keeps the user's
``managementState``, labels and annotations. An existing default CR that says the same thing in
other words is left alone, so that a cluster handed over from the Go operator keeps its object
(no new generation, no Profile rewrite, no TuneD reload on every node; docs/upgrade.md): the
``summary`` line of a profile's ``[main]`` section is description only, and empty ``operand``
settings (``operand: {tunedConfig: {}}``, as the Go operator stores them) are the defaults.
Neighbours: `names`, `calculator` (evaluates these rules), `management` (reads managementState).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from nto.controller.names import (
    CONTROL_PLANE_ROLE_LABEL,
    DEFAULT_TUNED_NAME,
    INFRA_ROLE_LABEL,
    OPERATOR_NAMESPACE,
    TUNED_API_VERSION,
)
from nto_api.objects import JSONDict, get_map

__all__ = [
    "CONTROL_PLANE_PRIORITY",
    "NODE_PRIORITY",
    "OPENSHIFT_PROFILE_DATA",
    "default_spec",
    "default_tuned",
    "needs_reset",
    "reset_default",
]

CONTROL_PLANE_PRIORITY = 30
NODE_PRIORITY = 40

OPENSHIFT_PROFILE_DATA = """\
[main]
summary=OpenShift parent profile: optional cloud-provider tuning, then the system openshift profile
include=-provider-${f:exec:cat:/var/lib/ocp-tuned/provider},openshift
"""
"""The ``openshift`` profile of the default CR.

The ``-`` prefix makes ``provider-<name>`` optional (the operand writes the node's provider name to
/var/lib/ocp-tuned/provider). Including ``openshift`` from a profile of the same name makes TuneD
fall through to the system profile of that name in a lower-priority directory.
"""


def default_spec() -> JSONDict:
    """A fresh copy of the default CR's ``spec`` (profile and recommend only)."""
    return {
        "profile": [{"name": "openshift", "data": OPENSHIFT_PROFILE_DATA}],
        "recommend": [
            {
                "profile": "openshift-control-plane",
                "priority": CONTROL_PLANE_PRIORITY,
                "match": [{"label": CONTROL_PLANE_ROLE_LABEL}, {"label": INFRA_ROLE_LABEL}],
            },
            {"profile": "openshift-node", "priority": NODE_PRIORITY},
        ],
    }


def default_tuned(namespace: str = OPERATOR_NAMESPACE) -> JSONDict:
    """The ``Tuned/default`` object to create when it is missing."""
    return {
        "apiVersion": TUNED_API_VERSION,
        "kind": "Tuned",
        "metadata": {"name": DEFAULT_TUNED_NAME, "namespace": namespace},
        "spec": default_spec(),
    }


_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]*)\]\s*$")
_SUMMARY = re.compile(r"^\s*summary\s*=")


def _without_summary(data: Any) -> Any:
    """Profile text without the description-only ``summary=`` line of its ``[main]`` section."""
    if not isinstance(data, str):
        return data
    kept, section = [], ""
    for line in data.splitlines():
        header = _SECTION.match(line)
        if header:
            section = header.group("name").strip()
        elif section == "main" and _SUMMARY.match(line):
            continue
        kept.append(line)
    return "\n".join(kept)


def _pruned(value: Any) -> Any:
    """`value` without ``None`` values and empty mappings or lists inside mappings."""
    if isinstance(value, Mapping):
        items = {k: _pruned(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in items.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _meaning(spec: Mapping[str, Any]) -> tuple[Any, Any]:
    """What the default CR's profile and recommend mean, wording and defaults aside."""
    profiles = spec.get("profile")
    if isinstance(profiles, list):
        profiles = [
            {**p, "data": _without_summary(p.get("data"))} if isinstance(p, Mapping) else p
            for p in profiles
        ]
    return _pruned(profiles), _pruned(spec.get("recommend"))


def needs_reset(existing: Mapping[str, Any]) -> bool:
    """Whether the existing default CR's profile or recommend mean something other than ours."""
    return _meaning(get_map(existing, "spec")) != _meaning(default_spec())


def reset_default(existing: Mapping[str, Any]) -> JSONDict:
    """`existing` with ``spec.profile`` and ``spec.recommend`` reset; everything else kept.

    managementState, labels, annotations, status and unknown spec fields stay as they are.
    """
    desired: JSONDict = copy.deepcopy(dict(existing))
    spec = desired.get("spec")
    desired["spec"] = {**(spec if isinstance(spec, Mapping) else {}), **default_spec()}
    return desired
