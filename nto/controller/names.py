"""Names the Tuned controller shares with the cluster: objects, annotations, labels, reasons.

One place for every string another component or an existing cluster depends on. The annotation
keys come from `nto_api.tuned` (their one source of truth) and are re-exported here. Neighbours:
every module of `nto.controller` imports from here; nothing here imports them.
"""

from __future__ import annotations

from typing import Final

from nto_api.names import MACHINECONFIG_GROUP, OPERATOR_NAMESPACE, TUNED_GROUP, TUNED_V1
from nto_api.tuned import (
    BOOTCMDLINE_ANNOTATION,
    BOOTCMDLINE_DEPS_ANNOTATION,
    CLUSTER_OPERATOR_NAME,
    DEFAULT_TUNED_NAME,
    DEFERRED_ANNOTATION,
    GENERATED_BY_CONTROLLER_VERSION_ANNOTATION,
    LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION,
    OPERAND_NAME,
    RENDERED_TUNED_NAME,
)

__all__ = [
    "BOOTCMDLINE_ANNOTATION",
    "BOOTCMDLINE_DEPS_ANNOTATION",
    "CLUSTER_OPERATOR_NAME",
    "CONTROL_PLANE_ROLE_LABEL",
    "DAEMONSET_NAME",
    "DEFAULT_TUNED_NAME",
    "DEFERRED_ALWAYS",
    "DEFERRED_ANNOTATION",
    "DEFERRED_NEVER",
    "DEFERRED_UPDATE",
    "GENERATED_BY_CONTROLLER_VERSION_ANNOTATION",
    "GENERATED_MACHINE_CONFIG_PREFIX",
    "HYPERSHIFT_MC_CONFIGMAP_LABEL",
    "HYPERSHIFT_MC_CONFIG_KEY",
    "HYPERSHIFT_NODE_POOL_LABEL",
    "HYPERSHIFT_NODE_POOL_NAME_LABEL",
    "HYPERSHIFT_TUNED_CONFIGMAP_LABEL",
    "HYPERSHIFT_TUNED_KEY",
    "HYPERSHIFT_TUNED_KEY_DEPRECATED",
    "INFRA_ROLE_LABEL",
    "LAST_STABLE_DAEMONSET_GENERATION_ANNOTATION",
    "LEADER_LOCK_NAME",
    "MACHINECONFIG_API_VERSION",
    "MACHINECONFIG_GROUP",
    "MACHINE_CONFIG_PREFIX",
    "MASTER_POOL",
    "OPERAND_APP_LABEL",
    "OPERAND_NAME",
    "OPERAND_SERVICE_ACCOUNT",
    "OPERATOR_NAME",
    "OPERATOR_NAMESPACE",
    "OS_LABEL",
    "RENDERED_TUNED_NAME",
    "TUNED_API_VERSION",
    "TUNED_GROUP",
    "VALID_CONDITION",
    "WORKER_POOL",
    "machine_config_name",
    "node_pool_config_map_name",
]

OPERATOR_NAME: Final = "cluster-node-tuning-operator"
"""Operator Deployment, ServiceAccount, ClusterRole and binary name."""
DAEMONSET_NAME: Final = "tuned"
"""The operand DaemonSet, also the name of its ServiceAccount."""
OPERAND_SERVICE_ACCOUNT: Final = "tuned"
OPERAND_APP_LABEL: Final = "openshift-app"
"""Label key of the operand's pods; its value is `DAEMONSET_NAME`."""
LEADER_LOCK_NAME: Final = "node-tuning-operator-lock"
"""coordination.k8s.io Lease used for leader election."""

TUNED_API_VERSION: Final = TUNED_V1
MACHINECONFIG_API_VERSION: Final = f"{MACHINECONFIG_GROUP}/v1"
MACHINE_CONFIG_PREFIX: Final = "50-nto"
"""Kernel-argument MachineConfigs are named ``50-nto-<pool>`` (``50-nto`` without a pool)."""
MASTER_POOL: Final = "master"
WORKER_POOL: Final = "worker"

DEFERRED_ALWAYS: Final = "always"
DEFERRED_UPDATE: Final = "update"
DEFERRED_NEVER: Final = "never"
"""Not an annotation value: any value other than always/update means never."""

VALID_CONDITION: Final = "Valid"
"""The only condition type of a Tuned."""

OS_LABEL: Final = "kubernetes.io/os"
CONTROL_PLANE_ROLE_LABEL: Final = "node-role.kubernetes.io/control-plane"
INFRA_ROLE_LABEL: Final = "node-role.kubernetes.io/infra"


def machine_config_name(pool_names: list[str] | tuple[str, ...]) -> str:
    """``50-nto-<first pool in alphabetical order>``, or ``50-nto`` without pools.

    Sorting keeps the name stable whatever order the pools were listed in (OCPBUGS-24792).
    """
    if not pool_names:
        return MACHINE_CONFIG_PREFIX
    return f"{MACHINE_CONFIG_PREFIX}-{min(pool_names)}"


# --- HyperShift (docs/hypershift.md) ---------------------------------------------------------

HYPERSHIFT_TUNED_CONFIGMAP_LABEL: Final = "hypershift.openshift.io/tuned-config"
"""Label (value ``"true"``) of the management ConfigMaps that carry a NodePool's Tuneds."""
HYPERSHIFT_TUNED_KEY: Final = "tuning"
"""Data key of those ConfigMaps: multi-document YAML of Tuneds."""
HYPERSHIFT_TUNED_KEY_DEPRECATED: Final = "tuned"
"""The older data key, read when ``tuning`` is absent."""
HYPERSHIFT_NODE_POOL_LABEL: Final = "hypershift.openshift.io/nodePool"
"""On hosted Nodes (label: the NodePool's name), on the Tuned ConfigMaps (annotation:
``<namespace>/<name>`` or ``<name>``) and on the MC ConfigMaps (label and annotation)."""
HYPERSHIFT_NODE_POOL_NAME_LABEL: Final = "hypershift.openshift.io/nodePoolName"
"""On hosted-cluster Tuneds mirrored from a NodePool's ConfigMap: the NodePool's name."""
HYPERSHIFT_MC_CONFIGMAP_LABEL: Final = "hypershift.openshift.io/nto-generated-machine-config"
"""Label (value ``"true"``) of the ConfigMaps carrying a NodePool's kernel-argument MC."""
HYPERSHIFT_MC_CONFIG_KEY: Final = "config"
"""Data key of those ConfigMaps: the MachineConfig as YAML."""
GENERATED_MACHINE_CONFIG_PREFIX: Final = "nto-mc-"


def node_pool_config_map_name(node_pool: str) -> str:
    """``nto-mc-<nodepool>``: the management ConfigMap carrying the NodePool's MachineConfig."""
    return f"{GENERATED_MACHINE_CONFIG_PREFIX}{node_pool}"
