"""Write the render command's output: all files or none.

`write_outputs(outputs, output_dir)` serializes every object first (YAML with sorted keys, as
the reference's sigs.k8s.io/yaml writes it), writes the files into a staging directory beside
`output_dir` (inside it when its parent is read-only), and only then moves them in. When the
output directory does not exist yet, the staging directory itself is renamed into place. Any
failure leaves `output_dir` as it was. Neighbours: :mod:`.assets` (the plan), :mod:`.command`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import yaml

from nto_performance.render.errors import OutputError

__all__ = ["dump_yaml", "write_outputs"]

FILE_MODE: Final = 0o644
DIR_MODE: Final = 0o755
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(obj: Any) -> str:
    """One object as block YAML with sorted keys."""
    text: str = yaml.dump(
        obj, Dumper=_Dumper, default_flow_style=False, sort_keys=True, allow_unicode=True
    )
    return text


def write_outputs(outputs: Mapping[str, Any], output_dir: Path) -> list[Path]:
    """Write ``{file name: object}`` into `output_dir`; the written paths, sorted."""
    texts = {name: dump_yaml(obj) for name, obj in sorted(outputs.items())}
    target = output_dir.absolute()
    if target.exists() and not target.is_dir():
        raise OutputError(
            f"output path {str(output_dir)!r} exists and is not a directory; "
            "pass a directory to --asset-output-dir"
        )
    staging = _staging_dir(target)
    try:
        for name, text in texts.items():
            path = staging / name
            path.write_text(text, encoding="utf-8")
            path.chmod(FILE_MODE)
        if target.exists():
            _move_into(staging, target, texts)
        else:
            staging.chmod(DIR_MODE)
            os.rename(staging, target)
    except OSError as exc:
        raise OutputError(
            f"cannot write the render output into {str(output_dir)!r}: {exc.strerror or exc}; "
            "nothing was written; check the directory's permissions and free space"
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [target / name for name in texts]


def _staging_dir(target: Path) -> Path:
    """A fresh directory on the same filesystem as `target`, beside it or else inside it."""
    candidates = [target.parent] + ([target] if target.is_dir() else [])
    error: OSError | None = None
    for parent in candidates:
        try:
            return Path(tempfile.mkdtemp(prefix=f".{target.name}.render-", dir=parent))
        except OSError as exc:
            error = exc
    reason = error.strerror if error and error.strerror else str(error)
    raise OutputError(
        f"cannot write the render output into {str(target)!r}: {reason}; nothing was written; "
        "make the directory (or its parent) writable, or choose another --asset-output-dir"
    ) from error


def _move_into(staging: Path, target: Path, texts: Mapping[str, str]) -> None:
    if not os.access(target, os.W_OK | os.X_OK):
        raise PermissionError(13, "Permission denied", str(target))
    for name in texts:
        os.replace(staging / name, target / name)
