"""The ClusterOperator ``node-tuning``: conditions, versions and related objects.

`compute_status` turns what the controller observed (managementState, the DaemonSet ``tuned``,
the Profiles, the kernel-argument conflicts, plugin failures) into the Available, Progressing and
Degraded conditions, with the reference's reasons and messages. No Upgradeable condition is set.
Conditions keep their lastTransitionTime while their status stays the same (the reference resets
it whenever the message changes, which made "unavailable for more than 7200 seconds" depend on
message churn); the time is passed in.

Plugin failures (the plugin host's load or hook errors, passed in as strings) make Degraded True
with reason ``PluginFailed`` when nothing else degrades the operator; when a core reason does,
they are appended to its message. A broken plugin is a real loss of function that an admin must
see (the ``NTODegraded`` alert fires after 2 h), while the core keeps tuning nodes. A watch that
keeps failing (passed in as strings) makes Degraded True with reason ``WatchFailing`` the same way,
until the watch works again.

Tuneds left out of the Profiles for size and Profiles whose last write failed make Degraded True
with reason ``ProfilesTooLarge`` or ``ProfileWriteFailed`` (one bad Tuned or node is contained,
not hidden); like plugin failures they are appended when a core reason already degrades.

Neighbours: `conditions` (merging), `daemonset` (`progressing_message`), `names`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from nto.controller.conditions import conditions_equal, find_condition, parse_time, set_condition
from nto.controller.daemonset import CONTAINER_NAME, progressing_message
from nto.controller.names import (
    DAEMONSET_NAME,
    OPERAND_NAME,
    OPERATOR_NAME,
    OPERATOR_NAMESPACE,
    TUNED_GROUP,
)
from nto_api.objects import JSONDict, get_list, get_map

__all__ = [
    "AVAILABLE",
    "DEGRADED",
    "PROGRESSING",
    "UNAVAILABLE_DEGRADED_AFTER",
    "WATCH_FAILING",
    "StatusInputs",
    "StatusResult",
    "cluster_operator_status",
    "compute_status",
    "related_objects",
    "status_changed",
    "versions",
]

AVAILABLE: Final = "Available"
PROGRESSING: Final = "Progressing"
DEGRADED: Final = "Degraded"
UNAVAILABLE_DEGRADED_AFTER: Final = timedelta(seconds=7200)
WATCH_FAILING: Final = "WatchFailing"
_DS: Final = f'DaemonSet "{DAEMONSET_NAME}"'

# (status, reason, message) per condition type
_Triple = tuple[str, str, str]


@dataclass(frozen=True)
class StatusInputs:
    """What the controller observed; counts are of Profiles (nodes)."""

    release_version: str
    management_state: str = "Managed"
    daemonset: Mapping[str, Any] | None = None
    daemonset_error: str | None = None
    """An error other than NotFound from reading the DaemonSet."""
    profiles: Sequence[Mapping[str, Any]] = ()
    profiles_error: str | None = None
    bootcmdline_conflicts: int = 0
    mc_labels_across_mcps: int = 0
    plugin_failures: Sequence[str] = ()
    watch_failures: Sequence[str] = ()
    """Resources whose list/watch keeps failing (kopf retries them forever)."""
    oversized_tuneds: Sequence[str] = ()
    """Tuneds left out of every Profile for size (`profile_budget`)."""
    profile_write_failures: Sequence[str] = ()
    """One ``"<node>: <error>"`` per Profile whose last write failed."""


@dataclass(frozen=True)
class StatusResult:
    """Merged conditions, the operand version to report ("" for none) and an error to requeue."""

    conditions: list[JSONDict]
    operand_version: str = ""
    error: str | None = None


def _merge(old: Sequence[Any], wanted: Mapping[str, _Triple], now: datetime) -> list[JSONDict]:
    merged: list[JSONDict] = [dict(c) for c in old if isinstance(c, Mapping)]
    for type_, (status, reason, message) in wanted.items():
        merged = set_condition(
            merged, type_=type_, status=status, reason=reason, message=message, now=now
        )
    return merged


def _all(status: str, reason: str, message: str) -> dict[str, _Triple]:
    return dict.fromkeys((AVAILABLE, PROGRESSING, DEGRADED), (status, reason, message))


def _release_env(ds: Mapping[str, Any]) -> str | None:
    for container in get_list(ds, "spec", "template", "spec", "containers"):
        if isinstance(container, Mapping) and container.get("name") == CONTAINER_NAME:
            for env in container.get("env") or []:
                if isinstance(env, Mapping) and env.get("name") == "RELEASE_VERSION":
                    return str(env.get("value") or "")
    return None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _daemonset_conditions(ds: Mapping[str, Any], release: str) -> tuple[dict[str, _Triple], str]:
    status = get_map(ds, "status")
    wanted: dict[str, _Triple] = {}
    if _count(status.get("numberAvailable")) > 0:
        message = ""
        updated = _count(status.get("updatedNumberScheduled"))
        if updated > 0 and _release_env(ds) == release:
            current = _count(status.get("currentNumberScheduled"))
            message = f'Cluster has deployed {updated}/{current} "{release}" operands'
        wanted[AVAILABLE] = ("True", "AsExpected", message)
    else:
        wanted[AVAILABLE] = ("False", "TunedUnavailable", f"{_DS} has no available Pod(s)")
    progressing = progressing_message(ds)
    operand_version = ""
    if progressing:
        wanted[PROGRESSING] = ("True", "Reconciling", progressing)
    else:
        wanted[PROGRESSING] = ("False", "AsExpected", f'Cluster version is "{release}"')
        operand_version = release
    wanted[DEGRADED] = ("False", "AsExpected", f"{_DS} available")
    return wanted, operand_version


def _condition_status(profile: Mapping[str, Any], type_: str) -> Any:
    found = find_condition(get_list(profile, "status", "conditions"), type_)
    return found.get("status") if found else None


def _profile_counts(profiles: Sequence[Mapping[str, Any]]) -> tuple[int, int]:
    progressing = degraded = 0
    for profile in profiles:
        if _condition_status(profile, "Degraded") == "True":
            degraded += 1
            continue
        wanted = get_map(profile, "spec", "config").get("tunedProfile")
        applied = (
            wanted is not None
            and wanted == get_map(profile, "status").get("tunedProfile")
            and _condition_status(profile, "Applied") == "True"
        )
        progressing += not applied
    return progressing, degraded


def _apply_profiles(wanted: dict[str, _Triple], inputs: StatusInputs) -> None:
    total = len(inputs.profiles)
    progressing, degraded = _profile_counts(inputs.profiles)
    available = wanted[AVAILABLE][0]
    if progressing:
        message = f"Waiting for {progressing}/{total} Profiles to be applied"
        wanted[AVAILABLE] = (available, "ProfileProgressing", message)
    if degraded:
        message = f"{degraded}/{total} Profiles failed to be applied"
        wanted[AVAILABLE] = (available, "ProfileDegraded", message)
    if inputs.bootcmdline_conflicts:
        message = f"{inputs.bootcmdline_conflicts}/{total} Profiles with bootcmdline conflict"
        wanted[DEGRADED] = ("True", "ProfileConflict", message)
    if inputs.mc_labels_across_mcps:
        message = (
            f"{inputs.mc_labels_across_mcps}/{total} Profiles use machineConfigLabels that "
            "match across multiple MCPs"
        )
        wanted[DEGRADED] = ("True", "MCLabelsAcrossMCPs", message)


def _add_degraded(wanted: dict[str, _Triple], reason: str, alone: str, appended: str) -> None:
    """Degraded with ``reason``, or ``appended`` to the message of a reason already degrading."""
    status, old_reason, old_message = wanted[DEGRADED]
    if status == "True":
        wanted[DEGRADED] = (status, old_reason, f"{old_message}; {appended}")
    else:
        wanted[DEGRADED] = ("True", reason, alone)


def _watch_degraded(wanted: dict[str, _Triple], failures: Sequence[str]) -> None:
    if failures:
        listed = ", ".join(failures)
        alone = f"Watching {listed} keeps failing; retrying, the operator may act on stale state"
        _add_degraded(wanted, WATCH_FAILING, alone, f"failing watches: {listed}")


def _listed(items: Sequence[str], limit: int = 5) -> str:
    shown = "; ".join(item[:200] for item in items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def _contained_degraded(wanted: dict[str, _Triple], inputs: StatusInputs) -> None:
    """Oversized Tuneds and failed Profile writes: Degraded, unless a core reason already is."""
    if inputs.oversized_tuneds:
        names = ", ".join(sorted(inputs.oversized_tuneds))
        message = (
            f"Tuned(s) {names} left out of every Profile: their TuneD profiles would make "
            "Profiles too large to store; see their Valid condition"
        )
        _add_degraded(wanted, "ProfilesTooLarge", message, message)
    if inputs.profile_write_failures:
        count, total = len(inputs.profile_write_failures), len(inputs.profiles)
        message = f"{count} Profile(s) could not be written ({total} exist): " + _listed(
            inputs.profile_write_failures
        )
        _add_degraded(wanted, "ProfileWriteFailed", message, message)


def _plugin_degraded(wanted: dict[str, _Triple], failures: Sequence[str]) -> None:
    if failures:
        listed = "; ".join(failures)
        alone = f"Plugin failures: {listed}; the core keeps tuning nodes"
        _add_degraded(wanted, "PluginFailed", alone, f"plugin failures: {listed}")


def compute_status(
    inputs: StatusInputs,
    old_conditions: Sequence[Any] | None,
    *,
    now: datetime,
) -> StatusResult:
    """The ClusterOperator conditions for `inputs`, merged into `old_conditions` at `now`."""
    old = list(old_conditions or [])
    state = inputs.management_state
    if state in {"Unmanaged", "Removed"}:
        message = (
            "The operator configuration is set to unmanaged mode"
            if state == "Unmanaged"
            else "The operator is removed"
        )
        wanted = _all("False", state, message)
        wanted[AVAILABLE] = ("True", state, message)
        return StatusResult(_merge(old, wanted, now))
    if inputs.daemonset_error is not None:
        message = f"Unable to fetch {_DS}: {inputs.daemonset_error}"
        return StatusResult(_merge(old, _all("Unknown", "Unknown", message), now))
    release = inputs.release_version
    if inputs.daemonset is None:
        if old:
            return StatusResult(old, error=f"{_DS} not found; keeping the previous conditions")
        working = f'Working towards "{release}"'
        wanted = {
            AVAILABLE: ("False", "TunedUnavailable", f"{_DS} unavailable"),
            PROGRESSING: ("True", "Reconciling", working),
            DEGRADED: ("False", "Reconciling", working),
        }
        _watch_degraded(wanted, inputs.watch_failures)
        _plugin_degraded(wanted, inputs.plugin_failures)
        return StatusResult(_merge(old, wanted, now))
    if inputs.profiles_error is not None:
        message = f"Unable to fetch Tuned Profiles: {inputs.profiles_error}"
        return StatusResult(_merge(old, _all("Unknown", "Unknown", message), now))
    wanted, operand_version = _daemonset_conditions(inputs.daemonset, release)
    _apply_profiles(wanted, inputs)
    merged = _merge(old, {AVAILABLE: wanted[AVAILABLE]}, now)
    available = find_condition(merged, AVAILABLE) or {}
    since = parse_time(available.get("lastTransitionTime"))
    if available.get("status") == "False" and since and now - since > UNAVAILABLE_DEGRADED_AFTER:
        message = f"{_DS} unavailable for more than {UNAVAILABLE_DEGRADED_AFTER.seconds} seconds"
        wanted[DEGRADED] = ("True", "TunedUnavailable", message)
    _watch_degraded(wanted, inputs.watch_failures)
    _contained_degraded(wanted, inputs)
    _plugin_degraded(wanted, inputs.plugin_failures)
    return StatusResult(_merge(merged, wanted, now), operand_version)


def versions(
    old_versions: Sequence[Any] | None,
    conditions: Sequence[Any],
    *,
    release_version: str,
    operand_version: str,
) -> list[JSONDict]:
    """``status.versions``: ``operator`` while Available=True, ``ocp-tuned`` when rolled out."""
    result = {
        str(v.get("name")): str(v.get("version"))
        for v in old_versions or []
        if isinstance(v, Mapping) and v.get("name")
    }
    available = find_condition(conditions, AVAILABLE)
    if release_version and available is not None and available.get("status") == "True":
        result["operator"] = release_version
    if operand_version:
        result[OPERAND_NAME] = operand_version
    return [{"name": name, "version": version} for name, version in result.items()]


def related_objects(
    extra: Sequence[Mapping[str, Any]] = (),
    *,
    namespace: str = OPERATOR_NAMESPACE,
) -> list[JSONDict]:
    """``status.relatedObjects``: the core's, then `extra` (from plugins) without duplicates."""
    core: list[JSONDict] = [
        {"group": "", "resource": "namespaces", "name": namespace},
        {"group": "", "resource": "serviceaccounts", "name": OPERATOR_NAME, "namespace": namespace},
        {"group": "rbac.authorization.k8s.io", "resource": "clusterroles", "name": OPERATOR_NAME},
        {
            "group": "rbac.authorization.k8s.io",
            "resource": "clusterrolebindings",
            "name": OPERATOR_NAME,
        },
        {"group": TUNED_GROUP, "resource": "profiles", "name": "", "namespace": namespace},
        {"group": TUNED_GROUP, "resource": "tuneds", "name": "", "namespace": namespace},
        {"group": "apps", "resource": "daemonsets", "name": DAEMONSET_NAME, "namespace": namespace},
    ]
    for entry in extra:
        item = dict(entry)
        if item not in core:
            core.append(item)
    return core


def cluster_operator_status(
    old_status: Mapping[str, Any] | None,
    result: StatusResult,
    *,
    release_version: str,
    extra_related: Sequence[Mapping[str, Any]] = (),
    namespace: str = OPERATOR_NAMESPACE,
) -> JSONDict:
    """The full ``status`` to write: `old_status` with conditions, versions, relatedObjects set."""
    status: JSONDict = dict(old_status or {})
    status["conditions"] = result.conditions
    status["versions"] = versions(
        get_list(status, "versions"),
        result.conditions,
        release_version=release_version,
        operand_version=result.operand_version,
    )
    status["relatedObjects"] = related_objects(extra_related, namespace=namespace)
    return status


def status_changed(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    """Whether writing `new` changes anything but condition timestamps."""
    old = old or {}
    if not conditions_equal(get_list(old, "conditions"), get_list(new, "conditions")):
        return True
    others = (set(old) | set(new)) - {"conditions"}
    return any(old.get(key) != new.get(key) for key in others)
