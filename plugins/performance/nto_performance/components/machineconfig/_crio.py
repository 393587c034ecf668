"""Contents of the CRI-O and kubelet drop-ins: the high-performance runtime, workload pinning
and mixed-cpus.

- ``99-runtimes.conf``: the pod sandbox (infra) CPUs, the shared CPUs of mixed-cpus, and the
  ``high-performance`` runtime handler that the profile's RuntimeClass names, with the pod
  annotations CRI-O may act on.
- workload pinning (``Infrastructure.status.cpuPartitioning: AllNodes``): the CRI-O
  ``management`` workload and the kubelet's ``openshift-workload-pinning`` file, with the
  reserved CPUs, or with no CPUs in the bootstrap MachineConfig.
- mixed-cpus: the kubelet's ``openshift-workload-mixed-cpus`` file.

Values are TOML/JSON literals: CPU lists were parsed before, so they hold no quotes.
Neighbours: :mod:`._files` places them, :mod:`.names` holds the annotation keys.
"""

from __future__ import annotations

import json
from typing import Final

from nto_performance.components.names import (
    CRIO_CPU_SHARED_ANNOTATION,
    CRIO_HIGH_PERFORMANCE_ANNOTATIONS,
    HIGH_PERFORMANCE_RUNTIME_HANDLER,
    WORKLOAD_MANAGEMENT_ANNOTATION,
    WORKLOAD_RESOURCES_ANNOTATION_PREFIX,
)

__all__ = [
    "MIXED_CPUS_CONTAINERS_LIMIT",
    "crio_runtimes_conf",
    "crio_workload_pinning_conf",
    "mixed_cpus_json",
    "workload_pinning_json",
]

MIN_INJECTED_GOMAXPROCS: Final = 4
MIXED_CPUS_CONTAINERS_LIMIT: Final = 256
_WORKLOAD: Final = "management"


def _toml_string(value: str) -> str:
    return json.dumps(value)


def crio_runtimes_conf(*, reserved: str, shared: str, exec_cpu_affinity: bool) -> str:
    """``/etc/crio/crio.conf.d/99-runtimes.conf``."""
    annotations = list(CRIO_HIGH_PERFORMANCE_ANNOTATIONS)
    if shared:
        annotations.append(CRIO_CPU_SHARED_ANNOTATION)
    lines = [
        "# Written by the Node Tuning Operator from the node's PerformanceProfile.",
        "[crio.runtime]",
        "# Pod sandbox (infra) containers run on the reserved CPUs.",
        f"infra_ctr_cpuset = {_toml_string(reserved)}",
    ]
    if shared:
        lines.append(f"shared_cpuset = {_toml_string(shared)}")
    lines += [
        f"min_injected_gomaxprocs = {MIN_INJECTED_GOMAXPROCS}",
        "",
        "# Pods of the profile's RuntimeClass use this handler: the default runtime, plus the",
        "# per-pod CPU, IRQ, C-state and frequency tuning the annotations below ask for.",
        f"[crio.runtime.runtimes.{HIGH_PERFORMANCE_RUNTIME_HANDLER}]",
        "inherit_default_runtime = true",
    ]
    if exec_cpu_affinity:
        lines.append('exec_cpu_affinity = "first"')
    lines += [
        'default_annotations = {"run.oci.systemd.subgroup" = ""}',
        "allowed_annotations = [",
        *(f"    {_toml_string(annotation)}," for annotation in annotations),
        "]",
    ]
    return "\n".join(lines) + "\n"


def crio_workload_pinning_conf(cpuset: str) -> str:
    """The CRI-O ``management`` workload pinned to `cpuset` (empty: not pinned yet)."""
    return (
        f"[crio.runtime.workloads.{_WORKLOAD}]\n"
        f"activation_annotation = {_toml_string(WORKLOAD_MANAGEMENT_ANNOTATION)}\n"
        f"annotation_prefix = {_toml_string(WORKLOAD_RESOURCES_ANNOTATION_PREFIX)}\n"
        f'resources = {{ "cpushares" = 0, "cpuset" = {_toml_string(cpuset)} }}\n'
    )


def workload_pinning_json(cpuset: str) -> str:
    """The kubelet's ``/etc/kubernetes/openshift-workload-pinning``."""
    return json.dumps({_WORKLOAD: {"cpuset": cpuset}}, indent=2) + "\n"


def mixed_cpus_json() -> str:
    """The kubelet's ``/etc/kubernetes/openshift-workload-mixed-cpus``."""
    return (
        json.dumps({"shared_cpus": {"containers_limit": MIXED_CPUS_CONTAINERS_LIMIT}}, indent=2)
        + "\n"
    )
