"""Every object name, label key and annotation key the performance renderers use.

Neighbours: each renderer (:mod:`.machineconfig`, :mod:`.kubeletconfig`, :mod:`.tuned`,
:mod:`.runtimeclass`), :mod:`.manifestset`, the offline ``render`` command and the controller.
Names are an interface with existing clusters and installers: they follow the reference exactly.
Renderers append constants they need here (append only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from nto_api.foreign.ignition import MACHINECONFIG_ROLE_LABEL
from nto_api.names import OPERATOR_NAMESPACE
from nto_api.performance.annotations import (
    CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION,
    DRA_RESOURCE_MANAGEMENT_ANNOTATION,
    ENABLE_PHYSICAL_DEV_RPS_ANNOTATION,
    ENABLE_RPS_ANNOTATION,
    EXEC_CPU_AFFINITY_ANNOTATION,
    KUBELETCONFIG_EXPERIMENTAL_ANNOTATION,
    PAUSE_RECONCILE_ANNOTATION,
    WEAK_OWNER_REFERENCE_NAME_LABEL,
)
from nto_performance.components._common import RenderError

if TYPE_CHECKING:
    from nto_api.views import PoolView, ProfileView

__all__ = [
    "ARBITER_POOL",
    "CONTROL_PLANE_TOPOLOGY_ARBITER",
    "CPU_LOAD_BALANCING_OVS_DPDK_ANNOTATION",
    "CPU_PARTITIONING_ALL_NODES",
    "CRIO_CPU_SHARED_ANNOTATION",
    "CRIO_HIGH_PERFORMANCE_ANNOTATIONS",
    "DRA_RESOURCE_MANAGEMENT_ANNOTATION",
    "ENABLE_PHYSICAL_DEV_RPS_ANNOTATION",
    "ENABLE_RPS_ANNOTATION",
    "EXEC_CPU_AFFINITY_ANNOTATION",
    "HIGH_PERFORMANCE_RUNTIME_HANDLER",
    "KUBELETCONFIG_EXPERIMENTAL_ANNOTATION",
    "MACHINE_CONFIG_ROLE_LABEL",
    "MASTER_POOL",
    "NODE_ROLE_LABEL_PREFIX",
    "OPERATOR_NAMESPACE",
    "PAUSE_RECONCILE_ANNOTATION",
    "POOL_LABEL_PREFIX",
    "WEAK_OWNER_REFERENCE_NAME_LABEL",
    "WORKER_POOL",
    "WORKLOAD_MANAGEMENT_ANNOTATION",
    "WORKLOAD_PINNING_FILE",
    "WORKLOAD_RESOURCES_ANNOTATION_PREFIX",
    "RenderedKind",
    "default_machine_config_label",
    "kubelet_config_name",
    "machine_config_label",
    "machine_config_name",
    "machine_config_pool_selector",
    "node_role",
    "node_role_label",
    "pool_label",
    "render_output_file",
    "runtime_class_name",
    "tuned_name",
    "workload_pinning_bootstrap_file",
    "workload_pinning_bootstrap_name",
]

MACHINE_CONFIG_ROLE_LABEL: Final = MACHINECONFIG_ROLE_LABEL
"""``machineconfiguration.openshift.io/role``: the default machineConfigLabel key."""
POOL_LABEL_PREFIX: Final = "pools.operator.machineconfiguration.openshift.io/"
"""Prefix of the label every default MachineConfigPool carries (``.../master: ""``)."""
NODE_ROLE_LABEL_PREFIX: Final = "node-role.kubernetes.io/"
"""Prefix of node role labels (``node-role.kubernetes.io/worker: ""``)."""

MASTER_POOL: Final = "master"
WORKER_POOL: Final = "worker"
ARBITER_POOL: Final = "arbiter"

CPU_PARTITIONING_ALL_NODES: Final = "AllNodes"
"""``Infrastructure.status.cpuPartitioning`` value that turns workload partitioning on."""
CONTROL_PLANE_TOPOLOGY_ARBITER: Final = "HighlyAvailableArbiter"
"""``Infrastructure.status.controlPlaneTopology`` that adds the ``arbiter`` default pool."""
WORKLOAD_PINNING_FILE: Final = "/etc/kubernetes/openshift-workload-pinning"
"""Kubelet workload-pinning file; its presence in a MachineConfig marks legacy single-node
pinning for the offline render."""

HIGH_PERFORMANCE_RUNTIME_HANDLER: Final = "high-performance"
"""CRI-O runtime handler of the profile's RuntimeClass."""

_COMPONENT_PREFIX: Final = "performance"
_MACHINE_CONFIG_PREFIX: Final = "50-performance"
_TUNED_PREFIX: Final = "openshift-node-performance"

RenderedKind = Literal["machineconfig", "kubeletconfig", "tuned", "runtimeclass"]


def machine_config_name(profile_name: str) -> str:
    """``50-performance-<pp>``: the profile's MachineConfig."""
    return f"{_MACHINE_CONFIG_PREFIX}-{profile_name}"


def kubelet_config_name(profile_name: str) -> str:
    """``performance-<pp>``: the profile's KubeletConfig."""
    return f"{_COMPONENT_PREFIX}-{profile_name}"


def runtime_class_name(profile_name: str) -> str:
    """``performance-<pp>``: the profile's RuntimeClass."""
    return f"{_COMPONENT_PREFIX}-{profile_name}"


def tuned_name(profile_name: str) -> str:
    """``openshift-node-performance-<pp>``: the profile's Tuned (in :data:`OPERATOR_NAMESPACE`)."""
    return f"{_TUNED_PREFIX}-{profile_name}"


def workload_pinning_bootstrap_name(pool_name: str) -> str:
    """``01-<pool>-cpu-partitioning``: the bootstrap-only workload-pinning MachineConfig."""
    return f"01-{pool_name}-cpu-partitioning"


def workload_pinning_bootstrap_file(pool_name: str) -> str:
    """Output file of the bootstrap workload-pinning MachineConfig of `pool_name`."""
    return f"01_01-{pool_name}-cpu-partitioning_workload_pinning_machineconfig.yaml"


def render_output_file(profile_name: str, kind: RenderedKind) -> str:
    """``<pp>_<kind>.yaml``: where the offline render writes one of a profile's objects."""
    return f"{profile_name}_{kind}.yaml"


def pool_label(pool_name: str) -> str:
    """``pools.operator.machineconfiguration.openshift.io/<pool>``."""
    return POOL_LABEL_PREFIX + pool_name


def node_role_label(role: str) -> str:
    """``node-role.kubernetes.io/<role>``."""
    return NODE_ROLE_LABEL_PREFIX + role


def node_role(profile: ProfileView) -> str:
    """The role in the profile's first nodeSelector key: the part after ``/``.

    Raises `RenderError` when the nodeSelector is empty or its first key has no ``/``.
    """
    selector = profile.spec.node_selector
    name = profile.metadata.name
    if not selector:
        raise RenderError(
            f"spec.nodeSelector is empty in PerformanceProfile {name!r}; "
            'set one "<domain>/<role>": "" label'
        )
    key = next(iter(selector))
    _, slash, role = key.partition("/")
    if not slash or not role:
        raise RenderError(
            f"spec.nodeSelector key {key!r} in PerformanceProfile {name!r} has no role after '/'; "
            'use a key such as "node-role.kubernetes.io/worker-cnf"'
        )
    return role


def default_machine_config_label(profile: ProfileView) -> dict[str, str]:
    """``{machineconfiguration.openshift.io/role: <role>}`` with the role of :func:`node_role`."""
    return {MACHINE_CONFIG_ROLE_LABEL: node_role(profile)}


def machine_config_label(profile: ProfileView) -> dict[str, str]:
    """Labels of the MachineConfig (and the Tuned's recommend): spec value, else the default."""
    if profile.spec.machine_config_label is not None:
        return dict(profile.spec.machine_config_label)
    return default_machine_config_label(profile)


def machine_config_pool_selector(
    profile: ProfileView,
    pool: PoolView | None,
) -> dict[str, str]:
    """matchLabels of the KubeletConfig's pool selector, in the reference's order of preference:
    ``spec.machineConfigPoolSelector``, else every label of the matched pool, else the default
    role label."""
    if profile.spec.machine_config_pool_selector is not None:
        return dict(profile.spec.machine_config_pool_selector)
    if pool is not None:
        return dict(pool.metadata.labels or {})
    return default_machine_config_label(profile)


CRIO_HIGH_PERFORMANCE_ANNOTATIONS: Final = (
    "cpu-load-balancing.crio.io",
    "cpu-quota.crio.io",
    "irq-load-balancing.crio.io",
    "cpu-c-states.crio.io",
    "cpu-freq-governor.crio.io",
)
"""Pod annotations CRI-O honours for pods of the ``high-performance`` runtime handler."""
CRIO_CPU_SHARED_ANNOTATION: Final = "cpu-shared.crio.io"
"""Pod annotation CRI-O also honours when mixed-cpus is on."""
WORKLOAD_MANAGEMENT_ANNOTATION: Final = "target.workload.openshift.io/management"
"""Pod annotation that puts a pod into the CRI-O ``management`` workload (workload pinning)."""
WORKLOAD_RESOURCES_ANNOTATION_PREFIX: Final = "resources.workload.openshift.io"
"""Annotation prefix carrying the resources of a workload-pinned pod."""
