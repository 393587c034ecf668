"""The ``latency-test`` command: settings, a local or in-cluster run, verdicts, reports.

Reads and validates the settings (`settings`), runs the tools here (`local`) or in pods
(`cluster`), judges each tool's output (`parse.evaluate`), prints the chosen output and writes
the artifacts (``results.json``, ``junit.xml``, ``latency.svg``, ``raw.log``). Bad settings are
usage errors (exit 255, the CLI's convention); a threshold exceeded or a tool that could not
measure exits 1. Neighbours: `nto_performance.latency.command` (flags), `.report`, `.picture`.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from nto.plugins.cli import UsageError
from nto_performance.latency.local import run_local, stderr_progress
from nto_performance.latency.parse import Section, evaluate, section_header
from nto_performance.latency.report import failed, json_report, junit_xml, table
from nto_performance.latency.results import ToolResult
from nto_performance.latency.settings import LatencySettingsError, Settings, settings_from

__all__ = ["raw_output", "run", "write_artifacts"]


def raw_output(sections: Sequence[Section]) -> str:
    """Every tool's section, header first: what a test pod logs."""
    return "".join(
        f"{section_header(s.tool, s.cpus, s.exit_code, s.reason)}\n{s.text.rstrip()}\n"
        for s in sections
    )


def write_artifacts(
    directory: Path,
    results: Sequence[ToolResult],
    sections: Sequence[Section],
    *,
    settings: Settings,
    target: dict[str, object],
) -> list[Path]:
    """Write the report files into ``directory`` (created); returns their paths."""
    from nto_performance.latency.picture import svg

    where = target.get("node") or "this machine"
    files = {
        "results.json": json_report(results, settings=_settings_json(settings), target=target),
        "junit.xml": junit_xml(results, runtime=settings.runtime),
        "latency.svg": svg(results, title=f"Latency on {where}, {settings.runtime}s per tool"),
        "raw.log": raw_output(sections),
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (directory / name).write_text(text)
    except OSError as error:
        raise OSError(
            f"cannot write the results to --artifacts-dir {str(directory)!r}: {error}; "
            "choose a writable directory, or '' to write none"
        ) from error
    return [directory / name for name in files]


def _settings_json(settings: Settings) -> dict[str, object]:
    return {
        "runtime_s": settings.runtime,
        "delay_s": settings.delay,
        "cpus": settings.cpus,
        "memory": settings.memory,
        "timeout_buffer_s": settings.timeout_buffer,
        "thresholds_us": dict(settings.thresholds),
        "tools": list(settings.tools),
    }


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from(args, os.environ)
    except LatencySettingsError as error:
        raise UsageError(str(error)) from error
    for warning in settings.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not settings.run:
        print(
            "latency test skipped: LATENCY_TEST_RUN (or --run) is false; set it to true or "
            "unset it to run",
            file=sys.stderr,
        )
        return 0
    if not args.local and not args.profile:
        raise UsageError(
            "name the PerformanceProfile whose node to test with --profile, or run here with "
            "--local"
        )
    progress = stderr_progress
    if args.local:
        runs = run_local(settings, progress=progress)
        sections = [section for section, _ in runs]
        commands: list[list[str]] = [command for _, command in runs]
        node = socket.gethostname()
        target: dict[str, object] = {"mode": "local", "node": node}
    else:
        from nto_performance.latency.cluster import ClusterError, run_in_cluster

        try:
            found, pod_sections = run_in_cluster(
                settings,
                profile=args.profile,
                node=args.node,
                namespace=args.namespace,
                image=args.image,
                progress=progress,
            )
        except ClusterError as error:
            print(f"Error: {error}", file=sys.stderr)
            return 1
        sections = list(pod_sections)
        node = found.node
        commands = [[] for _ in sections]  # the pods ran them
        target = {
            "mode": "cluster",
            "node": node,
            "profile": found.profile,
            "runtime_class": found.runtime_class,
            "pod_cpus": found.cpus,
            "image": found.image,
        }
    if args.output == "raw":
        sys.stdout.write(raw_output(sections))
        return 0
    results = [
        evaluate(section, settings.threshold(section.tool), command=command, node=node)
        for section, command in zip(sections, commands, strict=True)
    ]
    if args.artifacts_dir:
        written = write_artifacts(
            Path(args.artifacts_dir), results, sections, settings=settings, target=target
        )
        print(f"wrote {', '.join(str(path) for path in written)}", file=sys.stderr)
    if args.output == "json":
        sys.stdout.write(json_report(results, settings=_settings_json(settings), target=target))
    elif args.output == "junit":
        sys.stdout.write(junit_xml(results, runtime=settings.runtime))
    else:
        sys.stdout.write(table(results))
    return 1 if failed(results) else 0
