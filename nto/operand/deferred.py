"""The pending-profile files of deferred updates, and reboot-vs-restart detection at startup.

A deferred update writes ``/run/ocp-tuned/pending_profile`` (empty; ``/run`` is a tmpfs, so it
vanishes on reboot) and ``/var/lib/ocp-tuned/pending_profile`` (the fingerprint, persistent). At
startup the persistent file is consumed: with the ephemeral file gone the node rebooted and the
pending profile is applied at once; with it present only the daemon restarted and the pending
state stays pending. Neighbours: `fingerprint`, `paths`, `daemon`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from nto.operand.files import atomic_write, read_text
from nto.operand.paths import OperandPaths


def write_pending(paths: OperandPaths, fingerprint: str) -> None:
    """Record a pending (deferred) profile set."""
    paths.ephemeral_pending_file.parent.mkdir(parents=True, exist_ok=True)
    paths.ephemeral_pending_file.touch()
    atomic_write(paths.persistent_pending_file, fingerprint)


def clear_pending(paths: OperandPaths) -> None:
    """Forget any pending profile set."""
    for path in (paths.persistent_pending_file, paths.ephemeral_pending_file):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@dataclass(frozen=True)
class Recovery:
    """What the previous run left behind."""

    pending: str | None
    """The persistent pending fingerprint, if there was one (the file is consumed)."""
    node_restart: bool
    """A pending profile survived a reboot: apply it immediately."""


def recover(paths: OperandPaths) -> Recovery:
    """Consume the persistent pending file and tell a reboot from a daemon restart."""
    pending = read_text(paths.persistent_pending_file)
    if pending is None:
        return Recovery(pending=None, node_restart=False)
    with contextlib.suppress(FileNotFoundError):
        paths.persistent_pending_file.unlink()
    rebooted = not paths.ephemeral_pending_file.exists()
    return Recovery(pending=pending.strip(), node_restart=rebooted)
