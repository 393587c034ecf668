"""PerformanceProfile status: the four conditions, their precedence and messages (spec 5).

Every outcome writes ``Available``, ``Upgradeable``, ``Progressing`` and ``Degraded``
together: the *available* set, a *degraded* set with one reason and message, or the
*progressing* set (only while the finalizer is being added). After a successful apply the
owned conditions follow this precedence: a failing KubeletConfig, a degraded
MachineConfigPool, degraded TuneD Profiles of the profile's nodes, else available.
:func:`desired_status` merges an outcome into the stored status (a condition keeps its
``lastTransitionTime`` while its status holds) and :func:`status_changed` says whether a write
is due: only when a condition's status, reason or message, ``status.tuned`` or
``status.runtimeClass`` changed. Pure. Neighbours: :mod:`.reconciler`, :mod:`.pools`
(selection reasons), :mod:`.metrics` (condition gauges).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from nto_api.objects import name_of

__all__ = [
    "AVAILABLE",
    "COMPONENT_CREATION_FAILED",
    "DEGRADED",
    "DEPLOYMENT_STARTING",
    "GETTING_KUBELET_STATUS_FAILED",
    "GETTING_MCP_STATUS_FAILED",
    "GETTING_TUNED_STATUS_FAILED",
    "KUBELET_CONFIG_FAILURE",
    "MCP_DEGRADED",
    "OVS_DPDK_PREREQUISITE_NOT_MET",
    "PROGRESSING",
    "TUNED_PROFILE_DEGRADED",
    "UPGRADEABLE",
    "Outcome",
    "available",
    "degraded",
    "desired_status",
    "kubelet_config_failure",
    "owned_outcome",
    "pool_degraded_message",
    "progressing",
    "status_changed",
    "tuned_degraded_message",
]

AVAILABLE: Final = "Available"
UPGRADEABLE: Final = "Upgradeable"
PROGRESSING: Final = "Progressing"
DEGRADED: Final = "Degraded"

KUBELET_CONFIG_FAILURE: Final = "KubeletConfig failure"
"""The reference's reason, space included."""
MCP_DEGRADED: Final = "MCPDegraded"
TUNED_PROFILE_DEGRADED: Final = "TunedProfileDegraded"
COMPONENT_CREATION_FAILED: Final = "ComponentCreationFailed"
OVS_DPDK_PREREQUISITE_NOT_MET: Final = "OvsDpdkCPUsPrerequisiteNotMet"
GETTING_KUBELET_STATUS_FAILED: Final = "GettingKubeletStatusFailed"
GETTING_MCP_STATUS_FAILED: Final = "GettingMCPStatusFailed"
GETTING_TUNED_STATUS_FAILED: Final = "GettingTunedStatusFailed"
DEPLOYMENT_STARTING: Final = "DeploymentStarting"

_POOL_DEGRADED_TYPES: Final = ("NodeDegraded", "RenderDegraded")


@dataclass(frozen=True)
class Outcome:
    """The four conditions to write, as ``(type, status, reason, message)``."""

    conditions: tuple[tuple[str, str, str, str], ...]

    @property
    def reason(self) -> str:
        """The Degraded or Progressing reason ("" when available)."""
        return next((c[2] for c in self.conditions if c[1] == "True" and c[2]), "")

    def status_of(self, type_: str) -> str:
        return next(c[1] for c in self.conditions if c[0] == type_)


def available() -> Outcome:
    """Available and Upgradeable True; Progressing and Degraded False."""
    return Outcome(
        (
            (AVAILABLE, "True", "", ""),
            (UPGRADEABLE, "True", "", ""),
            (PROGRESSING, "False", "", ""),
            (DEGRADED, "False", "", ""),
        )
    )


def degraded(reason: str, message: str) -> Outcome:
    """Degraded True with `reason` and `message`; the others False."""
    return Outcome(
        (
            (AVAILABLE, "False", "", ""),
            (UPGRADEABLE, "False", "", ""),
            (PROGRESSING, "False", "", ""),
            (DEGRADED, "True", reason, message),
        )
    )


def progressing() -> Outcome:
    """Progressing True (``DeploymentStarting``); the others False."""
    return Outcome(
        (
            (AVAILABLE, "False", "", ""),
            (UPGRADEABLE, "False", "", ""),
            (PROGRESSING, "True", DEPLOYMENT_STARTING, "Deployment is starting"),
            (DEGRADED, "False", "", ""),
        )
    )


def _conditions(obj: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    status = (obj or {}).get("status") or {}
    found = status.get("conditions") if isinstance(status, Mapping) else None
    return [c for c in found or [] if isinstance(c, Mapping)]


def kubelet_config_failure(kubelet_config: Mapping[str, Any] | None) -> str | None:
    """The message of the KubeletConfig's latest condition when its type is ``Failure``."""
    conditions = _conditions(kubelet_config)
    if not conditions:
        return None
    latest = max(
        enumerate(conditions),
        key=lambda item: (str(item[1].get("lastTransitionTime") or ""), item[0]),
    )[1]
    if latest.get("type") != "Failure":
        return None
    return str(latest.get("message") or "")


def pool_degraded_message(pool: Mapping[str, Any]) -> str | None:
    """One ``Degraded Reason`` and one ``Degraded Message`` line per degraded pool condition."""
    name = name_of(pool)
    lines = []
    for condition in _conditions(pool):
        if condition.get("type") in _POOL_DEGRADED_TYPES and condition.get("status") == "True":
            lines.append(
                f"Machine config pool {name} Degraded Reason: {condition.get('reason') or ''}.\n"
            )
            lines.append(
                f"Machine config pool {name} Degraded Message: {condition.get('message') or ''}.\n"
            )
    return "".join(lines) or None


def tuned_degraded_message(profiles: Iterable[Mapping[str, Any]]) -> str | None:
    """Lines for each TuneD Profile (named after its node) that is Degraded and not Applied."""
    lines = []
    for profile in sorted(profiles, key=name_of):
        by_type = {c.get("type"): c for c in _conditions(profile)}
        bad = by_type.get("Degraded")
        applied = by_type.get("Applied")
        if bad is None or bad.get("status") != "True":
            continue
        if applied is None or applied.get("status") != "False":
            continue
        node = name_of(profile)
        lines.append(f"Tuned {node} Degraded Reason: {bad.get('reason') or ''}.\n")
        lines.append(f"Tuned {node} Degraded Message: {bad.get('message') or ''}.\n")
    return "".join(lines) or None


def owned_outcome(
    *,
    kubelet_config: Mapping[str, Any] | None,
    pool: Mapping[str, Any] | None,
    tuned_profiles: Sequence[Mapping[str, Any]],
) -> Outcome | None:
    """The conditions after a successful apply, by precedence; None when the pool is gone
    (the status is then left as it is)."""
    failure = kubelet_config_failure(kubelet_config)
    if failure is not None:
        return degraded(KUBELET_CONFIG_FAILURE, failure)
    if pool is None:
        return None
    message = pool_degraded_message(pool)
    if message is not None:
        return degraded(MCP_DEGRADED, message)
    message = tuned_degraded_message(tuned_profiles)
    if message is not None:
        return degraded(TUNED_PROFILE_DEGRADED, message)
    return available()


def _timestamp(now: datetime.datetime) -> str:
    return now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def desired_status(
    old_status: Mapping[str, Any] | None,
    outcome: Outcome,
    *,
    tuned: str,
    runtime_class: str,
    now: datetime.datetime,
) -> dict[str, Any]:
    """The status to write: the outcome's conditions (heartbeat now; transition now unless
    the condition's status is unchanged), ``tuned`` and ``runtimeClass``."""
    old_by_type = {
        c.get("type"): c for c in _conditions({"status": old_status or {}}) if c.get("type")
    }
    stamp = _timestamp(now)
    conditions = []
    for type_, status, reason, message in outcome.conditions:
        old = old_by_type.get(type_) or {}
        transition = old.get("lastTransitionTime") if old.get("status") == status else None
        condition: dict[str, Any] = {
            "type": type_,
            "status": status,
            "lastHeartbeatTime": stamp,
            "lastTransitionTime": transition or stamp,
        }
        if reason:
            condition["reason"] = reason
        if message:
            condition["message"] = message
        conditions.append(condition)
    return {"conditions": conditions, "tuned": tuned, "runtimeClass": runtime_class}


def _essence(status: Mapping[str, Any] | None) -> tuple[Any, ...]:
    conditions = _conditions({"status": status or {}})
    return (
        sorted(
            (
                str(c.get("type") or ""),
                str(c.get("status") or ""),
                str(c.get("reason") or ""),
                str(c.get("message") or ""),
            )
            for c in conditions
        ),
        (status or {}).get("tuned") or "",
        (status or {}).get("runtimeClass") or "",
    )


def status_changed(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    """Whether writing `new` over `old` changes anything but timestamps."""
    return _essence(old) != _essence(new)
