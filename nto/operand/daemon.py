"""``ocp-tuned --in-cluster``: watch this node's Profile, drive TuneD, report status.

One asyncio loop with three inputs: the Profile watch (list, then watch from the list's
resourceVersion; a broken stream resumes, 410 Gone re-lists), TuneD's output (`logparse`) and
TuneD's exits (a crash is reported as Degraded and TuneD restarts after a doubling backoff). The
loop applies Changes (`reconcile`), runs the TuneD actions (`tuned_process`) and writes the Node
annotations and the Profile status only when they differ. API errors back off (10 s doubling by
default); five watch failures within 610 s end the process, as in the reference.
Neighbours: `reconcile`, `status`, `tuned_process`; `nto.cli.commands.operand` starts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
import aiohttp.http_exceptions

from nto.kube.client import ApiError, ConflictError, KubeClient, resource_path
from nto.operand.change import Change, change_from_profile
from nto.operand.files import InvalidProfileError, last_line, read_bootcmdline
from nto.operand.logparse import TunedReport, feed_line
from nto.operand.parser import Expander
from nto.operand.paths import OperandPaths
from nto.operand.reconcile import NodeState, apply_change, recover_state
from nto.operand.status import compute_conditions, invalid_conditions, same_conditions, stamp
from nto.operand.tuned_process import TunedProcess
from nto_api.names import PROFILE_PLURAL, TUNED_V1
from nto_api.objects import (
    JSONDict,
    annotations_of,
    metadata_of,
    name_of,
    resource_version_of,
)
from nto_api.tuned import BOOTCMDLINE_ANNOTATION, BOOTCMDLINE_DEPS_ANNOTATION

logger = logging.getLogger(__name__)

_TRANSIENT = (ApiError, aiohttp.ClientError, TimeoutError, OSError)


class OperandError(Exception):
    """The operand cannot go on (too many watch failures)."""


@dataclass(frozen=True)
class OperandSettings:
    """Knobs of the daemon; the defaults are the reference's."""

    node_name: str
    namespace: str
    tuned_executable: str
    stop_grace: float = 10.0
    retry_delay: float = 10.0
    max_errors: int = 5
    error_window: float = 610.0
    crash_backoff: float = 1.0
    crash_backoff_max: float = 300.0
    reload_timeout: float = 60.0
    disable_host_tuned: Sequence[str] = ()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Operand:
    """The daemon; `run` until `stop` is set."""

    def __init__(
        self,
        settings: OperandSettings,
        *,
        client: KubeClient,
        node_client: KubeClient | None = None,
        paths: OperandPaths,
        expander: Expander | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.node_client = node_client or client
        self.paths = paths
        self.expander = expander or Expander()
        self.report = TunedReport()
        self.state = NodeState()
        self.tuned = TunedProcess(
            settings.tuned_executable,
            on_line=self._on_line,
            on_exit=self._on_exit,
            grace=settings.stop_grace,
        )
        self.profile: JSONDict | None = None
        self.invalid: str | None = None
        self._wake = asyncio.Event()
        self._profile_dirty = False
        self._status_dirty = False
        self._reload_started = 0.0
        self._restart_at: float | None = None
        self._crash_delay = settings.crash_backoff
        self._bootcmdline_mtime: float | None = None
        self._seen_own_profile = False
        self._change: Change | None = None
        self.steps = 0
        """Main-loop passes finished (tests wait on it instead of sleeping)."""
        self.lists = 0
        """Profile lists received and processed (each watch start and re-list)."""
        self.restarts_after_crash: list[float] = []
        """Monotonic times at which TuneD was started again after a crash."""

    @property
    def settled(self) -> bool:
        """Whether the latest Profile seen is processed and the status is written."""
        return self.profile is not None and not self._profile_dirty and not self._status_dirty

    # --- TuneD callbacks ----------------------------------------------------------------------

    def _on_line(self, line: str) -> None:
        sys.stdout.write(line + "\n")  # TuneD's log is echoed to the pod log
        sys.stdout.flush()
        if feed_line(self.report, line):
            if self.report.applied:
                self._crash_delay = self.settings.crash_backoff
            self._status_dirty = True
            self._wake.set()

    def _on_exit(self, code: int, expected: bool) -> None:
        if expected:
            return
        delay = self._crash_delay
        self._crash_delay = min(delay * 2, self.settings.crash_backoff_max)
        self.report.reloading = False
        self.report.applied = False
        self.report.error = True
        self.report.message = (
            f"TuneD exited unexpectedly with code {code}; restarting in {delay:g}s"
        )
        self._restart_at = time.monotonic() + delay
        self._status_dirty = True
        self._wake.set()

    # --- main loop ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Recover state, watch, reconcile until `stop` is set; TuneD is stopped on the way out."""
        self.state = recover_state(self.paths)
        watcher = asyncio.create_task(self._watch_forever(), name="profile-watch")
        stopper = asyncio.create_task(stop.wait(), name="stop")
        try:
            while not stop.is_set():
                await self._step()
                waiter = asyncio.create_task(self._wake.wait())
                done, _ = await asyncio.wait(
                    {waiter, watcher, stopper}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED
                )
                waiter.cancel()
                if watcher in done:
                    watcher.result()
        finally:
            for task in (watcher, stopper):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await self.tuned.stop()

    async def _step(self) -> None:
        self._wake.clear()
        if self._restart_at is not None and time.monotonic() >= self._restart_at:
            self._restart_at = None
            if not self.state.deferred and self._change is not None:
                self.report.reset_for_reload()
                self._reload_started = time.monotonic()
                self.restarts_after_crash.append(self._reload_started)
                await self.tuned.start(debug=self._change.debug)
        reloading = self.report.reloading and (
            time.monotonic() - self._reload_started < self.settings.reload_timeout
        )
        if self._profile_dirty and not reloading:
            self._profile_dirty = False
            await self._process_profile()
        self._poll_bootcmdline()
        if self._status_dirty and not reloading:
            try:
                await self._update_status()
                self._status_dirty = False
            except _TRANSIENT as exc:
                logger.warning("cannot update Profile %r status: %s", self.settings.node_name, exc)
        self.steps += 1

    def _poll_bootcmdline(self) -> None:
        try:
            mtime: float | None = self.paths.bootcmdline_file.stat().st_mtime
        except OSError:
            mtime = None
        if mtime != self._bootcmdline_mtime:
            self._bootcmdline_mtime = mtime
            self._status_dirty = True

    # --- Profile -> TuneD --------------------------------------------------------------------

    async def _process_profile(self) -> None:
        profile = self.profile
        if profile is None:
            return
        try:
            change = change_from_profile(profile)
        except InvalidProfileError as exc:
            name = self.settings.node_name
            self.invalid = f"Profile {name!r} cannot be applied: {exc}"
            logger.error("%s", self.invalid)
            self._status_dirty = True
            return
        self.invalid = None
        self._change = change
        if change.verbosity >= 2:
            logging.getLogger("nto").setLevel(logging.DEBUG)
        actions = apply_change(self.paths, self.state, change, self.expander)
        self.report.deferred = actions.deferred
        self._status_dirty = True
        if actions.deferred:
            logger.info("profile %r deferred until the next node restart", change.recommended)
            return
        if (
            actions.restart
            or (actions.reload and self._restart_at is None)
            or not (self.tuned.running or self._restart_at is not None)
        ):
            self._restart_at = None
            self.report.reset_for_reload()
            self._reload_started = time.monotonic()
            if actions.restart:
                await self.tuned.restart(debug=actions.debug)
            elif self.tuned.running:
                await self.tuned.reload()
            else:
                await self.tuned.start(debug=actions.debug)

    # --- status ------------------------------------------------------------------------------

    async def _update_status(self) -> None:
        profile = self.profile
        if profile is None:
            return
        await self._update_node(profile)
        old = profile.get("status") or {}
        conditions = (
            invalid_conditions(self.invalid) if self.invalid else compute_conditions(self.report)
        )
        status: JSONDict = {
            "tunedProfile": last_line(self.paths.active_profile_file),
            "conditions": stamp(conditions, old.get("conditions"), _now()),
        }
        generation = metadata_of(profile).get("generation")
        if isinstance(generation, int):
            status["observedGeneration"] = generation
        if (
            old.get("tunedProfile") == status["tunedProfile"]
            and old.get("observedGeneration") == status.get("observedGeneration")
            and same_conditions(old.get("conditions"), status["conditions"])
        ):
            return
        updated = await self._put_status(profile, status)
        if self.profile is profile:
            self.profile = updated

    async def _put_status(self, profile: JSONDict, status: JSONDict) -> JSONDict:
        """PUT ``profiles/status`` (the operand's role grants update, not patch); on a stale
        resourceVersion, re-read the Profile and try again."""
        current = profile
        for attempt in range(3):
            metadata = metadata_of(current)
            body = {  # the API server keeps the stored spec on status writes: send only status
                "apiVersion": current.get("apiVersion", TUNED_V1),
                "kind": current.get("kind", "Profile"),
                "metadata": {
                    key: metadata[key]
                    for key in ("name", "namespace", "resourceVersion", "uid")
                    if key in metadata
                },
                "status": {**(current.get("status") or {}), **status},
            }
            try:
                return await self.client.replace(
                    TUNED_V1, PROFILE_PLURAL, body, self.settings.namespace, subresource="status"
                )
            except ConflictError:
                fresh = await self.client.get(
                    TUNED_V1, PROFILE_PLURAL, self.settings.node_name, self.settings.namespace
                )
                if fresh is None or attempt == 2:
                    raise
                current = fresh
        raise AssertionError("unreachable")

    async def _update_node(self, profile: JSONDict) -> None:
        deps = annotations_of(profile).get(BOOTCMDLINE_DEPS_ANNOTATION, "")
        wanted = {
            BOOTCMDLINE_ANNOTATION: read_bootcmdline(self.paths.bootcmdline_file),
            BOOTCMDLINE_DEPS_ANNOTATION: deps,
        }
        for _ in range(3):
            node = await self.node_client.get("v1", "nodes", self.settings.node_name)
            if node is None:
                logger.warning(
                    "Node %r not found; cannot set its annotations", self.settings.node_name
                )
                return
            meta = node.setdefault("metadata", {})
            current = meta.get("annotations") or {}
            if all(current.get(key) == value for key, value in wanted.items()):
                return
            meta["annotations"] = {**current, **wanted}
            try:
                await self.node_client.replace("v1", "nodes", node)
                return
            except ConflictError:
                continue

    # --- watch -------------------------------------------------------------------------------

    async def _watch_forever(self) -> None:
        errors: list[float] = []
        delay = self.settings.retry_delay
        while True:
            try:
                await self._list_and_watch()
                delay = self.settings.retry_delay
            except aiohttp.http_exceptions.LineTooLong:
                # An event bigger than the HTTP client's line limit (a huge Profile): the list
                # call has no such limit, so re-list instead of counting it as a failure.
                logger.warning("Profile watch event too large for the watch stream; re-listing")
                await asyncio.sleep(self.settings.retry_delay)
            except _TRANSIENT as exc:
                now = time.monotonic()
                errors = [t for t in errors if now - t < self.settings.error_window] + [now]
                if len(errors) >= self.settings.max_errors:
                    raise OperandError(
                        f"watching Profile {self.settings.node_name!r} failed {len(errors)} times "
                        f"within {self.settings.error_window:g}s; last error: {exc}"
                    ) from exc
                logger.warning("Profile watch failed (%s); retrying in %gs", exc, delay)
                await asyncio.sleep(delay)
                delay *= 2

    async def _list_and_watch(self) -> None:
        selector = f"metadata.name={self.settings.node_name}"
        path = resource_path(TUNED_V1, PROFILE_PLURAL, namespace=self.settings.namespace)
        listing = await self.client.request("GET", path, params={"fieldSelector": selector})
        version = resource_version_of(listing)
        for item in listing.get("items") or []:
            self._accept(item)
        self.lists += 1
        while True:
            async for event in self.client.watch(
                TUNED_V1,
                PROFILE_PLURAL,
                self.settings.namespace,
                resource_version=version,
                field_selector=selector,
            ):
                obj = event.get("object") or {}
                version = resource_version_of(obj) or version
                if event.get("type") in {"ADDED", "MODIFIED"}:
                    self._accept(obj)
                elif event.get("type") == "DELETED":
                    logger.info("Profile %r deleted; TuneD keeps running", self.settings.node_name)
                    self.profile = None

    def _accept(self, obj: JSONDict) -> None:
        if name_of(obj) != self.settings.node_name:
            logger.debug("ignoring Profile %r: not this node's", name_of(obj))
            return
        old = self.profile
        if old is not None and resource_version_of(old) == resource_version_of(obj):
            return
        self.profile = obj
        if not self._seen_own_profile:
            self._seen_own_profile = True
            self._disable_host_tuned()
        if (
            old is None
            or old.get("spec") != obj.get("spec")
            or annotations_of(old) != annotations_of(obj)
        ):
            self._profile_dirty = True
        self._status_dirty = True
        self._wake.set()

    def _disable_host_tuned(self) -> None:
        command = list(self.settings.disable_host_tuned)
        if not command:
            return
        import subprocess

        try:
            subprocess.run(command, check=False, capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("cannot disable the host's TuneD with %r: %s", command, exc)
