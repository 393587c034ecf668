"""Apply one `Change` to the node's files and decide what TuneD must do (no API, no processes).

Rules (the reference's change detection and deferred updates):

- profiles are unpacked (stale ones removed); a change in the data of the recommended profile or
  anything it includes, or a removed dependency, reloads TuneD;
- a new recommended profile (or a node restart) rewrites the recommend file and reloads; in
  ``update`` mode a daemon restart that recovers the same profile is not a switch, once;
- a new provider name is written and reloads; a new ``reapply_sysctl`` or ``debug`` restarts;
- deferred (``always``, or ``update`` without a switch) and not a node restart: when the unpacked
  fingerprint differs from the effective one, the pending files are written and TuneD is left
  alone; going back to immediate while deferred reloads.

Neighbours: `files`, `parser`, `fingerprint`, `deferred`, `prepare`; `daemon` runs the actions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nto.operand.change import Change, DeferredMode
from nto.operand.deferred import clear_pending, recover, write_pending
from nto.operand.files import (
    atomic_write,
    read_recommend,
    read_unpacked,
    recommend_content,
    unpack_profiles,
    write_if_changed,
)
from nto.operand.fingerprint import mapping_fingerprint
from nto.operand.parser import Expander, profile_depends
from nto.operand.paths import OperandPaths
from nto.operand.prepare import set_reapply_sysctl

logger = logging.getLogger(__name__)


@dataclass
class NodeState:
    """What the operand remembers between Changes."""

    cached_recommended: str = ""
    recovered_recommended: str = ""
    effective_fingerprint: str | None = None
    node_restart: bool = False
    first: bool = True
    deferred: bool = False
    debug: bool | None = None


@dataclass(frozen=True)
class Actions:
    """What TuneD must do after a Change; `deferred` means leave it alone."""

    reload: bool = False
    restart: bool = False
    deferred: bool = False
    debug: bool = False


def recover_state(paths: OperandPaths) -> NodeState:
    """Startup: repack the unpacked tree, consume the pending file, tell reboot from restart."""
    recommended = read_recommend(paths.recommend_file)
    unpacked = mapping_fingerprint(read_unpacked(paths.profiles_dir), recommended)
    recovery = recover(paths)
    state = NodeState(recovered_recommended=recommended)
    if recovery.pending is None:
        state.effective_fingerprint = unpacked
    elif recovery.node_restart:
        logger.info("node restarted with a deferred profile pending; applying it now")
        state.node_restart = True
    else:
        logger.info("daemon restarted with a deferred profile pending; it stays pending")
    return state


def _depends(paths: OperandPaths, name: str, expander: Expander) -> set[str]:
    return profile_depends(
        name, custom_dir=paths.profiles_dir, system_dir=paths.system_profiles_dir, expander=expander
    )


def apply_change(
    paths: OperandPaths,
    state: NodeState,
    change: Change,
    expander: Expander,
) -> Actions:
    """Write the Change's files and return the TuneD actions; updates `state`."""
    before = _depends(paths, change.recommended, expander)
    unpacked = unpack_profiles(paths.profiles_dir, change.profiles)
    after = _depends(paths, change.recommended, expander)
    profiles_changed = bool((unpacked.changed | unpacked.removed) & (before | after))

    skip_once = (
        state.first
        and change.deferred is DeferredMode.UPDATE
        and change.recommended == state.recovered_recommended
    )
    switched = change.recommended != state.cached_recommended and not skip_once
    recommend_changed = switched or (state.node_restart and not skip_once)
    if recommend_changed:
        atomic_write(paths.recommend_file, recommend_content(change.recommended))
    provider_changed = write_if_changed(paths.provider_file, change.provider)
    sysctl_changed = set_reapply_sysctl(paths, change.reapply_sysctl)
    debug_changed = state.debug is not None and state.debug != change.debug

    immediate = (
        state.node_restart
        or change.deferred is DeferredMode.NEVER
        or (change.deferred is DeferredMode.UPDATE and switched)
    )
    fingerprint = mapping_fingerprint(change.profiles, change.recommended)
    was_deferred = state.deferred
    state.cached_recommended = change.recommended
    state.first = False
    state.node_restart = False

    if not immediate and fingerprint != state.effective_fingerprint:
        write_pending(paths, fingerprint)
        state.deferred = True
        return Actions(deferred=True, debug=change.debug)

    clear_pending(paths)
    state.deferred = False
    state.effective_fingerprint = fingerprint
    state.debug = change.debug
    reload = recommend_changed or profiles_changed or provider_changed or was_deferred
    return Actions(reload=reload, restart=sysctl_changed or debug_changed, debug=change.debug)
