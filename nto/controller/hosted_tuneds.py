"""HyperShift: the hosted cluster's Tuneds, mirrored from the NodePools' management ConfigMaps.

With HyperShift, users do not write Tuneds into the hosted cluster: a NodePool references
ConfigMaps in the hosted control plane's namespace of the management cluster, labelled
``hypershift.openshift.io/tuned-config=true``, whose ``tuning`` key (older: ``tuned``) holds one
or more Tuned manifests (multi-document YAML) and whose annotation
``hypershift.openshift.io/nodePool`` names the NodePool (``<namespace>/<name>`` or ``<name>``).
Each Tuned goes to the hosted cluster renamed ``<name>-<fnv32a(nodepool) as %08x>`` (one
ConfigMap may serve several NodePools) and labelled ``hypershift.openshift.io/nodePoolName``.

- :func:`tuneds_from_config_maps`: the Tuneds the ConfigMaps ask for, with a warning for each
  ConfigMap that is skipped (no data key, no NodePool annotation, YAML that does not parse or
  documents that are not Tuneds) and each duplicate (the first, by ConfigMap name, wins);
- :func:`plan_tuned_sync`: create what is missing, update what differs (``spec.profile``,
  ``spec.recommend``, labels), delete hosted Tuneds no ConfigMap asks for, never ``default``.

Pure: no I/O, no clock. Neighbours: :mod:`.nodepools` (the calculation per NodePool and the
kernel-argument ConfigMaps), :mod:`nto.reconciler.hypershift` (reads and writes).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from nto.controller.names import (
    DEFAULT_TUNED_NAME,
    HYPERSHIFT_NODE_POOL_LABEL,
    HYPERSHIFT_NODE_POOL_NAME_LABEL,
    HYPERSHIFT_TUNED_KEY,
    HYPERSHIFT_TUNED_KEY_DEPRECATED,
    TUNED_API_VERSION,
)
from nto_api import safe_yaml
from nto_api.objects import JSONDict, annotations_of, get_map, labels_of, name_of

__all__ = [
    "TunedSyncPlan",
    "fnv32a",
    "hosted_tuned_name",
    "node_pool_of_annotation",
    "plan_tuned_sync",
    "tuneds_from_config_maps",
]

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv32a(text: str) -> str:
    """The 32-bit FNV-1a hash of ``text`` (UTF-8) as 8 lowercase hex digits."""
    value = _FNV_OFFSET
    for byte in text.encode():
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return f"{value:08x}"


def node_pool_of_annotation(value: str) -> str:
    """The NodePool name of an annotation value ``<namespace>/<name>`` (or plain ``<name>``)."""
    _, sep, name = value.partition("/")
    return name if sep else value


def hosted_tuned_name(name: str, node_pool: str) -> str:
    """The hosted-cluster name of Tuned ``name`` delivered to ``node_pool``."""
    return f"{name}-{fnv32a(node_pool)}"


def _documents(text: str, where: str) -> tuple[list[Mapping[str, Any]], str | None]:
    try:
        documents = safe_yaml.load_all(text)
    except (yaml.YAMLError, ValueError) as exc:
        return [], f"{where} is not valid YAML ({exc}); fix the manifests in it"
    found: list[Mapping[str, Any]] = []
    for index, document in enumerate(documents):
        if document is None:
            continue
        if not isinstance(document, Mapping):
            return [], (
                f"{where}: document {index} is a {type(document).__name__}, not a Tuned "
                "manifest; every document must be a Tuned"
            )
        kind = document.get("kind")
        if kind not in (None, "Tuned"):
            return [], f"{where}: document {index} is a {kind!r}, not a Tuned"
        name = get_map(document, "metadata").get("name")
        if not isinstance(name, str) or not name:
            return [], f"{where}: document {index} has no metadata.name; name every Tuned"
        found.append(document)
    return found, None


def _hosted_tuned(document: Mapping[str, Any], node_pool: str, namespace: str) -> JSONDict:
    metadata = get_map(document, "metadata")
    labels = {**labels_of(document), HYPERSHIFT_NODE_POOL_NAME_LABEL: node_pool}
    tuned: JSONDict = {
        "apiVersion": TUNED_API_VERSION,
        "kind": "Tuned",
        "metadata": {
            "name": hosted_tuned_name(str(metadata.get("name")), node_pool),
            "namespace": namespace,
            "labels": labels,
        },
        "spec": copy.deepcopy(dict(get_map(document, "spec"))),
    }
    annotations = annotations_of(document)
    if annotations:
        tuned["metadata"]["annotations"] = annotations
    return tuned


def tuneds_from_config_maps(
    config_maps: Iterable[Mapping[str, Any]],
    *,
    namespace: str,
) -> tuple[list[JSONDict], list[str]]:
    """The hosted Tuneds (in ``namespace``) the ConfigMaps ask for, and what was skipped why."""
    tuneds: dict[str, JSONDict] = {}
    warnings: list[str] = []
    for config_map in sorted(config_maps, key=name_of):
        where = f"ConfigMap {name_of(config_map)!r}"
        data = get_map(config_map, "data")
        text = data.get(HYPERSHIFT_TUNED_KEY)
        if not isinstance(text, str):
            text = data.get(HYPERSHIFT_TUNED_KEY_DEPRECATED)
            if not isinstance(text, str):
                warnings.append(
                    f"{where} has no data key {HYPERSHIFT_TUNED_KEY!r} (nor the deprecated "
                    f"{HYPERSHIFT_TUNED_KEY_DEPRECATED!r}); put the Tuned manifests there"
                )
                continue
        pool_annotation = annotations_of(config_map).get(HYPERSHIFT_NODE_POOL_LABEL)
        if not pool_annotation:
            warnings.append(
                f"{where} has no annotation {HYPERSHIFT_NODE_POOL_LABEL!r}; the NodePool "
                "controller sets it to <namespace>/<nodepool>"
            )
            continue
        node_pool = node_pool_of_annotation(pool_annotation)
        documents, problem = _documents(text, f"{where} key {HYPERSHIFT_TUNED_KEY!r}")
        if problem:
            warnings.append(problem)
            continue
        for document in documents:
            tuned = _hosted_tuned(document, node_pool, namespace)
            name = name_of(tuned)
            if name in tuneds:
                warnings.append(f"ignoring duplicate Tuned {name!r} in {where}")
                continue
            tuneds[name] = tuned
    return list(tuneds.values()), warnings


@dataclass(frozen=True)
class TunedSyncPlan:
    """What to write to make the hosted Tuneds mirror the ConfigMaps."""

    create: list[JSONDict] = field(default_factory=list)
    update: list[JSONDict] = field(default_factory=list)
    """Hosted Tuneds (with their resourceVersion) carrying the wanted spec and labels."""
    delete: list[str] = field(default_factory=list)


def _spec_part(tuned: Mapping[str, Any], key: str) -> Any:
    return get_map(tuned, "spec").get(key)


def plan_tuned_sync(
    wanted: Iterable[Mapping[str, Any]],
    hosted: Mapping[str, Mapping[str, Any]],
) -> TunedSyncPlan:
    """Creates, updates and deletes that make ``hosted`` (name -> Tuned) mirror ``wanted``.

    A hosted Tuned is updated when its ``spec.profile``, ``spec.recommend`` or labels differ;
    the update writes those three and keeps the rest. ``default`` is never deleted.
    """
    plan = TunedSyncPlan()
    wanted_names: set[str] = set()
    for tuned in wanted:
        name = name_of(tuned)
        wanted_names.add(name)
        existing = hosted.get(name)
        if existing is None:
            plan.create.append(copy.deepcopy(dict(tuned)))
            continue
        same = (
            _spec_part(existing, "profile") == _spec_part(tuned, "profile")
            and _spec_part(existing, "recommend") == _spec_part(tuned, "recommend")
            and labels_of(existing) == labels_of(tuned)
        )
        if same:
            continue
        updated: JSONDict = copy.deepcopy(dict(existing))
        spec = dict(get_map(updated, "spec"))
        for key in ("profile", "recommend"):
            value = _spec_part(tuned, key)
            if value is None:
                spec.pop(key, None)
            else:
                spec[key] = copy.deepcopy(value)
        updated["spec"] = spec
        updated.setdefault("metadata", {})["labels"] = labels_of(tuned)
        plan.update.append(updated)
    plan.delete.extend(
        sorted(name for name in hosted if name not in wanted_names and name != DEFAULT_TUNED_NAME)
    )
    return plan
