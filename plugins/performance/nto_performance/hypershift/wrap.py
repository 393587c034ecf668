"""The ConfigMaps a HyperShift profile ConfigMap turns into: rendered objects and status.

In HyperShift nothing is written into the hosted cluster's MachineConfig or Tuned APIs: the
rendered MachineConfig, KubeletConfig and Tuned leave as ConfigMaps in the management namespace,
next to the profile ConfigMap, which the HyperShift NodePool controller (MachineConfig,
KubeletConfig) and the core's Tuned sync (Tuned) pick up. Each is named
``<kind>-<profile ConfigMap>``, carries the labels ``performanceProfileName`` and ``nodePool``,
the ``nodePool`` annotation, a kind label (see :data:`KIND_LABELS`), a controller owner
reference to the profile ConfigMap (so that deleting it collects them) and the object as YAML
under its data key. The status leaves the same way (``status-<profile ConfigMap>``, data key
``status``). :func:`configmap_update` says what to write over an existing ConfigMap: the data
key, and labels, annotations and the owner reference when missing (others' additions stay).
Pure. Neighbours: :mod:`.names`, :mod:`.decode`, :mod:`.reconciler`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

import yaml

from nto_api import safe_yaml
from nto_api.objects import JSONDict, metadata_of, name_of, namespace_of, uid_of
from nto_performance.components.manifestset import ManifestSet
from nto_performance.hypershift.names import (
    CONFIG_KEY,
    KUBELET_CONFIG_LABEL,
    MACHINE_CONFIG_LABEL,
    NODE_POOL_ANNOTATION,
    NODE_POOL_LABEL,
    PERFORMANCE_PROFILE_NAME_LABEL,
    STATUS_KEY,
    STATUS_LABEL,
    TUNED_CONFIG_LABEL,
    TUNING_KEY,
    node_pool_name,
    wrapped_name,
)

__all__ = [
    "DATA_KEYS",
    "KIND_LABELS",
    "WRAPPED_KINDS",
    "configmap_owner",
    "configmap_update",
    "decode_status",
    "encode",
    "status_configmap",
    "wrapped_configmaps",
]

WRAPPED_KINDS: Final = ("tuned", "machineconfig", "kubeletconfig")
"""The rendered kinds that leave as ConfigMaps, in write order (the RuntimeClass goes straight
into the hosted cluster)."""
KIND_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "tuned": {TUNED_CONFIG_LABEL: "true"},
    "machineconfig": {MACHINE_CONFIG_LABEL: "true"},
    "kubeletconfig": {MACHINE_CONFIG_LABEL: "true", KUBELET_CONFIG_LABEL: "true"},
    "status": {STATUS_LABEL: "true"},
}
DATA_KEYS: Final[Mapping[str, str]] = {
    "tuned": TUNING_KEY,
    "machineconfig": CONFIG_KEY,
    "kubeletconfig": CONFIG_KEY,
    "status": STATUS_KEY,
}


_Dumper: Final[type[Any]] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def encode(obj: Any) -> str:
    """`obj` as block YAML with sorted keys (deterministic, like Kubernetes' YAML output)."""
    text: str = yaml.dump(
        obj, Dumper=_Dumper, default_flow_style=False, sort_keys=True, allow_unicode=True
    )
    return text


def configmap_owner(configmap: Mapping[str, Any]) -> JSONDict:
    """A controller owner reference to the profile ConfigMap."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "name": name_of(configmap),
        "uid": uid_of(configmap),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def _configmap(
    kind: str,
    source: Mapping[str, Any],
    *,
    profile_name: str,
    node_pool: str,
    content: str,
) -> JSONDict:
    labels = {
        PERFORMANCE_PROFILE_NAME_LABEL: profile_name,
        NODE_POOL_LABEL: node_pool_name(node_pool),
        **KIND_LABELS[kind],
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": wrapped_name(kind, name_of(source)),
            "namespace": namespace_of(source),
            "labels": labels,
            "annotations": {NODE_POOL_ANNOTATION: node_pool},
            "ownerReferences": [configmap_owner(source)],
        },
        "data": {DATA_KEYS[kind]: content},
    }


def wrapped_configmaps(
    source: Mapping[str, Any],
    manifests: ManifestSet,
    *,
    profile_name: str,
    node_pool: str,
) -> dict[str, JSONDict]:
    """The Tuned, MachineConfig and KubeletConfig ConfigMaps of profile ConfigMap `source`."""
    return {
        kind: _configmap(
            kind,
            source,
            profile_name=profile_name,
            node_pool=node_pool,
            content=encode(manifests.by_kind(kind)),
        )
        for kind in WRAPPED_KINDS
    }


def status_configmap(
    source: Mapping[str, Any],
    status: Mapping[str, Any],
    *,
    profile_name: str,
    node_pool: str,
) -> JSONDict:
    """The status ConfigMap of profile ConfigMap `source` holding `status`."""
    return _configmap(
        "status", source, profile_name=profile_name, node_pool=node_pool, content=encode(status)
    )


def decode_status(configmap: Mapping[str, Any] | None) -> JSONDict:
    """The PerformanceProfileStatus a status ConfigMap holds; ``{}`` when absent or unreadable
    (the controller then writes a fresh one)."""
    data = (configmap or {}).get("data")
    text = data.get(STATUS_KEY) if isinstance(data, Mapping) else None
    if not isinstance(text, str):
        return {}
    try:
        status = safe_yaml.load(text)
    except yaml.YAMLError:
        return {}
    return dict(status) if isinstance(status, Mapping) else {}


def _missing(existing: Mapping[str, Any] | None, desired: Mapping[str, str]) -> dict[str, str]:
    have = existing if isinstance(existing, Mapping) else {}
    return {k: v for k, v in desired.items() if have.get(k) != v}


def configmap_update(existing: Mapping[str, Any], desired: Mapping[str, Any]) -> JSONDict | None:
    """`existing` with `desired`'s data and, where missing or different, its labels,
    annotations and owner reference; None when nothing differs."""
    meta = metadata_of(existing)
    want = desired["metadata"]
    data = existing.get("data") if isinstance(existing.get("data"), Mapping) else {}
    new_data = _missing(data, desired["data"])
    new_labels = _missing(meta.get("labels"), want["labels"])
    new_annotations = _missing(meta.get("annotations"), want["annotations"])
    owners = [o for o in meta.get("ownerReferences") or [] if isinstance(o, Mapping)]
    owner = want["ownerReferences"][0]
    has_owner = any(o.get("uid") == owner["uid"] and o.get("controller") for o in owners)
    if not (new_data or new_labels or new_annotations) and has_owner:
        return None
    updated = copy.deepcopy(dict(existing))
    merged_meta = updated.setdefault("metadata", {})
    merged_meta["labels"] = {**(meta.get("labels") or {}), **new_labels}
    merged_meta["annotations"] = {**(meta.get("annotations") or {}), **new_annotations}
    if not has_owner:
        others = [o for o in owners if not o.get("controller")]
        merged_meta["ownerReferences"] = [*copy.deepcopy(others), owner]
    updated["data"] = {**dict(data or {}), **new_data}
    return updated
