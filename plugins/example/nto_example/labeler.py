"""Keep label ``tuned.openshift.io/profile`` on each Node equal to its Profile's TuneD profile.

Profiles (``tuned.openshift.io/v1``, one per Node, same name) are watched through kopf; each
event merge-patches the Node's label when it differs, or removes it when the Profile goes away,
through the operator's shared API client (``OperatorContext.client``), never a client per event.
A profile name that is not a valid label value (over 63 characters, or characters a label value
may not hold) removes the label and logs why, instead of failing the patch on every event.
Neighbours: :mod:`nto_example.plugin` (registration and the client), :mod:`nto_api.objects`
(the field readers).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

from nto.plugins import KubeClient
from nto_api.names import PROFILE_PLURAL, TUNED_GROUP
from nto_api.objects import JSONDict, labels_of, name_of

logger = logging.getLogger(__name__)

LABEL: Final = "tuned.openshift.io/profile"
PROFILES: Final = (TUNED_GROUP, "v1", PROFILE_PLURAL)
NODES: Final = ("v1", "nodes")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")


def label_value(profile: Any) -> str | None:
    """The label value for ``profile`` (a Profile dict), or ``None`` when there is none."""
    spec = profile.get("spec") if isinstance(profile, dict) else None
    config = spec.get("config") if isinstance(spec, dict) else None
    value = config.get("tunedProfile") if isinstance(config, dict) else None
    if not isinstance(value, str) or not value:
        return None
    if not _LABEL_VALUE.match(value):
        logger.warning(
            "TuneD profile %r of Profile %r is not a valid label value; removing label %s",
            value[:80],
            name_of(profile),
            LABEL,
        )
        return None
    return value


def label_patch(event_type: str | None, profile: JSONDict) -> JSONDict:
    """The merge patch of the Node for one Profile event (``None`` removes the label)."""
    value = None if event_type == "DELETED" else label_value(profile)
    return {"metadata": {"labels": {LABEL: value}}}


async def relabel(client: KubeClient, event_type: str | None, profile: JSONDict) -> None:
    """Patch, through ``client``, the Node named like ``profile``; a Node already gone is fine."""
    node = name_of(profile)
    if not node:
        return
    patch = label_patch(event_type, profile)
    wanted = patch["metadata"]["labels"][LABEL]
    current = await client.get(*NODES, node)
    if current is None:
        logger.info("Node %r of Profile %r is gone; nothing to label", node, node)
        return
    if labels_of(current).get(LABEL) == wanted:
        return  # patch only real differences: every Node write wakes other controllers
    await client.patch(*NODES, node, patch)
