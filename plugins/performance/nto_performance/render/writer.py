"""Write the render command's output: all files or none, and the truth when that fails.

`write_outputs(outputs, output_dir)` serializes every object first (YAML with sorted keys, as
the reference's sigs.k8s.io/yaml writes it), creates missing parents of `output_dir` (as the
reference does), writes the files into a staging directory beside `output_dir` (inside it when
its parent is read-only), and only then moves them in. When the output directory does not exist
yet, the staging directory itself is renamed into place. In an existing directory each file is
replaced atomically (``rename``) after a hard link of the old one is kept; a failure part-way
puts the old files back. Any failure leaves the file system as it was (parents it created are
removed again); if even the roll-back fails, the error lists what was replaced. Neighbours:
:mod:`.assets` (the plan), :mod:`.command`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from nto_api.pyyaml import yaml
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
    _check_target(target, output_dir, texts)
    created = _make_parents(target.parent, output_dir)
    try:
        staging = _staging_dir(target)
        kept: list[Path] = []  # set when a failed roll-back leaves old files in the staging area
        try:
            for name, text in texts.items():
                path = staging / name
                path.write_text(text, encoding="utf-8")
                path.chmod(FILE_MODE)
            if target.exists():
                _replace_into(staging, target, texts, output_dir, kept)
            else:
                staging.chmod(DIR_MODE)
                os.rename(staging, target)
        except OSError as exc:
            raise OutputError(
                f"cannot write the render output into {str(output_dir)!r}: "
                f"{exc.strerror or exc}; nothing was written; check the directory's permissions "
                "and free space"
            ) from exc
        finally:
            if not kept and os.path.lexists(staging):  # renamed into place: nothing left
                import shutil  # only here: ~2 ms of start-up when the output is new

                shutil.rmtree(staging, ignore_errors=True)
    except OutputError:
        for directory in reversed(created):
            _quietly(directory.rmdir)
        raise
    return [target / name for name in texts]


def _check_target(target: Path, shown: Path, texts: Mapping[str, str]) -> None:
    """Refuse before writing anything when the target or one of its file names is taken."""
    if target.exists() and not target.is_dir():
        raise OutputError(
            f"output path {str(shown)!r} exists and is not a directory; "
            "pass a directory to --asset-output-dir"
        )
    if not target.is_dir():
        return
    in_the_way = [name for name in texts if (target / name).is_dir()]
    if in_the_way:
        raise OutputError(
            f"cannot write the render output into {str(shown)!r}: "
            f"{', '.join(repr(name) for name in in_the_way)} "
            f"{'is a directory' if len(in_the_way) == 1 else 'are directories'} where a rendered "
            "file goes; nothing was written; move them away or choose another --asset-output-dir"
        )


def _make_parents(parent: Path, shown: Path) -> list[Path]:
    """Create the missing ancestors of the output directory; the ones created, outermost first."""
    missing: list[Path] = []
    ancestor = parent
    while not ancestor.exists():
        missing.append(ancestor)
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(
            f"cannot create the output directory {str(shown)!r}: {str(ancestor)!r} is not a "
            "directory; nothing was written; choose another --asset-output-dir"
        )
    created: list[Path] = []
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIR_MODE)
        except OSError as exc:
            for done in reversed(created):
                _quietly(done.rmdir)
            raise OutputError(
                f"cannot create the output directory {str(shown)!r}: cannot create "
                f"{str(directory)!r}: {exc.strerror or exc}; nothing was written; check the "
                "permissions of its parent or choose another --asset-output-dir"
            ) from exc
        created.append(directory)
    return created


def _staging_dir(target: Path) -> Path:
    """A fresh directory on the same filesystem as `target`, beside it or else inside it."""
    candidates = [target.parent] + ([target] if target.is_dir() else [])
    error: OSError | None = None
    for parent in candidates:
        try:
            return _make_private_dir(parent, prefix=f".{target.name}.render-")
        except OSError as exc:
            error = exc
    reason = error.strerror if error and error.strerror else str(error)
    raise OutputError(
        f"cannot write the render output into {str(target)!r}: {reason}; nothing was written; "
        "make the directory (or its parent) writable, or choose another --asset-output-dir"
    ) from error


def _make_private_dir(parent: Path, *, prefix: str) -> Path:
    """A new directory with mode 0700 in `parent`, as ``tempfile.mkdtemp`` makes (without
    importing tempfile and random, a few milliseconds of the command's start-up)."""
    for _ in range(100):
        path = parent / f"{prefix}{os.getpid()}-{os.urandom(6).hex()}"
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(17, "no free name for a staging directory", str(parent))


def _replace_into(
    staging: Path,
    target: Path,
    texts: Mapping[str, str],
    shown: Path,
    kept: list[Path],
) -> None:
    """Move the staged files in one by one; on failure put every old file back.

    When even that fails, the old files stay in the staging area, whose path goes into `kept`.
    """
    if not os.access(target, os.W_OK | os.X_OK):
        raise PermissionError(13, "Permission denied", str(target))
    previous = staging / ".previous"
    previous.mkdir()
    done: list[tuple[str, bool]] = []
    try:
        for name in texts:
            destination = target / name
            existed = os.path.lexists(destination)
            if existed:
                _keep(destination, previous / name)
            os.replace(staging / name, destination)
            done.append((name, existed))
    except OSError as exc:
        failed = _roll_back(done, target, previous)
        if failed:
            kept.append(previous)
            raise OutputError(
                f"cannot write the render output into {str(shown)!r}: {exc.strerror or exc}; "
                f"{len(done)} of {len(texts)} files were replaced and these could not be "
                f"restored: {', '.join(failed)}; the old versions are in {str(previous)!r}"
            ) from exc
        raise


def _keep(path: Path, backup: Path) -> None:
    """Keep the old file without a moment where `path` is missing: a hard link, else a copy."""
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError:
        import shutil

        shutil.copy2(path, backup, follow_symlinks=False)


def _roll_back(done: list[tuple[str, bool]], target: Path, previous: Path) -> list[str]:
    """Undo the replaced files, newest first; the names that could not be restored."""
    failed: list[str] = []
    for name, existed in reversed(done):
        try:
            if existed:
                os.replace(previous / name, target / name)
            else:
                (target / name).unlink()
        except OSError:
            failed.append(name)
    return failed


def _quietly(action: Callable[[], object]) -> None:
    with contextlib.suppress(OSError):
        action()
