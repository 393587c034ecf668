"""API groups, versions, kinds, plurals and well-known object names, in one place.

Every module that names an API group or apiVersion takes it from here (a ``Literal`` type
annotation must spell the string out; its default still comes from here). Neighbours: the model
modules (`tuned`, `performance.*`, `foreign.*`) use the apiVersion strings
for their ``apiVersion`` fields; `crdgen` uses groups, kinds and plurals; the core and the
performance plugin use the object names (ClusterOperator, namespace, webhook service).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CAPABILITY_ANNOTATION",
    "CAPABILITY_NAME",
    "CONFIG_GROUP",
    "CONFIG_V1",
    "CONVERSION_PATH",
    "CONVERSION_SERVICE",
    "INJECT_CABUNDLE_ANNOTATION",
    "MACHINECONFIG_GROUP",
    "MACHINECONFIG_V1",
    "OPERATOR_NAMESPACE",
    "PERFORMANCE_GROUP",
    "PERFORMANCE_KIND",
    "PERFORMANCE_PLURAL",
    "PERFORMANCE_STORAGE_VERSION",
    "PERFORMANCE_V1",
    "PERFORMANCE_V1ALPHA1",
    "PERFORMANCE_V2",
    "PERFORMANCE_VERSIONS",
    "PROFILE_KIND",
    "PROFILE_PLURAL",
    "RELEASE_PROFILES",
    "TUNED_GROUP",
    "TUNED_KIND",
    "TUNED_PLURAL",
    "TUNED_V1",
]

TUNED_GROUP: Final = "tuned.openshift.io"
TUNED_V1: Final = "tuned.openshift.io/v1"
TUNED_KIND: Final = "Tuned"
TUNED_PLURAL: Final = "tuneds"
PROFILE_KIND: Final = "Profile"
PROFILE_PLURAL: Final = "profiles"

PERFORMANCE_GROUP: Final = "performance.openshift.io"
PERFORMANCE_KIND: Final = "PerformanceProfile"
PERFORMANCE_PLURAL: Final = "performanceprofiles"
PERFORMANCE_V1ALPHA1: Final = "performance.openshift.io/v1alpha1"
PERFORMANCE_V1: Final = "performance.openshift.io/v1"
PERFORMANCE_V2: Final = "performance.openshift.io/v2"
PERFORMANCE_VERSIONS: Final = ("v1", "v1alpha1", "v2")
"""Served versions, in the order the CRD lists them."""
PERFORMANCE_STORAGE_VERSION: Final = "v2"

MACHINECONFIG_GROUP: Final = "machineconfiguration.openshift.io"
MACHINECONFIG_V1: Final = "machineconfiguration.openshift.io/v1"
CONFIG_GROUP: Final = "config.openshift.io"
CONFIG_V1: Final = "config.openshift.io/v1"

OPERATOR_NAMESPACE: Final = "openshift-cluster-node-tuning-operator"
CONVERSION_SERVICE: Final = "performance-addon-operator-service"
"""Service in front of the operator's webhook server (conversion and validation)."""
CONVERSION_PATH: Final = "/convert"

CAPABILITY_ANNOTATION: Final = "capability.openshift.io/name"
CAPABILITY_NAME: Final = "NodeTuning"
INJECT_CABUNDLE_ANNOTATION: Final = "service.beta.openshift.io/inject-cabundle"
RELEASE_PROFILES: Final = (
    "hypershift",
    "ibm-cloud-managed",
    "self-managed-high-availability",
    "single-node-developer",
)
"""Cluster profiles whose ``include.release.openshift.io/<profile>`` annotation is "true"."""
