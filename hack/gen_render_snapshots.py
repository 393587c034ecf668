"""Regenerate (or ``--check``) the render command's snapshot files.

Each scenario of ``plugins/performance/tests/render/fixtures/scenarios.yaml`` is rendered
in-process from our own input fixtures into ``plugins/performance/tests/render/snapshots/<name>/``.
With ``--check`` nothing is written: the rendered files are compared with the snapshots as parsed
YAML, a readable diff is printed for every difference, a missing or an extra file fails too, and
the exit code is 1 on drift. Run ``.venv/bin/python hack/gen_render_snapshots.py`` to accept the
current output; ``make verify`` runs the check. The snapshot test imports this module.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
RENDER_TESTS = ROOT / "plugins" / "performance" / "tests" / "render"
FIXTURES = RENDER_TESTS / "fixtures"
INPUTS = FIXTURES / "inputs"
SCENARIOS_FILE = FIXTURES / "scenarios.yaml"
SNAPSHOTS = RENDER_TESTS / "snapshots"


def load_scenarios() -> dict[str, dict[str, Any]]:
    """Scenario name -> ``{"inputs": [dir, ...], "flags": [flag, ...]}``."""
    scenarios: dict[str, dict[str, Any]] = yaml.safe_load(SCENARIOS_FILE.read_text())
    return scenarios


def render_scenario(scenario: dict[str, Any], output_dir: Path) -> None:
    """Render one scenario into `output_dir` (which must not exist yet)."""
    from nto_performance.render import command

    parser = argparse.ArgumentParser()
    command.configure(parser)
    dirs = ",".join(str(INPUTS / d) for d in scenario["inputs"])
    flags = [*scenario.get("flags", []), "--asset-input-dir", dirs]
    args = parser.parse_args([*flags, "--asset-output-dir", str(output_dir)])
    command.render_assets(command.settings_from(args, {}))


def compare_dirs(expected: Path, actual: Path) -> list[str]:
    """Problems between a snapshot dir and a rendered dir (parsed YAML; missing/extra files)."""
    want = {p.name for p in expected.glob("*")} if expected.is_dir() else set()
    have = {p.name for p in actual.glob("*")} if actual.is_dir() else set()
    problems = [f"{expected / name}: missing snapshot (render writes it)" for name in have - want]
    problems += [
        f"{expected / name}: extra snapshot (render no longer writes it)" for name in want - have
    ]
    for name in sorted(want & have):
        old = yaml.safe_load((expected / name).read_text())
        new = yaml.safe_load((actual / name).read_text())
        if old != new:
            problems.append(f"{expected / name}: differs\n{_diff(old, new, name)}")
    return sorted(problems)


def _lines(obj: Any) -> list[str]:
    return yaml.safe_dump(obj, sort_keys=True).splitlines(keepends=True)


def _diff(old: Any, new: Any, name: str) -> str:
    lines = difflib.unified_diff(_lines(old), _lines(new), f"snapshot/{name}", f"rendered/{name}")
    return "".join(lines)


def check_scenario(name: str, scenario: dict[str, Any], snapshots: Path = SNAPSHOTS) -> list[str]:
    """Drift of one scenario against its snapshot directory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / name
        render_scenario(scenario, out)
        return compare_dirs(snapshots / name, out)


def write_scenario(name: str, scenario: dict[str, Any], snapshots: Path = SNAPSHOTS) -> None:
    """Replace the snapshot directory of one scenario with a fresh render."""
    target = snapshots / name
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / name
        render_scenario(scenario, out)
        target.mkdir(parents=True, exist_ok=True)
        for stale in target.glob("*"):
            stale.unlink()
        for path in sorted(out.glob("*")):
            (target / path.name).write_text(path.read_text())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on drift")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the renders' skip notices are expected here
    scenarios = load_scenarios()
    problems: list[str] = []
    for name, scenario in scenarios.items():
        if args.check:
            problems += check_scenario(name, scenario)
        else:
            write_scenario(name, scenario)
    known = set(scenarios)
    for extra in sorted(p for p in SNAPSHOTS.glob("*") if p.name not in known):
        if args.check:
            problems.append(f"{extra}: snapshot directory of no scenario; delete it")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"render snapshots drifted ({len(problems)} problems); "
            "regenerate with: .venv/bin/python hack/gen_render_snapshots.py",
            file=sys.stderr,
        )
        return 1
    if not args.check:
        print(f"wrote snapshots of {len(scenarios)} scenarios into {SNAPSHOTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
