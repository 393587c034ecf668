"""Running the node scripts against a fake root tree, shared by the script test modules.

The conftest beside this file puts this directory on ``sys.path`` (test modules are imported by
path, so they cannot import each other).
"""

from __future__ import annotations

import os
import subprocess
from importlib import resources
from pathlib import Path

SCRIPTS = Path(str(resources.files("nto_performance.components.machineconfig") / "scripts"))


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


class ScriptRunner:
    """``run``/``run_twice``/``snapshot``; ``with_dirs`` also records directories."""

    def __init__(self, *, with_dirs: bool = False) -> None:
        self.with_dirs = with_dirs

    def snapshot(self, root: Path) -> dict[str, str]:
        if self.with_dirs:
            return {
                str(p.relative_to(root)): (p.read_text() if p.is_file() else "<dir>")
                for p in sorted(root.rglob("*"))
                if not p.is_symlink()
            }
        return {
            str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()
        }

    def run(
        self, script: str, root: Path, *args: str, **env: str
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "NTO_ROOT": str(root),
            **env,
        }
        return subprocess.run(
            ["bash", str(SCRIPTS / script), *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    def run_twice(self, script: str, root: Path, *args: str, **env: str) -> dict[str, str]:
        """Run `script` twice; both runs succeed and leave the same tree. Returns the tree."""
        first = self.run(script, root, *args, **env)
        assert first.returncode == 0, first.stderr
        after_first = self.snapshot(root)
        second = self.run(script, root, *args, **env)
        assert second.returncode == 0, second.stderr
        assert self.snapshot(root) == after_first
        return after_first
