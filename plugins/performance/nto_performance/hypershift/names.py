"""Every label, annotation, data key, finalizer and object name of the HyperShift mode.

In HyperShift the operator runs in the management cluster's hosted-control-plane namespace.
A PerformanceProfile arrives as a ConfigMap there (label :data:`PERFORMANCE_PROFILE_CONFIG_LABEL`,
data key :data:`TUNING_KEY`, annotation :data:`NODE_POOL_ANNOTATION` = ``<namespace>/<nodepool>``);
what it renders leaves as ConfigMaps next to it, named ``<kind>-<that ConfigMap's name>``
(``machineconfig-``, ``kubeletconfig-``, ``tuned-``, and ``status-`` for the status). These
names are an interface with the HyperShift operator: they follow the reference exactly (sources
in ``docs/hypershift-performance.md``). Pure. Neighbours: :mod:`.decode`, :mod:`.wrap`,
:mod:`nto_performance.components.names` (the rendered objects' own names).
"""

from __future__ import annotations

import re
from typing import Final

from nto.plugins.tuned import hosted_tuned_name
from nto_performance.components.names import OPERATOR_NAMESPACE, tuned_name

__all__ = [
    "CONFIG_KEY",
    "FINALIZER",
    "KUBELET_CONFIG_LABEL",
    "MACHINE_CONFIG_LABEL",
    "NODE_POOL_ANNOTATION",
    "NODE_POOL_LABEL",
    "NODE_POOL_NODE_LABEL",
    "PERFORMANCE_PROFILE_CONFIG_LABEL",
    "PERFORMANCE_PROFILE_NAME_LABEL",
    "STATUS_KEY",
    "STATUS_LABEL",
    "TUNED_CONFIG_LABEL",
    "TUNING_KEY",
    "WrappedKind",
    "invalid_label_value",
    "invalid_object_name",
    "node_pool_name",
    "status_tuned",
    "tuned_unique_name",
    "wrapped_name",
]

PERFORMANCE_PROFILE_CONFIG_LABEL: Final = "hypershift.openshift.io/performanceprofile-config"
"""Label of the management ConfigMaps that carry a PerformanceProfile (any value)."""
NODE_POOL_ANNOTATION: Final = "hypershift.openshift.io/nodePool"
"""Annotation ``<namespace>/<nodepool>`` on the profile ConfigMap and on what it renders."""
NODE_POOL_LABEL: Final = "hypershift.openshift.io/nodePool"
"""Label ``<nodepool>`` (the name part) on every ConfigMap the controller writes."""
NODE_POOL_NODE_LABEL: Final = "hypershift.openshift.io/nodePool"
"""Label of the hosted cluster's Nodes naming their NodePool."""
PERFORMANCE_PROFILE_NAME_LABEL: Final = "hypershift.openshift.io/performanceProfileName"
"""Label ``<profile name>`` on every ConfigMap the controller writes."""
TUNED_CONFIG_LABEL: Final = "hypershift.openshift.io/tuned-config"
"""Label (``"true"``) of the Tuned ConfigMap; the core mirrors those into the hosted cluster."""
MACHINE_CONFIG_LABEL: Final = "hypershift.openshift.io/nto-generated-machine-config"
"""Label (``"true"``) of the MachineConfig and KubeletConfig ConfigMaps."""
KUBELET_CONFIG_LABEL: Final = "hypershift.openshift.io/kubeletconfig-config"
"""Label (``"true"``) of the KubeletConfig ConfigMap, besides :data:`MACHINE_CONFIG_LABEL`."""
STATUS_LABEL: Final = "hypershift.openshift.io/nto-generated-performance-profile-status"
"""Label (``"true"``) of the status ConfigMap."""

TUNING_KEY: Final = "tuning"
"""Data key of the profile ConfigMap and of the Tuned ConfigMap."""
CONFIG_KEY: Final = "config"
"""Data key of the MachineConfig and KubeletConfig ConfigMaps."""
STATUS_KEY: Final = "status"
"""Data key of the status ConfigMap (a YAML PerformanceProfileStatus)."""

FINALIZER: Final = "hypershift.openshift.io/foreground-deletion"
"""Finalizer on the profile ConfigMap (classic mode uses ``foreground-deletion``)."""

WrappedKind = str
"""``machineconfig``, ``kubeletconfig``, ``tuned`` or ``status``: the ConfigMap name prefix."""

_MAX_NAME: Final = 253
_MAX_LABEL_VALUE: Final = 63
_SUBDOMAIN: Final = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL_VALUE: Final = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")


def wrapped_name(kind: WrappedKind, configmap_name: str) -> str:
    """``<kind>-<profile ConfigMap name>``, e.g. ``tuned-perfprofile-np1``."""
    return f"{kind}-{configmap_name}"


def node_pool_name(annotation: str) -> str:
    """The name part of ``<namespace>/<name>`` (the whole value when it has no ``/``)."""
    return annotation.split("/", 1)[1] if "/" in annotation else annotation


def tuned_unique_name(name: str, node_pool: str) -> str:
    """``<name>-<fnv32a(node_pool) as 8 hex digits>``: a Tuned's name in the hosted cluster,
    as the core's Tuned sync names it (the same function)."""
    return hosted_tuned_name(name, node_pool)


def status_tuned(profile_name: str, node_pool: str) -> str:
    """``status.tuned`` in HyperShift: the operator namespace and the Tuned's unique name."""
    return f"{OPERATOR_NAMESPACE}/{tuned_unique_name(tuned_name(profile_name), node_pool)}"


def invalid_object_name(name: str) -> str | None:
    """Why `name` cannot name an object (a DNS-1123 subdomain), or None when it can."""
    if not name:
        return "it is empty"
    if len(name) > _MAX_NAME:
        return f"it is {len(name)} characters long, over the limit of {_MAX_NAME}"
    if not _SUBDOMAIN.fullmatch(name):
        return (
            "it is not a DNS-1123 subdomain (lower case letters, digits, '-' and '.', starting "
            "and ending with a letter or digit)"
        )
    return None


def invalid_label_value(value: str) -> str | None:
    """Why `value` cannot be a label value, or None when it can."""
    if len(value) > _MAX_LABEL_VALUE:
        return f"it is {len(value)} characters long, over the label value limit of 63"
    if not _LABEL_VALUE.fullmatch(value):
        return (
            "it is not a valid label value (letters, digits, '-', '_' and '.', starting and "
            "ending with a letter or digit)"
        )
    return None
