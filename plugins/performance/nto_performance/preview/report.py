"""What ``nto preview`` prints: rows per object and pool, and a unified diff per changed object.

:func:`rows` turns :class:`~.plan.ProfilePreview` and :class:`~.tuned.TunedPreview` values into
:class:`Row` values (object, pool, node count and names, node action, reasons, and each changed
rendered object with its diff); :func:`render_table`, :func:`render_yaml` and
:func:`render_json` print them. Diffs compare readable YAML: server-set metadata dropped and each
MachineConfig file's ``data:`` URL decoded into its text (binary files show their size).
Neighbours: :mod:`.command`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import yaml

from nto_performance.preview.effects import Change, decoded_files
from nto_performance.preview.plan import ProfilePreview, Rendered
from nto_performance.preview.tuned import TunedPreview

__all__ = ["Row", "profile_rows", "render_json", "render_table", "render_yaml", "tuned_rows"]

_KIND_OF: Final = {
    "machineconfig": "MachineConfig",
    "kubeletconfig": "KubeletConfig",
    "tuned": "Tuned",
    "runtimeclass": "RuntimeClass",
}
_KEEP_META: Final = ("name", "namespace", "labels", "annotations")


@dataclass
class ObjectChange:
    kind: str
    name: str
    verb: str
    action: str
    reasons: list[str]
    diff: str


@dataclass
class Row:
    kind: str
    name: str
    pool: str
    nodeCount: int | None
    nodes: list[str] | None
    action: str
    reboot: bool
    reasons: list[str]
    changes: list[ObjectChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def readable(obj: Mapping[str, Any] | None) -> str:
    """`obj` as YAML for a diff: server metadata dropped, MachineConfig files decoded."""
    if obj is None:
        return ""
    shown = json.loads(json.dumps(obj, default=str))
    meta = shown.get("metadata")
    if isinstance(meta, dict):
        shown["metadata"] = {k: meta[k] for k in _KEEP_META if k in meta}
    shown.pop("status", None)
    if shown.get("kind") == "MachineConfig":
        decoded = decoded_files(obj)
        storage = (shown.get("spec", {}).get("config") or {}).get("storage") or {}
        for entry in storage.get("files") or []:
            found = decoded.get(entry.get("path"), {}).get("contents", b"")
            if isinstance(found, bytes):
                try:
                    text: str = found.decode()
                except UnicodeDecodeError:
                    text = f"<{len(found)} bytes of binary data>"
            else:
                text = found
            entry["contents"] = {"text": text}
    return yaml.dump(shown, Dumper=_Dumper, sort_keys=True, default_flow_style=False, width=100)


def unified_diff(kind: str, name: str, before: Any, after: Any) -> str:
    """The unified diff of two objects' :func:`readable` forms."""
    lines = difflib.unified_diff(
        readable(before).splitlines(keepends=True),
        readable(after).splitlines(keepends=True),
        fromfile=f"{kind}/{name} (now)",
        tofile=f"{kind}/{name} (after the change)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _changes(changes: Iterable[Change], before: Rendered, after: Rendered) -> list[ObjectChange]:
    by_kind = {v: k for k, v in _KIND_OF.items()}
    found = []
    for change in changes:
        key = by_kind[change.kind]
        found.append(
            ObjectChange(
                kind=change.kind,
                name=change.name,
                verb=change.verb,
                action=change.action.label,
                reasons=list(change.reasons),
                diff=unified_diff(change.kind, change.name, before.get(key), after.get(key)),
            )
        )
    return found


def profile_rows(previews: Iterable[ProfilePreview], notes: Iterable[str] = ()) -> list[Row]:
    rows = []
    for preview in previews:
        action = preview.effects.action
        reasons = [f"{c.kind} {c.name}: {r}" for c in preview.effects.changes for r in c.reasons]
        row_notes = list(notes)
        if preview.render_problem:
            row_notes.append(f"cannot render: {preview.render_problem}")
        if preview.pool_problem:
            row_notes.append(preview.pool_problem)
        if preview.paused and preview.effects.changes:
            row_notes.append(f"MachineConfigPool {preview.pool_name!r} is paused")
        rows.append(
            Row(
                kind="PerformanceProfile",
                name=preview.name,
                pool=preview.pool_name or "(none)",
                nodeCount=preview.node_count,
                nodes=list(preview.nodes) if preview.nodes is not None else None,
                action=action.label,
                reboot=action.reboots,
                reasons=reasons,
                changes=_changes(preview.effects.changes, preview.before, preview.after),
                notes=row_notes,
            )
        )
    return rows


def tuned_rows(previews: Iterable[TunedPreview], notes: Iterable[str] = ()) -> list[Row]:
    rows = []
    for preview in previews:
        changes = []
        if preview.change is not None:
            diff = unified_diff("Tuned", preview.name, preview.before, preview.after)
            changes.append(
                ObjectChange(
                    kind="Tuned",
                    name=preview.name,
                    verb=preview.change.verb,
                    action=preview.change.action.label,
                    reasons=list(preview.change.reasons),
                    diff=diff,
                )
            )
        groups = preview.groups or ()
        if not groups:
            rows.append(
                Row("Tuned", preview.name, "(none)", 0, [], "none", False, [], changes, list(notes))
            )
        for index, group in enumerate(groups):
            rows.append(
                Row(
                    kind="Tuned",
                    name=preview.name,
                    pool=group.pool,
                    nodeCount=len(group.nodes),
                    nodes=list(group.nodes),
                    action=group.action.label,
                    reboot=group.action.reboots,
                    reasons=list(group.reasons),
                    changes=changes if index == 0 else [],
                    notes=list(notes),
                )
            )
    return rows


def _document(rows: list[Row]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "List",
        "reboot": any(row.reboot for row in rows),
        "items": [asdict(row) for row in rows],
    }


def render_json(rows: list[Row]) -> str:
    return json.dumps(_document(rows), indent=2) + "\n"


def render_yaml(rows: list[Row]) -> str:
    return yaml.dump(_document(rows), Dumper=_Dumper, sort_keys=False, width=100)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def render_table(rows: list[Row]) -> str:
    """A kubectl-style table, then per row its nodes, reasons, notes and diffs."""
    header = ("KIND", "NAME", "POOL", "NODES", "ACTION", "REASON")
    cells = [
        (
            row.kind,
            row.name,
            row.pool,
            "?" if row.nodeCount is None else str(row.nodeCount),
            row.action,
            _cut(row.reasons[0], 60)
            + (f" (+{len(row.reasons) - 1} more)" if len(row.reasons) > 1 else "")
            if row.reasons
            else "-",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header) - 1)]
    out = []
    for line in [header, *cells]:
        out.append(
            "   ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)) + "   " + line[-1]
        )
    for row in rows:
        out.append("")
        out.append(f"== {row.kind} {row.name}, pool {row.pool}: {row.action}")
        if row.nodes:
            out.append(f"nodes: {', '.join(row.nodes)}")
        out.extend(f"reason: {reason}" for reason in row.reasons)
        out.extend(f"note: {note}" for note in row.notes)
        for change in row.changes:
            out.append(f"-- {change.kind} {change.name} {change.verb} ({change.action})")
            out.append(change.diff.rstrip("\n"))
    return "\n".join(line.rstrip() for line in out) + "\n"
