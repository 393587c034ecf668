"""The Tuned controller loop: reconcile the cluster from the cache, writing only differences.

Events mark work (a node, or everything); the controller runtime's batch queue
(:mod:`nto.runtime.queue`) drains the marks after a short debounce and retries with backoff;
each batch runs the reference's sync in order: the default Tuned, managementState, the operand
DaemonSet, Tuned validation, per-node Profiles, kernel-argument MachineConfigs, and the
ClusterOperator status. Every step is level-triggered: it recomputes from the cache, so a
restart, a lost event or a failed write only delays convergence. Containment: Tuneds whose
TuneD profiles would make Profiles too large to store are left out
(`nto.controller.profile_budget`), and each Profile is written on its own, so a failed write
fails that Profile alone (`.failures` classifies it) and shows in the ClusterOperator status
and ``nto_profile_write_errors_total``.
Neighbours: :mod:`.cache`, :mod:`.writes`, :mod:`nto.controller` (all decisions),
:mod:`.handlers` (its wiring on :mod:`nto.runtime`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from nto.controller import bootcmdline as gating
from nto.controller.bootcmdline import BootcmdlineSignals, KargTracker
from nto.controller.calculator import Calculator
from nto.controller.computed import ComputedProfile, is_linux_node
from nto.controller.conditions import conditions_equal
from nto.controller.daemonset import daemonset_differences, desired_daemonset, updated_daemonset
from nto.controller.default_tuned import default_tuned, needs_reset, reset_default
from nto.controller.kargs import (
    machine_configs_to_prune,
    plan_machine_config,
    wanted_machine_config_names,
)
from nto.controller.management import ignored_management_state_warning, management_plan
from nto.controller.names import DEFAULT_TUNED_NAME, RENDERED_TUNED_NAME
from nto.controller.profile_budget import Oversized, admit_tuneds
from nto.controller.profile_diff import desired_profile, profile_differences, updated_profile
from nto.controller.status import (
    StatusInputs,
    cluster_operator_status,
    compute_status,
    status_changed,
)
from nto.controller.validation import (
    ValidCondition,
    any_invalid,
    has_conflicting_duplicate,
    valid_conditions,
    validate_all,
)
from nto.kube.client import ApiError, KubeClient
from nto.metrics import CoreMetrics
from nto.operator.settings import OperatorSettings
from nto.reconciler.cache import ClusterCache
from nto.reconciler.failures import RetryLater, classify
from nto.reconciler.pods import PodWatch
from nto.reconciler.writes import Writer
from nto.runtime.queue import WorkQueue
from nto_api.objects import JSONDict, name_of, resource_version_of, uid_of

logger = logging.getLogger(__name__)

EVERYTHING = "*"


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _version_key(objects: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name_of(o), resource_version_of(o)) for o in objects))


class TunedController:
    """Reconciles batches of marks; the runtime's batch queue (``queue``) schedules them."""

    def __init__(
        self,
        client: KubeClient,
        cache: ClusterCache,
        *,
        queue: WorkQueue,
        settings: OperatorSettings,
        metrics: CoreMetrics,
        signals: BootcmdlineSignals,
        plugin_failures: Callable[[], Sequence[str]] = list,
        watch_failures: Callable[[], Sequence[str]] = list,
        related_objects: Callable[[], Sequence[Mapping[str, Any]]] = list,
        clock: Callable[[], datetime.datetime] = _now,
    ) -> None:
        self.cache = cache
        self.queue = queue
        self.settings = settings
        self.metrics = metrics
        self.signals = signals
        self.writer = Writer(client, cache, namespace=settings.namespace)
        self._plugin_failures = plugin_failures
        self._watch_failures = watch_failures
        self._related_objects = related_objects
        self._clock = clock
        self._calculator: Calculator | None = None
        self._calculator_key: object = None
        self._computed: dict[str, ComputedProfile] = {}
        self._tracker = KargTracker()
        self._rendered_checked = False
        self._write_failures: dict[str, str] = {}
        self._retry: set[str] = set()
        self._oversized: set[str] = set()
        self.pod_watch: PodWatch | None = None

    def mark(self, *keys: str) -> None:
        """Ask for a reconcile of these nodes (``node/<name>``) or of everything (``*``)."""
        self.queue.add_all(keys or (EVERYTHING,))

    # --- one reconcile ------------------------------------------------------------------------

    async def reconcile(self, batch: frozenset[str]) -> None:
        default = await self._ensure_default()
        plan = management_plan(default)
        if plan.warning:
            logger.warning("%s", plan.warning)
        for tuned in self.cache.tuneds.values():
            warning = ignored_management_state_warning(tuned)
            if warning:
                logger.warning("%s", warning)
        if plan.remove_resources:
            await self._remove_resources()
        if plan.reconcile:
            try:
                await self._reconcile_managed(batch, default)
            except (ApiError, OSError, TimeoutError):
                # report what is known (a failing watch, say) even when a write failed
                with contextlib.suppress(ApiError, OSError, TimeoutError):
                    await self._sync_status(plan.state)
                raise
        elif self.pod_watch is not None:
            await self.pod_watch.ensure(False)
        await self._sync_status(plan.state)
        if self._retry:
            retry, self._retry = self._retry, set()
            self.mark(*(f"node/{name}" for name in sorted(retry)))
            raise RetryLater(f"Profile writes of {len(retry)} node(s) failed; retrying them")

    async def _reconcile_managed(self, batch: frozenset[str], default: JSONDict | None) -> None:
        default_uid = uid_of(default)
        if not self._rendered_checked:
            await self.writer.delete_tuned(RENDERED_TUNED_NAME)
            self._rendered_checked = True
        await self._sync_daemonset(default_uid)
        tuneds = sorted(self.cache.tuneds.values(), key=name_of)
        budget = admit_tuneds(tuneds)
        self._set_oversized(set(budget.oversized))
        blocked = await self._sync_validation(tuneds, budget.oversized)
        calculator, rebuilt = self._current_calculator(tuneds, budget.admitted)
        self.metrics.pod_labels_used.set(1 if calculator.uses_pod_labels else 0)
        if self.pod_watch is not None:
            await self.pod_watch.ensure(calculator.uses_pod_labels)
        if blocked:
            logger.warning("A conflicting duplicate TuneD profile exists; no Profile is updated")
        else:
            everything = rebuilt or EVERYTHING in batch
            await self._sync_profiles(
                calculator, self._nodes_to_sync(batch, everything), default_uid
            )
        await self._sync_machine_configs(tuneds)

    def _nodes_to_sync(self, batch: frozenset[str], everything: bool) -> set[str]:
        if everything:
            return set(self.cache.nodes) | set(self.cache.profiles)
        return {key.removeprefix("node/") for key in batch if key.startswith("node/")}

    def _set_oversized(self, names: set[str]) -> None:
        for name in self._oversized - names:
            self.metrics.tuned_oversized.remove(name)
        for name in names - self._oversized:
            logger.error("Tuned %s is left out of every Profile: its profiles do not fit", name)
        for name in names:
            self.metrics.tuned_oversized.labels(tuned=name).set(1)
        self._oversized = names

    def _current_calculator(
        self, tuneds: list[JSONDict], admitted: Sequence[Mapping[str, Any]]
    ) -> tuple[Calculator, bool]:
        key = (_version_key(tuneds), _version_key(self.cache.pools.values()))
        if self._calculator is not None and key == self._calculator_key:
            return self._calculator, False
        self._calculator = Calculator(
            admitted,
            pools=list(self.cache.pools.values()),
            release_version=self.settings.release_version,
        )
        self._calculator_key = key
        return self._calculator, True

    async def _ensure_default(self) -> JSONDict | None:
        existing = self.cache.tuneds.get(DEFAULT_TUNED_NAME)
        if existing is None:
            existing = await self.writer.get_tuned(DEFAULT_TUNED_NAME)
        if existing is None:
            logger.info("Creating Tuned/%s", DEFAULT_TUNED_NAME)
            return await self.writer.create_tuned(default_tuned(self.settings.namespace))
        if needs_reset(existing):
            logger.info("Resetting the profiles and recommends of Tuned/%s", DEFAULT_TUNED_NAME)
            return await self.writer.replace_tuned(reset_default(existing))
        return existing

    async def _remove_resources(self) -> None:
        await self.writer.delete_daemonset()
        await self.writer.delete_tuned(RENDERED_TUNED_NAME)
        for name in list(self.cache.profiles):
            await self.writer.delete_profile(name)
        for name in machine_configs_to_prune(self.cache.machine_configs.values(), set()):
            await self.writer.delete_machine_config(name)
        self._computed.clear()
        self._write_failures.clear()

    async def _sync_daemonset(self, default_uid: str) -> None:
        settings = self.settings
        desired = desired_daemonset(
            image=settings.tuned_image,
            release_version=settings.release_version,
            namespace=settings.namespace,
            default_uid=default_uid or None,
        )
        existing = self.cache.daemonset
        if existing is None:
            await self.writer.create_daemonset(desired)
            return
        reasons = daemonset_differences(
            existing, image=settings.tuned_image, release_version=settings.release_version
        )
        if reasons:
            logger.info("Updating DaemonSet tuned: %s", "; ".join(reasons))
            await self.writer.replace_daemonset(updated_daemonset(existing, desired))

    async def _sync_validation(
        self, tuneds: list[JSONDict], oversized: Mapping[str, Oversized]
    ) -> bool:
        verdicts = validate_all(tuneds)
        for name, too_large in oversized.items():
            other, size = verdicts[name], too_large.verdict
            verdicts[name] = (
                size
                if other.valid
                else ValidCondition("False", other.reason, f"{other.message} {size.message}")
            )
        self.metrics.invalid_tuned_exist.set(1 if any_invalid(verdicts) else 0)
        now = self._clock()
        for tuned in tuneds:
            old = (tuned.get("status") or {}).get("conditions") or []
            new = valid_conditions(old, verdicts[name_of(tuned)], now=now)
            if not conditions_equal(old, new):
                await self.writer.tuned_status(tuned, new)
        return has_conflicting_duplicate(tuneds)

    async def _sync_profiles(self, calculator: Calculator, names: set[str], uid: str) -> None:
        semaphore = asyncio.Semaphore(16)

        async def one(name: str) -> None:
            async with semaphore:
                await self._sync_profile(calculator, name, uid)

        await asyncio.gather(*(one(name) for name in sorted(names)))

    async def _sync_profile(self, calculator: Calculator, name: str, default_uid: str) -> None:
        facts = self.cache.node_facts(name)
        existing = self.cache.profiles.get(name)
        if facts is None or not is_linux_node(facts.labels):
            self._computed.pop(name, None)
            self._tracker.forget(name)
            self._write_failures.pop(name, None)
            if existing is not None:
                await self.writer.delete_profile(name)
            return
        computed = calculator.calculate(facts, self.cache.pods_on(name))
        self._computed[name] = computed
        for warning in computed.warnings:
            logger.warning("Node %s: %s", name, warning)
        if computed.error:
            logger.error("Node %s: %s", name, computed.error)
            return
        try:
            if existing is None:
                profile = desired_profile(
                    computed, default_uid=default_uid, namespace=self.settings.namespace
                )
                await self.writer.create_profile(profile)
            elif differences := profile_differences(existing, computed):
                logger.info("Updating Profile %s: %s", name, ", ".join(differences))
                await self.writer.replace_profile(updated_profile(existing, computed))
            else:
                self._write_failures.pop(name, None)
                return
        except (ApiError, OSError, TimeoutError) as exc:
            self._write_failed(name, exc)
            return
        self._write_failures.pop(name, None)
        self.metrics.profile_calculated.labels(node=name, profile=computed.tuned_profile).inc()

    def _write_failed(self, name: str, exc: ApiError | OSError | TimeoutError) -> None:
        """Record a failed Profile write: this node alone waits; the others go on."""
        failure = classify(exc)
        self.metrics.profile_write_errors.labels(code=failure.code).inc()
        self._write_failures[name] = failure.text
        if failure.transient:
            self._retry.add(name)
            logger.warning("Profile %s not written, will retry: %s", name, failure.text)
        else:
            logger.error("Profile %s not written: %s", name, failure.text)

    async def _sync_machine_configs(self, tuneds: list[JSONDict]) -> None:
        pools = list(self.cache.pools.values())
        facts = self.cache.all_node_facts()
        targets: dict[str, tuple[str, Mapping[str, str], ComputedProfile]] = {}
        for node, computed in sorted(self._computed.items()):
            if computed.mc_labels is None:
                self._tracker.record_target(node, None)
                continue
            target = gating.machine_config_target(computed.mc_labels, pools)
            self._tracker.record_target(node, target)
            if target.pools and not target.across_pools:
                targets.setdefault(target.name, (target.pools[0], computed.mc_labels, computed))
        for name, (pool, labels, computed) in targets.items():
            subject = self.cache.node_facts(computed.node)
            if subject is None:
                continue
            members = gating.nodes_in_pool(pool, facts, pools)
            gate = gating.gate_pool(pool, subject, members, computed.bootcmdline_deps)
            self._tracker.record_gate(gate)
            if gate.state != "ready":
                continue
            action, obj = plan_machine_config(
                self.cache.machine_configs.get(name),
                name=name,
                labels=labels,
                bootcmdline=gate.bootcmdline,
                controller_version=self.settings.release_version,
            )
            if action == "create" and obj is not None:
                await self.writer.create_machine_config(obj)
            elif action == "update" and obj is not None:
                await self.writer.replace_machine_config(obj)
            if self.signals.signal_ready(pool, computed.bootcmdline_deps):
                logger.info("Pool %s applied %s", pool, computed.bootcmdline_deps)
        wanted = wanted_machine_config_names(tuneds, pools)
        for name in machine_configs_to_prune(self.cache.machine_configs.values(), wanted):
            await self.writer.delete_machine_config(name)

    async def _sync_status(self, management_state: str) -> None:
        release = self.settings.release_version
        inputs = StatusInputs(
            release_version=release,
            management_state=management_state,
            daemonset=self.cache.daemonset,
            profiles=list(self.cache.profiles.values()),
            bootcmdline_conflicts=len(self._tracker.bootcmdline_conflict),
            mc_labels_across_mcps=len(self._tracker.mc_labels_across_mcps),
            plugin_failures=list(self._plugin_failures()),
            watch_failures=list(self._watch_failures()),
            oversized_tuneds=sorted(self._oversized),
            profile_write_failures=[
                f"{node}: {text}" for node, text in sorted(self._write_failures.items())
            ],
        )
        current = self.cache.cluster_operator
        old_status = (current or {}).get("status") or {}
        result = compute_status(inputs, old_status.get("conditions"), now=self._clock())
        if result.error:
            logger.info("%s", result.error)
        status = cluster_operator_status(
            old_status,
            result,
            release_version=release,
            extra_related=list(self._related_objects()),
            namespace=self.settings.namespace,
        )
        degraded = any(
            c.get("type") == "Degraded" and c.get("status") == "True" for c in result.conditions
        )
        self.metrics.degraded.set(1 if degraded else 0)
        if current is None or status_changed(old_status, status):
            await self.writer.cluster_operator_status(status)
