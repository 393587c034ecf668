"""What the Machine Config Operator does to a node for each changed part of a MachineConfig.

The rule we follow (stated in ``docs/preview.md``): a change to a pool's MachineConfigs drains
and reboots every node of the pool, one after the other, unless the cluster's node disruption
policy says otherwise for the changed file path or systemd unit. The policy is
``MachineConfiguration`` ``cluster`` (``operator.openshift.io/v1``): its
``status.nodeDisruptionPolicyStatus.clusterPolicies`` (the MCO's merge of its defaults and the
admin's ``spec.nodeDisruptionPolicy``) when reported, else ``spec.nodeDisruptionPolicy``. A file
policy applies to its exact path, or to the files under it when it names a directory (the
longest such path wins); a unit policy to its unit name. Changes to kernel arguments, the kernel
type, extensions, ``osImageURL`` and FIPS always reboot, whatever the policy.

Pure: wire dicts in, :class:`NodeAction` values out. Neighbours: :mod:`.effects` (the caller).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "ALWAYS_REBOOT_FIELDS",
    "NONE",
    "REBOOT",
    "TUNED_RELOAD",
    "DisruptionPolicy",
    "NodeAction",
    "policy_from",
    "worst",
]

ALWAYS_REBOOT_FIELDS: Final = ("kernelArguments", "kernelType", "extensions", "osImageURL", "fips")
"""MachineConfig spec fields whose change reboots regardless of the node disruption policy."""

LEVEL_NONE: Final = 0
LEVEL_TUNED: Final = 1
LEVEL_SERVICE: Final = 2
LEVEL_REBOOT: Final = 3


@dataclass(frozen=True, order=True)
class NodeAction:
    """What a node goes through; compares by disruption (``level``), then by the steps."""

    level: int
    steps: tuple[str, ...] = field(default=())

    @property
    def reboots(self) -> bool:
        return self.level >= LEVEL_REBOOT

    @property
    def label(self) -> str:
        """``reboot``, ``kubelet restart``, ``TuneD reload``, ``none`` or the policy's steps."""
        if self.level == LEVEL_REBOOT:
            return "reboot"
        if self.level == LEVEL_TUNED:
            return "TuneD reload"
        if self.level == LEVEL_NONE:
            return "none"
        if self.steps == ("restart kubelet.service",):
            return "kubelet restart"
        return ", ".join(self.steps)


REBOOT: Final = NodeAction(LEVEL_REBOOT, ("drain", "reboot"))
TUNED_RELOAD: Final = NodeAction(LEVEL_TUNED, ("reload TuneD",))
NONE: Final = NodeAction(LEVEL_NONE)


def worst(actions: Iterable[NodeAction]) -> NodeAction:
    """The most disruptive of `actions`; several service actions add up."""
    chosen = NONE
    services: list[str] = []
    for action in actions:
        if action.level == LEVEL_SERVICE:
            services.extend(step for step in action.steps if step not in services)
        if action.level > chosen.level:
            chosen = action
    if chosen.level == LEVEL_SERVICE:
        return NodeAction(LEVEL_SERVICE, tuple(services))
    return chosen


def _policy_action(actions: Any) -> NodeAction | None:
    """The :class:`NodeAction` of one policy entry's ``actions`` list (None when unusable)."""
    if not isinstance(actions, list) or not actions:
        return None
    steps: list[str] = []
    for action in actions:
        if not isinstance(action, Mapping):
            return None
        kind = action.get("type")
        if kind == "Reboot":
            return REBOOT
        if kind == "None":
            continue
        if kind == "Drain":
            steps.append("drain")
        elif kind == "DaemonReload":
            steps.append("systemctl daemon-reload")
        elif kind in ("Restart", "Reload"):
            target = action.get(kind.lower())
            service = target.get("serviceName") if isinstance(target, Mapping) else None
            if not isinstance(service, str) or not service:
                return None
            steps.append(f"{kind.lower()} {service}")
        elif kind == "Special":
            steps.append("MCO special handling")
        else:
            return None  # an action this reading does not know: assume the MCO default
    return NodeAction(LEVEL_SERVICE, tuple(steps)) if steps else NONE


@dataclass(frozen=True)
class DisruptionPolicy:
    """The cluster's node disruption policy: file paths and unit names to actions."""

    files: Mapping[str, NodeAction] = field(default_factory=dict)
    units: Mapping[str, NodeAction] = field(default_factory=dict)
    source: str = "none"
    """Where it came from: ``status``, ``spec`` or ``none`` (no MachineConfiguration)."""

    def for_file(self, path: str) -> NodeAction:
        """The action a change of file `path` causes (reboot when no policy names it)."""
        exact = self.files.get(path)
        if exact is not None:
            return exact
        best = ""
        for candidate in self.files:
            prefix = candidate.rstrip("/") + "/"
            if path.startswith(prefix) and len(candidate) > len(best):
                best = candidate
        return self.files[best] if best else REBOOT

    def for_unit(self, name: str) -> NodeAction:
        """The action a change of systemd unit `name` causes (reboot when no policy names it)."""
        return self.units.get(name, REBOOT)


def _entries(section: Any, key: str) -> dict[str, NodeAction]:
    found: dict[str, NodeAction] = {}
    if not isinstance(section, Mapping):
        return found
    for entry in section.get(key + "s") or []:
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("path" if key == "file" else "name")
        action = _policy_action(entry.get("actions"))
        if isinstance(name, str) and name and action is not None:
            found[name] = action
    return found


def policy_from(machine_configuration: Mapping[str, Any] | None) -> DisruptionPolicy:
    """The policy of a ``MachineConfiguration`` ``cluster`` wire object (None: no policy)."""
    if not isinstance(machine_configuration, Mapping):
        return DisruptionPolicy()
    status = machine_configuration.get("status")
    status_policy = (
        (status.get("nodeDisruptionPolicyStatus") or {}).get("clusterPolicies")
        if isinstance(status, Mapping)
        else None
    )
    section: Any = status_policy
    source = "status"
    if not isinstance(section, Mapping):
        spec = machine_configuration.get("spec")
        section = spec.get("nodeDisruptionPolicy") if isinstance(spec, Mapping) else None
        source = "spec"
        if not isinstance(section, Mapping):
            return DisruptionPolicy(source="none")
    return DisruptionPolicy(
        files=_entries(section, "file"), units=_entries(section, "unit"), source=source
    )
