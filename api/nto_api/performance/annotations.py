"""Annotation and label keys of PerformanceProfiles, and the topology policies, without pydantic.

`nto_api.performance.common` re-exports every name here; the renderers import them from this
module so that the offline ``render`` command does not load the models. Neighbours: `common`,
`nto_api.views`.
"""

from __future__ import annotations

from typing import Final

from nto_api.performance.defaults import DEFAULT_TOPOLOGY_POLICY

__all__ = [
    "CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION",
    "DEFAULT_TOPOLOGY_POLICY",
    "DRA_RESOURCE_MANAGEMENT_ANNOTATION",
    "ENABLE_PHYSICAL_DEV_RPS_ANNOTATION",
    "ENABLE_RPS_ANNOTATION",
    "EXEC_CPU_AFFINITY_ANNOTATION",
    "KUBELETCONFIG_EXPERIMENTAL_ANNOTATION",
    "PAUSE_RECONCILE_ANNOTATION",
    "TOPOLOGY_POLICIES",
    "WEAK_OWNER_REFERENCE_NAME_LABEL",
]

TOPOLOGY_POLICIES: Final = ("none", "best-effort", "restricted", "single-numa-node")
"""Values of ``spec.numa.topologyPolicy`` the validating webhook accepts; the CRD accepts any."""

PAUSE_RECONCILE_ANNOTATION: Final = "performance.openshift.io/pause-reconcile"
ENABLE_RPS_ANNOTATION: Final = "performance.openshift.io/enable-rps"
ENABLE_PHYSICAL_DEV_RPS_ANNOTATION: Final = "performance.openshift.io/enable-physical-dev-rps"
EXEC_CPU_AFFINITY_ANNOTATION: Final = "performance.openshift.io/exec-cpu-affinity"
DRA_RESOURCE_MANAGEMENT_ANNOTATION: Final = "performance.openshift.io/dra-resource-management"
CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION: Final = (
    "performance.openshift.io/cpu-load-balancing-ovs-dpdk"
)
KUBELETCONFIG_EXPERIMENTAL_ANNOTATION: Final = "kubeletconfig.experimental"
WEAK_OWNER_REFERENCE_NAME_LABEL: Final = "performance.openshift.io/weak-owner-reference-name"
