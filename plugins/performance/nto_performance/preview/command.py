"""``nto preview -f FILE``: what applying PerformanceProfiles or Tuneds would do to the nodes.

Reads the objects (:mod:`.inputs`), the cluster state live or from a must-gather
(:mod:`.sources`), validates each profile as the admission webhook would, previews it against
the existing object of the same name (:mod:`.plan`, :mod:`.tuned`) and prints a table, YAML or
JSON with a unified diff of each rendered object (:mod:`.report`). With ``--from-reference`` it
previews instead what taking over the cluster from the Go operator rewrites (:mod:`.handover`).
Exit codes: 0 when no node
would reboot, 3 when some would, 1 on bad input or an unreadable cluster (the message says what
and the fix). The flags are declared in :mod:`nto_performance.plugin`, so that building the CLI
parser does not import this package. Neighbours: the modules named above.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any, Final

from nto_api.names import PERFORMANCE_KIND
from nto_api.objects import labels_of
from nto_performance.preview.errors import PreviewError
from nto_performance.preview.handover import handover_previews
from nto_performance.preview.inputs import InputObject, read_inputs
from nto_performance.preview.plan import as_v2, preview_profile
from nto_performance.preview.report import (
    Row,
    profile_rows,
    render_json,
    render_table,
    render_yaml,
    tuned_rows,
)
from nto_performance.preview.sources import Snapshot, from_cluster, from_must_gather
from nto_performance.preview.tuned import preview_tuned

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_NO_REBOOT",
    "EXIT_REBOOT",
    "handover_rows",
    "preview_rows",
    "run",
]

EXIT_NO_REBOOT: Final = 0
EXIT_BAD_INPUT: Final = 1
EXIT_REBOOT: Final = 3


def _selected(nodes: list[dict[str, Any]], selector: Mapping[str, str]) -> list[dict[str, Any]]:
    return [n for n in nodes if all(labels_of(n).get(k) == v for k, v in selector.items())]


def _check(entry: InputObject, snapshot: Snapshot) -> None:
    """Deny as the admission webhook would: :class:`PreviewError` with its message."""
    from nto_performance.validation import cluster_data, invalid_message, validate_profile
    from nto_performance.validation.shape import parse_profile

    profile, errors = parse_profile(as_v2(entry.obj))
    if profile is not None:
        others = [p for name, p in snapshot.profiles.items() if name != entry.name]
        nodes = _selected(snapshot.nodes, profile.spec.node_selector)
        errors = validate_profile(profile, cluster_data(nodes=nodes, profiles=others))
    if errors:
        raise PreviewError(
            f"{entry.source}: the API server would deny it: {invalid_message(entry.name, errors)}"
        )


def preview_rows(entries: list[InputObject], snapshot: Snapshot) -> list[Row]:
    """The report rows of `entries` against `snapshot`; :class:`PreviewError` on invalid input."""
    facts = snapshot.facts()
    rows: list[Row] = []
    for entry in entries:
        if entry.kind == PERFORMANCE_KIND:
            _check(entry, snapshot)
            old = snapshot.profiles.get(entry.name)
            preview = preview_profile(old, entry.obj, facts)
            rows.extend(profile_rows([preview], [*snapshot.notes, *snapshot.profile_notes]))
        else:
            tuned = preview_tuned(
                snapshot.tuneds.get(entry.name),
                entry.obj,
                tuneds=snapshot.tuneds,
                node_labels=facts.node_labels or {},
                pools=snapshot.pools,
            )
            rows.extend(tuned_rows([tuned], snapshot.notes))
    return rows


def handover_rows(snapshot: Snapshot) -> list[Row]:
    """The rows of ``--from-reference``: what taking over from the Go operator rewrites."""
    if not snapshot.profiles:
        raise PreviewError(
            f"{snapshot.origin} has no PerformanceProfile: taking it over rewrites no profile "
            "objects"
        )
    previews, notes = handover_previews(snapshot.profiles, snapshot.owned, snapshot.facts())
    return profile_rows(previews, [*snapshot.notes, *notes])


def run(args: argparse.Namespace) -> int:
    """Run the command; see the module docstring for the exit codes."""
    handover = bool(getattr(args, "from_reference", False))
    try:
        if handover and args.filename:
            raise PreviewError("--from-reference previews the cluster's own profiles; drop -f")
        entries = [] if handover else read_inputs(list(args.filename or []))
        if args.must_gather_dir_path:
            snapshot = from_must_gather(args.must_gather_dir_path, owned=handover)
        else:
            snapshot = from_cluster(owned=handover)
        rows = handover_rows(snapshot) if handover else preview_rows(entries, snapshot)
    except PreviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    output = {"json": render_json, "yaml": render_yaml}.get(args.output, render_table)
    sys.stdout.write(output(rows))
    return EXIT_REBOOT if any(row.reboot for row in rows) else EXIT_NO_REBOOT
