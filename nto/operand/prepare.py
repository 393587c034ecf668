"""Node-side setup: ``/etc/tuned`` from its pristine copy, the operand's directories, the image env
file, and the two ``tuned-main.conf`` keys the operand changes (``reapply_sysctl``, ``daemon``).

In the image, ``/var/lib/ocp-tuned`` and ``/var/lib/tuned`` link into ``/host`` (the host root
the DaemonSet mounts), so that profiles, ``image.env`` and TuneD's state reach the node, where
``ocp-tuned-one-shot.service`` finds them; `ensure_host_state_dirs` creates their targets.

``/etc/tuned`` is an in-memory emptyDir in the pod; the image keeps TuneD's shipped configuration
in ``/etc/tuned.orig`` and this module copies it over (``rsync --delete`` semantics). Neighbours:
`paths`, `files`, `daemon` and `oneshot` (callers).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from nto.operand.files import atomic_write, read_text, write_if_changed
from nto.operand.paths import OperandPaths

logger = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "y", "t", "on"}


def _mirror(source: Path, target: Path) -> None:
    """Make `target` a copy of `source`, removing what `source` lacks."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name for entry in source.iterdir()}
    for entry in target.iterdir():
        if entry.name not in wanted:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)


HOST_STATE_DIRS = ("/host/var/lib/ocp-tuned", "/host/var/lib/tuned")
"""On the node (under the DaemonSet's ``/host``): what the image's state links point to."""


def ensure_host_state_dirs(paths: OperandPaths) -> None:
    """Create the host directories the image's ``/var/lib/{ocp-tuned,tuned}`` links point to."""
    for directory in HOST_STATE_DIRS:
        paths.at(directory).mkdir(parents=True, exist_ok=True)


def prepare_tuned_dir(paths: OperandPaths) -> None:
    """Restore ``/etc/tuned``, create the profile and recommend dirs, link ``recommend.d``."""
    if paths.tuned_etc_orig_dir.is_dir():
        _mirror(paths.tuned_etc_orig_dir, paths.tuned_etc_dir)
    paths.tuned_etc_dir.mkdir(parents=True, exist_ok=True)
    paths.profiles_dir.mkdir(parents=True, exist_ok=True)
    paths.recommend_dir.mkdir(parents=True, exist_ok=True)
    link = paths.recommend_link
    if link.is_symlink() and Path(os.readlink(link)) == paths.recommend_dir:
        return
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    elif link.exists() or link.is_symlink():
        link.unlink()
    link.symlink_to(paths.recommend_dir)


def write_image_env(paths: OperandPaths, image: str) -> None:
    """``/var/lib/ocp-tuned/image.env`` for the PerformanceProfile's one-shot service."""
    write_if_changed(paths.image_env_file, f"NTO_IMAGE={image}\n")


def _key_re(key: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*{re.escape(key)}\s*=\s*(.*?)\s*$")


def read_main_option(paths: OperandPaths, key: str) -> str | None:
    """The value of `key` in ``tuned-main.conf`` (last occurrence), or None."""
    value = None
    for line in (read_text(paths.tuned_main_conf) or "").splitlines():
        match = _key_re(key).match(line)
        if match:
            value = match.group(1)
    return value


def set_main_option(paths: OperandPaths, key: str, value: str) -> bool:
    """Set ``key = value`` in ``tuned-main.conf`` (replace or append); True when it changed."""
    text = read_text(paths.tuned_main_conf) or ""
    lines = text.splitlines()
    pattern = _key_re(key)
    found = False
    for index, line in enumerate(lines):
        if pattern.match(line):
            lines[index] = f"{key} = {value}"
            found = True
    if not found:
        lines.append(f"{key} = {value}")
    new = "\n".join(lines) + "\n"
    if new == text:
        return False
    atomic_write(paths.tuned_main_conf, new)
    return True


def set_reapply_sysctl(paths: OperandPaths, enabled: bool) -> bool:
    """Rewrite ``reapply_sysctl`` when its truth value differs; True when it changed."""
    current = read_main_option(paths, "reapply_sysctl")
    if current is not None and (current.lower() in _TRUE) == enabled:
        return False
    return set_main_option(paths, "reapply_sysctl", "1" if enabled else "0")
