"""What changing a PerformanceProfile does to its nodes: old and new rendered objects compared.

:func:`compare` takes the :class:`~nto_performance.components.manifestset.ManifestSet` rendered
from the object before and after the change (None when it does not exist) and the cluster's
:class:`~.disruption.DisruptionPolicy`, and returns one :class:`Change` per rendered object that
differs, each with its reasons and the :class:`~.disruption.NodeAction` it causes:

- MachineConfig: kernel type, extensions and kernel arguments always reboot; each changed file
  or unit costs what the policy says for its path or name (reboot by default);
- KubeletConfig: the MCO writes it to ``/etc/kubernetes/kubelet.conf`` on the pool's nodes, so
  it costs what the policy says for that path (reboot by default; ``kubelet restart`` when the
  policy restarts ``kubelet.service``);
- Tuned: a change of the kernel arguments its ``[bootloader]`` sections ask for reboots (the core
  carries them in the pool's ``50-nto-<pool>`` MachineConfig); any other change reloads TuneD;
- RuntimeClass: no node action (new pods use it).

Pure. Neighbours: :mod:`.disruption`, :mod:`.kargs`, :mod:`.plan` (the caller), :mod:`.texts`.
"""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from nto_api.objects import name_of
from nto_performance.preview.disruption import (
    ALWAYS_REBOOT_FIELDS,
    NONE,
    REBOOT,
    TUNED_RELOAD,
    DisruptionPolicy,
    NodeAction,
    worst,
)
from nto_performance.preview.kargs import kernel_arguments

__all__ = [
    "KUBELET_CONFIG_PATH",
    "Change",
    "Effects",
    "compare",
    "compare_tuned",
    "decoded_files",
]

KUBELET_CONFIG_PATH: Final = "/etc/kubernetes/kubelet.conf"
"""Where the MCO writes a KubeletConfig on the pool's nodes."""

Verb = Literal["created", "updated", "deleted"]


@dataclass(frozen=True)
class Change:
    """One rendered object that differs: ``kind``/``name``, how, why, and the node action."""

    kind: str
    name: str
    verb: Verb
    reasons: tuple[str, ...]
    action: NodeAction


@dataclass(frozen=True)
class Effects:
    """Every :class:`Change` of one profile change and the worst node action among them."""

    changes: tuple[Change, ...]

    @property
    def action(self) -> NodeAction:
        return worst(change.action for change in self.changes)


def _verb(old: Any, new: Any) -> Verb:
    return "created" if old is None else "deleted" if new is None else "updated"


def _name(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> str:
    return name_of(new if new is not None else old)


def _spec(obj: Mapping[str, Any] | None) -> Mapping[str, Any]:
    spec = (obj or {}).get("spec")
    return spec if isinstance(spec, Mapping) else {}


def _decode(source: Any) -> bytes | str:
    if not isinstance(source, str):
        return ""
    if not source.startswith("data:"):
        return source
    header, _, payload = source[5:].partition(",")
    if header.endswith(";base64"):
        try:
            return base64.b64decode(payload, validate=False)
        except ValueError:
            return payload
    return urllib.parse.unquote_to_bytes(payload)


def decoded_files(machine_config: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Path -> ``{"mode", "overwrite", "contents"}`` with contents decoded from data URLs."""
    config = _spec(machine_config).get("config")
    storage = config.get("storage") if isinstance(config, Mapping) else None
    files = storage.get("files") if isinstance(storage, Mapping) else None
    found: dict[str, dict[str, Any]] = {}
    for entry in files if isinstance(files, list) else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
            continue
        contents = entry.get("contents")
        source = contents.get("source") if isinstance(contents, Mapping) else None
        found[entry["path"]] = {
            "mode": entry.get("mode"),
            "overwrite": entry.get("overwrite"),
            "contents": _decode(source),
        }
    return found


def _raw_files(machine_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """Path -> file entry as rendered (compared without decoding: the renderers are
    deterministic, so equal contents have equal data URLs)."""
    config = _spec(machine_config).get("config")
    storage = config.get("storage") if isinstance(config, Mapping) else None
    files = storage.get("files") if isinstance(storage, Mapping) else None
    return {
        entry["path"]: entry
        for entry in (files if isinstance(files, list) else [])
        if isinstance(entry, Mapping) and isinstance(entry.get("path"), str)
    }


def _units(machine_config: Mapping[str, Any] | None) -> dict[str, Any]:
    config = _spec(machine_config).get("config")
    systemd = config.get("systemd") if isinstance(config, Mapping) else None
    units = systemd.get("units") if isinstance(systemd, Mapping) else None
    return {
        str(unit.get("name")): unit
        for unit in (units if isinstance(units, list) else [])
        if isinstance(unit, Mapping) and unit.get("name")
    }


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


def _listing(label: str, items: Iterable[str], limit: int = 4) -> str:
    values = sorted(items)
    shown = ", ".join(values[:limit])
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return f"{label}: {shown}{more}"


def _machine_config(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    policy: DisruptionPolicy,
) -> Change | None:
    if old == new:
        return None
    reasons: list[str] = []
    actions: list[NodeAction] = []
    old_spec, new_spec = _spec(old), _spec(new)
    for fld in ALWAYS_REBOOT_FIELDS:
        before, after = old_spec.get(fld), new_spec.get(fld)
        if fld == "kernelType":
            before, after = before or "default", after or "default"
        if before == after or (not before and not after):
            continue
        actions.append(REBOOT)
        if fld == "kernelType":
            reasons.append(f"kernel type {before} -> {after}")
        elif fld == "kernelArguments":
            added = set(after or []) - set(before or [])
            removed = set(before or []) - set(after or [])
            if added:
                reasons.append(_listing("kernel arguments added", added))
            if removed:
                reasons.append(_listing("kernel arguments removed", removed))
        else:
            reasons.append(f"{fld} changed")
    old_files, new_files = _raw_files(old), _raw_files(new)
    changed_files = [
        p for p in set(old_files) | set(new_files) if old_files.get(p) != new_files.get(p)
    ]
    old_units, new_units = _units(old), _units(new)
    changed_units = [
        u for u in set(old_units) | set(new_units) if old_units.get(u) != new_units.get(u)
    ]
    for path in changed_files:
        actions.append(policy.for_file(path))
    for unit in changed_units:
        actions.append(policy.for_unit(unit))
    if (old is None or new is None) and (changed_files or changed_units):
        verb = "added" if old is None else "removed"
        reasons.append(f"{len(changed_files)} files and {len(changed_units)} units {verb}")
    else:
        if changed_files:
            reasons.append(_listing("files changed", changed_files))
        if changed_units:
            reasons.append(_listing("units changed", changed_units))
    if not reasons:
        if _spec(old) == _spec(new):
            return None  # metadata only: the MCO renders the same configuration
        reasons.append("configuration changed")
        actions.append(REBOOT)
    return Change("MachineConfig", _name(old, new), _verb(old, new), tuple(reasons), worst(actions))


def _kubelet_config(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    policy: DisruptionPolicy,
) -> Change | None:
    old_spec, new_spec = _spec(old), _spec(new)
    if old_spec == new_spec and (old is None) == (new is None):
        return None
    before = old_spec.get("kubeletConfig")
    after = new_spec.get("kubeletConfig")
    keys = _changed_keys(
        before if isinstance(before, Mapping) else {}, after if isinstance(after, Mapping) else {}
    )
    reasons: list[str] = []
    if old is not None and new is not None:
        if keys:
            reasons.append(_listing(f"kubelet settings changed ({KUBELET_CONFIG_PATH})", keys))
        if old_spec.get("machineConfigPoolSelector") != new_spec.get("machineConfigPoolSelector"):
            reasons.append("machineConfigPoolSelector changed")
    if not reasons:
        reasons.append(f"KubeletConfig {_verb(old, new)} ({KUBELET_CONFIG_PATH})")
    action = policy.for_file(KUBELET_CONFIG_PATH)
    return Change("KubeletConfig", _name(old, new), _verb(old, new), tuple(reasons), action)


def compare_tuned(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> Change | None:
    """The :class:`Change` of one Tuned object: reboot when its kernel arguments change."""
    old_spec, new_spec = _spec(old), _spec(new)
    if old_spec == new_spec and (old is None) == (new is None):
        return None
    before, after = kernel_arguments(old), kernel_arguments(new)
    reasons: list[str] = []
    if before != after:
        if after - before:
            reasons.append(_listing("kernel arguments added", after - before))
        if before - after:
            reasons.append(_listing("kernel arguments removed", before - after))
        action = REBOOT
    else:
        changed = _changed_profiles(old_spec, new_spec)
        reasons.append(
            _listing("TuneD profiles changed", changed) if changed else "recommend changed"
        )
        action = TUNED_RELOAD
    return Change("Tuned", _name(old, new), _verb(old, new), tuple(reasons), action)


def _changed_profiles(old_spec: Mapping[str, Any], new_spec: Mapping[str, Any]) -> list[str]:
    def by_name(spec: Mapping[str, Any]) -> dict[str, Any]:
        profiles = spec.get("profile")
        return {
            str(p.get("name")): p.get("data")
            for p in (profiles if isinstance(profiles, list) else [])
            if isinstance(p, Mapping)
        }

    before, after = by_name(old_spec), by_name(new_spec)
    return [name for name in set(before) | set(after) if before.get(name) != after.get(name)]


def _runtime_class(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> Change | None:
    def body(obj: Mapping[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in (obj or {}).items() if k not in ("metadata", "status")}

    if body(old) == body(new) and (old is None) == (new is None):
        return None
    if old is None or new is None:
        reasons: tuple[str, ...] = (f"{_verb(old, new)} (no node action; pods use it)",)
    else:
        keys = _changed_keys(body(old), body(new))
        reasons = (_listing("fields changed (no node action; new pods use it)", keys),)
    return Change("RuntimeClass", _name(old, new), _verb(old, new), reasons, NONE)


def compare(
    old: Mapping[str, Mapping[str, Any] | None],
    new: Mapping[str, Mapping[str, Any] | None],
    policy: DisruptionPolicy,
) -> Effects:
    """The :class:`Effects` of going from `old` to `new`, each a mapping of rendered kind
    (``machineconfig``, ``kubeletconfig``, ``tuned``, ``runtimeclass``) to its wire object
    (missing or None: the object does not exist)."""
    changes = [
        _machine_config(old.get("machineconfig"), new.get("machineconfig"), policy),
        _kubelet_config(old.get("kubeletconfig"), new.get("kubeletconfig"), policy),
        compare_tuned(old.get("tuned"), new.get("tuned")),
        _runtime_class(old.get("runtimeclass"), new.get("runtimeclass")),
    ]
    return Effects(tuple(change for change in changes if change is not None))
