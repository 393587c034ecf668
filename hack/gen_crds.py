#!/usr/bin/env python3
"""Write the CRDs generated from the nto_api models to api/nto_api/crds/, or check them.

    hack/gen_crds.py            regenerate the files
    hack/gen_crds.py --check    exit 1 and print a diff when a committed file differs, is missing
                                or is extra (``make verify`` runs this)

Neighbours: nto_api.crdgen (builds the CRDs), nto_api.crds (the package data this writes).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "api" / "nto_api" / "crds"

try:
    from nto_api import crdgen
except ImportError:  # not installed: run from a checkout
    sys.path.insert(0, str(ROOT / "api"))
    from nto_api import crdgen


def _expected() -> dict[str, str]:
    return {name: crdgen.dump_crd(crd) for name, crd in crdgen.render_crds().items()}


def check(folder: Path) -> int:
    """Print a diff for every drifted file; return the exit status."""
    expected = _expected()
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
    if status:
        print("CRDs are out of date; run: hack/gen_crds.py", file=sys.stderr)
    return status


def write(folder: Path) -> None:
    """Write every CRD and remove stale generated files."""
    expected = _expected()
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.yaml"):
        if stale.name not in expected:
            stale.unlink()
    for name, text in expected.items():
        (folder / name).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff on drift")
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_DIR, help="CRD folder")
    args = parser.parse_args(argv)
    if args.check:
        return check(args.output_dir)
    write(args.output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
