"""``make verify``: regenerate every generated file in memory and fail on drift.

Checks, in order: the CRDs written by ``hack/gen_crds.py`` and the CVO bundle written by
``nto bundle``. Each check prints a diff and the command that fixes it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

CHECKS: list[tuple[str, list[str]]] = [
    ("CRDs", [sys.executable, str(ROOT / "hack" / "gen_crds.py"), "--check"]),
    ("plugin guide", [sys.executable, str(ROOT / "hack" / "gen_plugin_docs.py"), "--check"]),
    (
        "render snapshots",
        [sys.executable, str(ROOT / "hack" / "gen_render_snapshots.py"), "--check"],
    ),
    ("bundle", [str(BIN / "nto"), "bundle", "--output-dir", str(ROOT / "bundle"), "--check"]),
]


def main() -> int:
    failed = []
    for name, command in CHECKS:
        result = subprocess.run(command, cwd=ROOT, check=False)
        status = "ok" if result.returncode == 0 else "DRIFT"
        print(f"verify {name}: {status}")
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"generated files are stale: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
