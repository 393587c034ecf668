"""The KubeletConfig of a PerformanceProfile: CPU, topology and memory managers for its pool.

``render(profile, options)`` returns the ``machineconfiguration.openshift.io/v1 KubeletConfig``
named ``performance-<pp>``, whose ``spec.kubeletConfig`` is a ``kubelet.config.k8s.io/v1beta1``
KubeletConfiguration computed from the profile (spec section 3.2). Only fields that carry a value
are written: no serializer zero values. Neighbours: :mod:`.names` (names, pool selector),
:mod:`._common` (errors, annotations, cpulists), :mod:`.manifestset` (the caller).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from nto_api.cpuset import CPUSetError
from nto_api.names import MACHINECONFIG_V1
from nto_api.quantity import Quantity, QuantityError
from nto_performance.components import names
from nto_performance.components._common import RenderError, annotation, cpuset_union
from nto_performance.components.options import RenderOptions

if TYPE_CHECKING:
    from nto_api.views import ProfileView

__all__ = [
    "DEFAULT_EVICTION_HARD",
    "DEFAULT_RESERVED_MEMORY",
    "KUBELET_CONFIGURATION_API_VERSION",
    "has_strict_cpu_reservation",
    "kubelet_configuration",
    "render",
]

KUBELET_CONFIGURATION_API_VERSION: Final = "kubelet.config.k8s.io/v1beta1"
KUBELET_CONFIGURATION_KIND: Final = "KubeletConfiguration"

DEFAULT_EVICTION_HARD: Final[Mapping[str, str]] = {
    "memory.available": "100Mi",
    "nodefs.available": "10%",
    "imagefs.available": "15%",
    "nodefs.inodesFree": "5%",
}
"""``evictionHard`` thresholds added for every key the base configuration lacks."""
DEFAULT_RESERVED_MEMORY: Final = "500Mi"
"""``kubeReserved.memory`` and ``systemReserved.memory`` when the base lacks them."""
CPU_MANAGER_RECONCILE_PERIOD: Final = "5s"
DEFAULT_TOPOLOGY_POLICY: Final = "best-effort"
_MEMORY_MANAGER_TOPOLOGIES: Final = frozenset({"restricted", "single-numa-node"})
_FULL_PCPUS_ONLY: Final = "full-pcpus-only"
_STRICT_CPU_RESERVATION: Final = "strict-cpu-reservation"


def render(profile: ProfileView, options: RenderOptions) -> dict[str, Any]:
    """The KubeletConfig wire dict of `profile`; `RenderError` on bad input."""
    selector = names.machine_config_pool_selector(profile, options.profile_mcp)
    return {
        "apiVersion": MACHINECONFIG_V1,
        "kind": "KubeletConfig",
        "metadata": {"name": names.kubelet_config_name(_name(profile))},
        "spec": {
            "kubeletConfig": kubelet_configuration(profile, options),
            "machineConfigPoolSelector": {"matchLabels": selector},
        },
    }


def kubelet_configuration(profile: ProfileView, options: RenderOptions) -> dict[str, Any]:
    """The KubeletConfiguration: the experimental annotation as the base, then the profile."""
    config = _experimental_base(profile)
    config["apiVersion"] = KUBELET_CONFIGURATION_API_VERSION
    config["kind"] = KUBELET_CONFIGURATION_KIND
    if options.dra_resource_management:
        if options.mixed_cpus_enabled:
            raise RenderError(
                f"PerformanceProfile {_name(profile)!r}: annotation "
                f"{names.DRA_RESOURCE_MANAGEMENT_ANNOTATION!r} and mixed CPUs "
                "(spec.workloadHints.mixedCpus with spec.cpu.shared) are mutually exclusive; "
                "turn one of them off"
            )
        return _dra_mode(config)
    return _normal_mode(config, profile, options)


def has_strict_cpu_reservation(configuration: Mapping[str, Any]) -> bool:
    """Whether ``cpuManagerPolicyOptions["strict-cpu-reservation"]`` is ``"true"``."""
    policy_options = configuration.get("cpuManagerPolicyOptions") or {}
    return isinstance(policy_options, Mapping) and (
        policy_options.get(_STRICT_CPU_RESERVATION) == "true"
    )


def _name(profile: ProfileView) -> str:
    name = profile.metadata.name
    if not name:
        raise RenderError("PerformanceProfile has no metadata.name; give it a name")
    return name


def _experimental_base(profile: ProfileView) -> dict[str, Any]:
    """The JSON object of the ``kubeletconfig.experimental`` annotation, or an empty dict."""
    text = annotation(profile, names.KUBELETCONFIG_EXPERIMENTAL_ANNOTATION)
    if text is None:
        return {}
    where = (
        f"annotation {names.KUBELETCONFIG_EXPERIMENTAL_ANNOTATION!r} of PerformanceProfile "
        f"{_name(profile)!r}"
    )
    try:
        base = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RenderError(
            f"{where} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}): "
            f"{_short(text)}; write a JSON KubeletConfiguration object such as "
            '\'{"cpuManagerPolicyOptions": {"strict-cpu-reservation": "true"}}\''
        ) from exc
    if not isinstance(base, dict):
        raise RenderError(
            f"{where} is {_short(text)}, not a JSON object; write a KubeletConfiguration object"
        )
    for key in ("evictionHard", "kubeReserved", "systemReserved", "cpuManagerPolicyOptions"):
        if key in base and base[key] is not None and not isinstance(base[key], dict):
            raise RenderError(
                f"{where}: field {key!r} is {base[key]!r}; it must be an object of strings"
            )
    return base


def _short(text: str) -> str:
    return repr(text) if len(text) <= 80 else f"{text[:60]!r}... ({len(text)} characters)"


def _dra_mode(config: dict[str, Any]) -> dict[str, Any]:
    """Dynamic Resource Allocation manages the resources: every kubelet manager is off."""
    config["cpuManagerPolicy"] = "none"
    config["cpuManagerPolicyOptions"] = {}
    config["topologyManagerPolicy"] = "none"
    config["memoryManagerPolicy"] = "None"
    return config


def _normal_mode(
    config: dict[str, Any],
    profile: ProfileView,
    options: RenderOptions,
) -> dict[str, Any]:

    config["cpuManagerPolicy"] = "static"
    config["cpuManagerReconcilePeriod"] = CPU_MANAGER_RECONCILE_PERIOD
    config["topologyManagerPolicy"] = DEFAULT_TOPOLOGY_POLICY
    eviction = _map(config, "evictionHard")
    for key, value in DEFAULT_EVICTION_HARD.items():
        eviction.setdefault(key, value)
    _map(config, "kubeReserved").setdefault("memory", DEFAULT_RESERVED_MEMORY)
    _map(config, "systemReserved").setdefault("memory", DEFAULT_RESERVED_MEMORY)
    config["reservedSystemCPUs"] = _reserved_system_cpus(profile, options)
    policy = profile.spec.numa.topology_policy if profile.spec.numa else None
    if policy:
        config["topologyManagerPolicy"] = policy
    if policy in _MEMORY_MANAGER_TOPOLOGIES:
        config["memoryManagerPolicy"] = "Static"
        if not config.get("reservedMemory"):
            limit = _reserved_memory_limit(config, profile)
            config["reservedMemory"] = [{"numaNode": 0, "limits": {"memory": limit}}]
    if policy == "single-numa-node":
        _map(config, "cpuManagerPolicyOptions").setdefault(_FULL_PCPUS_ONLY, "true")
    return config


def _map(config: dict[str, Any], key: str) -> dict[str, Any]:
    """``config[key]`` as a dict, created when missing or null."""
    value = config.get(key)
    if not isinstance(value, dict):
        value = config[key] = {}
    return value


def _reserved_system_cpus(profile: ProfileView, options: RenderOptions) -> str:
    """``reserved | ovsDpdk | shared`` (shared only with mixed CPUs), normalized."""
    cpu = profile.spec.cpu
    shared = cpu.shared if options.mixed_cpus_enabled else None
    try:
        return str(cpuset_union(cpu.reserved, options.ovs_dpdk_cpus, shared))
    except CPUSetError as exc:
        raise RenderError(
            f"PerformanceProfile {_name(profile)!r}: cannot compute reservedSystemCPUs from "
            f"spec.cpu.reserved {cpu.reserved!r}, ovsDpdk {options.ovs_dpdk_cpus!r}, "
            f"shared {shared!r}: {exc}"
        ) from exc


def _reserved_memory_limit(config: Mapping[str, Any], profile: ProfileView) -> str:
    """kubeReserved + systemReserved memory + the hard eviction threshold, as a quantity."""
    parts = (
        ("kubeReserved.memory", config["kubeReserved"]["memory"]),
        ("systemReserved.memory", config["systemReserved"]["memory"]),
        ("evictionHard[memory.available]", config["evictionHard"]["memory.available"]),
    )
    total: Quantity | None = None
    for field, text in parts:
        try:
            amount = Quantity.parse(text)
        except (QuantityError, TypeError) as exc:
            raise RenderError(
                f"PerformanceProfile {_name(profile)!r}: KubeletConfiguration {field} is "
                f"{text!r}, not a memory quantity, so reservedMemory cannot be computed; "
                "use an absolute quantity such as '100Mi' or set reservedMemory in the "
                f"{names.KUBELETCONFIG_EXPERIMENTAL_ANNOTATION!r} annotation"
            ) from exc
        total = amount if total is None else total + amount
    return str(total)
