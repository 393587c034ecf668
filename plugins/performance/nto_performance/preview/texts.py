"""The admission warnings of a previewed change, as kubectl prints them (``Warning: ...``).

:func:`admission_warnings` for PerformanceProfiles, :func:`tuned_warnings` for Tuneds.

One headline says what the change does to which nodes: reboot (drain and reboot, node by node),
a kubelet restart or other service actions the disruption policy allows, a TuneD reload only, or
nothing; then one ``reboot reason:`` line per reason. Each text stays under
:data:`MAX_WARNING` characters (kube-apiserver may cut longer ones). Pure. Neighbours:
:mod:`.plan` (the preview), :mod:`nto_performance.webhooks.admission` (sends them).
"""

from __future__ import annotations

from typing import Final

from nto_performance.preview.disruption import NodeAction
from nto_performance.preview.plan import ClusterFacts, ProfilePreview
from nto_performance.preview.tuned import TunedPreview

__all__ = ["MAX_WARNING", "action_phrase", "admission_warnings", "nodes_phrase", "tuned_warnings"]

MAX_WARNING: Final = 240


def _cut(text: str) -> str:
    return text if len(text) <= MAX_WARNING else text[: MAX_WARNING - 3] + "..."


def nodes_phrase(preview: ProfilePreview) -> str:
    """``the 3 nodes of MachineConfigPool "worker-cnf"`` and its variants."""
    count = preview.node_count
    counted = (
        "the nodes" if count is None else ("the 1 node" if count == 1 else f"the {count} nodes")
    )
    if preview.pool is None:
        return f"{counted} its spec.nodeSelector selects"
    return f'{counted} of MachineConfigPool "{preview.pool_name}"'


def action_phrase(action: NodeAction) -> str:
    """What ``action`` does, as a verb phrase: ``reboots``, ``restarts the kubelet on``..."""
    if action.reboots:
        return "reboots"
    label = action.label
    if label == "kubelet restart":
        return "restarts the kubelet (no reboot) on"
    if label == "TuneD reload":
        return "only reloads TuneD (no reboot) on"
    if label == "none":
        return "changes nothing on"
    return f"runs {label} (no reboot) on"


def admission_warnings(
    preview: ProfilePreview,
    facts: ClusterFacts,
    *,
    kind: str = "PerformanceProfile",
) -> list[str]:
    """The warnings of one previewed CREATE or UPDATE; none when the spec did not change."""
    if not preview.spec_changed:
        return []
    subject = f'{kind} "{preview.name}"'
    if preview.render_problem:
        return [_cut(f"{subject}: cannot preview what this change does: {preview.render_problem}")]
    warnings: list[str] = []
    action = preview.effects.action
    if preview.pool is None and preview.pool_problem:
        warnings.append(
            f"{subject}: {preview.pool_problem}; its MachineConfig and KubeletConfig roll out "
            "to no node until exactly one pool does"
        )
    if action.reboots:
        warnings.append(
            f"{subject}: this change {action_phrase(action)} {nodes_phrase(preview)}: the "
            "Machine Config Operator drains and reboots them, maxUnavailable (default 1) at a time"
        )
        for change in preview.effects.changes:
            if change.action.reboots:
                warnings.extend(
                    f'reboot reason: {change.kind} "{change.name}" {change.verb}: {reason}'
                    for reason in change.reasons
                )
    elif preview.effects.changes:
        changed = ", ".join(f'{c.kind} "{c.name}"' for c in preview.effects.changes)
        warnings.append(
            f"{subject}: this change {action_phrase(action)} {nodes_phrase(preview)} "
            f"(changed: {changed})"
        )
    else:
        warnings.append(
            f"{subject}: this change renders the same node configuration; no node is rebooted, "
            "restarted or retuned"
        )
    if preview.paused and preview.effects.changes:
        warnings.append(
            f'MachineConfigPool "{preview.pool_name}" is paused: its nodes change when it is '
            "unpaused"
        )
    warnings.extend(f"{subject}: preview incomplete: {note}" for note in facts.notes)
    return [_cut(text) for text in warnings]


def tuned_warnings(preview: TunedPreview, facts: ClusterFacts) -> list[str]:
    """The warnings of one previewed Tuned CREATE or UPDATE (one headline per pool and action)."""
    if preview.change is None:
        return []
    subject = f'Tuned "{preview.name}"'
    warnings: list[str] = []
    for group in preview.groups:
        count = len(group.nodes)
        nodes = "the 1 node" if count == 1 else f"the {count} nodes"
        where = (
            f'{nodes} of MachineConfigPool "{group.pool}"'
            if group.pool != "(no pool)"
            else f"{nodes} in no MachineConfigPool"
        )
        if group.action.reboots:
            warnings.append(
                f"{subject}: this change {action_phrase(group.action)} {where}: the Machine "
                "Config Operator drains and reboots them, maxUnavailable (default 1) at a time"
            )
            warnings.extend(
                f"reboot reason: {reason}" for reason in group.reasons if "kernel" in reason
            )
        else:
            warnings.append(f"{subject}: this change {action_phrase(group.action)} {where}")
    if not preview.groups:
        warnings.append(
            f"{subject}: this change moves no node to another TuneD profile and changes no "
            "profile a node runs"
        )
    warnings.extend(f"{subject}: preview incomplete: {note}" for note in facts.notes)
    return [_cut(text) for text in warnings]
