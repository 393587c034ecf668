#!/usr/bin/env python3
"""Write the CRDs generated from the nto_api models where they ship, or check them.

    hack/gen_crds.py            regenerate the files
    hack/gen_crds.py --check    exit 1 and print a diff when a committed file differs, is missing
                                or is extra (``make verify`` runs this)

The core's CRDs (``tuned.openshift.io``) go to ``api/nto_api/crds/``; the PerformanceProfile CRD
ships with the performance plugin, in ``plugins/performance/nto_performance/crds/``.
``--output-dir DIR`` writes (or checks) every CRD in one directory instead.
Neighbours: nto_api.crdgen (builds the CRDs), nto_api.crds and nto_performance.crds (the package
data this writes).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE_DIR = ROOT / "api" / "nto_api" / "crds"
PLUGIN_DIRS = {"performance.openshift.io": ROOT / "plugins/performance/nto_performance/crds"}
"""API group -> the plugin directory its CRD ships from; other groups belong to the core."""

try:
    from nto_api import crdgen
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT / "api"))
    from nto_api import crdgen


def _expected(output_dir: Path | None) -> dict[Path, dict[str, str]]:
    """Folder -> file name -> YAML text."""
    folders: dict[Path, dict[str, str]] = {}
    if output_dir is None:
        folders = {CORE_DIR: {}, **{folder: {} for folder in PLUGIN_DIRS.values()}}
    for name, crd in crdgen.render_crds().items():
        folder = output_dir or PLUGIN_DIRS.get(crd["spec"]["group"], CORE_DIR)
        folders.setdefault(folder, {})[name] = crdgen.dump_crd(crd)
    return folders


def check(output_dir: Path | None = None) -> int:
    """Print a diff for every drifted file; return the exit status."""
    status = 0
    for folder, expected in _expected(output_dir).items():
        status |= _check_folder(folder, expected)
    if status:
        print("CRDs are out of date; run: hack/gen_crds.py", file=sys.stderr)
    return status


def _check_folder(folder: Path, expected: dict[str, str]) -> int:
    present = {p.name for p in folder.glob("*.yaml")}
    status = 0
    for name in sorted(present | set(expected)):
        path = folder / name
        actual = path.read_text(encoding="utf-8") if path.exists() else ""
        wanted = expected.get(name, "")
        if actual != wanted:
            status = 1
            sys.stdout.writelines(
                difflib.unified_diff(
                    actual.splitlines(keepends=True),
                    wanted.splitlines(keepends=True),
                    fromfile=f"{path} (committed)",
                    tofile=f"{path} (generated)",
                )
            )
    return status


def write(output_dir: Path | None = None) -> None:
    """Write every CRD and remove stale generated files."""
    for folder, expected in _expected(output_dir).items():
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.yaml"):
            if stale.name not in expected:
                stale.unlink()
        for name, text in expected.items():
            (folder / name).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff on drift")
    parser.add_argument(
        "--output-dir", type=Path, default=None, help="one folder for every CRD (default: split)"
    )
    args = parser.parse_args(argv)
    if args.check:
        return check(args.output_dir)
    write(args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
