"""The plugin host: builds the pluggy manager, loads ``nto.plugins`` entry points, calls hooks.

Hooks are called through pluggy's own machinery (``manager.hook.<name>(...)``), so its call
order (``tryfirst``/``trylast``), ``specname``, blocking (:meth:`pluggy.PluginManager.set_blocked`
for disabled plugins), hook-call monitoring and :meth:`~pluggy.PluginManager.get_hookcallers`
apply as documented by pluggy. What the host adds is fault isolation: a plugin must never take
the core down. At registration each hook implementation is wrapped in a guard that catches what
it raises, records a :class:`~nto.plugins.types.PluginFailure` and answers ``None`` (which
pluggy leaves out of the results), so the other plugins still answer; the guard tags each
answer with its plugin's name. Import errors and invalid implementations are recorded the same
way; the metrics module exports them as ``nto_plugin_load_errors_total`` and the ClusterOperator
status names them.

Supported pluggy features: ``tryfirst``, ``trylast``, ``optionalhook``, ``specname``. Refused at
registration (recorded as a failure, the plugin is not loaded): ``wrapper=True`` and
``hookwrapper=True`` implementations, since a wrapper would see the guard's tagged answers.

Settings are read once, when the host is built: ``NTO_DISABLED_PLUGINS`` (names to block) and
``NTO_TRACE_HOOKS`` (log every hook call with the plugins it reaches, through pluggy's hook-call
monitoring). Neighbours: :mod:`nto.plugins.hookspecs` (what can be called), :mod:`nto.cli` (the
main consumer).
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy

from nto.plugins import hookspecs
from nto.plugins._entrypoints import DISABLED_ENV, TRACE_ENV, disabled_from_env, entry_points
from nto.plugins.markers import ENTRY_POINT_GROUP, PROJECT_NAME
from nto.plugins.types import PluginFailure, PluginInfo

logger = logging.getLogger(__name__)

__all__ = ["DISABLED_ENV", "TRACE_ENV", "PluginHost", "build_plugin_host", "disabled_from_env"]

_IMPL_MARK = PROJECT_NAME + "_impl"


@dataclass
class _Origin:
    """Where a registered plugin came from, for ``nto plugins``."""

    version: str
    distribution: str


@dataclass(frozen=True)
class _Answer:
    """One implementation's result, tagged with the plugin that gave it."""

    plugin: str
    value: Any


@dataclass
class PluginHost:
    """The loaded plugins and a fault-isolating way to call their hooks."""

    manager: pluggy.PluginManager
    failures: list[PluginFailure] = field(default_factory=list)
    disabled: frozenset[str] = frozenset()
    _origins: dict[str, _Origin] = field(default_factory=dict)

    def register(
        self, plugin: object, *, name: str, version: str = "", distribution: str = ""
    ) -> bool:
        """Register ``plugin`` under ``name``; return False (and record why) if it is invalid."""
        if name in self.disabled:
            self.mark_disabled(name)
            return False
        try:
            guarded = self._guarded(plugin, name)
            self.manager.register(guarded, name=name)
            self.manager.check_pending()
        except Exception as exc:
            if self.manager.has_plugin(name):
                self.manager.unregister(name=name)
            self._fail(name, "register", exc)
            return False
        self._origins[name] = _Origin(version=version, distribution=distribution)
        return True

    def mark_disabled(self, name: str) -> None:
        """Block plugin ``name`` (found but disabled by the user): pluggy will not register it."""
        if not self.manager.is_blocked(name):
            self.manager.set_blocked(name)
            logger.info("Plugin %r is disabled; not loading it", name)

    def call(self, hook_name: str, /, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call hook ``hook_name`` through pluggy; return ``(plugin, result)`` pairs.

        An implementation that raises is recorded as a failure and left out; the others still
        run. ``None`` results are left out, as pluggy does.
        """
        answers = getattr(self.manager.hook, hook_name)(**kwargs)
        if not isinstance(answers, list):  # a firstresult hook answers once, or None
            answers = [] if answers is None else [answers]
        return [(answer.plugin, answer.value) for answer in answers]

    def collect(self, hook_name: str, /, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a list-returning hook and flatten it into ``(plugin, item)`` pairs."""
        items: list[tuple[str, Any]] = []
        for plugin, result in self.call(hook_name, **kwargs):
            try:
                items.extend((plugin, item) for item in result)
            except TypeError as exc:
                self._fail(plugin, hook_name, TypeError(f"returned {result!r}, not a list: {exc}"))
        return items

    async def call_async(self, hook_name: str, /, **kwargs: Any) -> None:
        """Call a hook whose implementations may return awaitables, and await each one."""
        for plugin, result in self.call(hook_name, **kwargs):
            if inspect.isawaitable(result):
                try:
                    await result
                except Exception as exc:
                    self._fail(plugin, hook_name, exc)

    def plugins(self) -> list[PluginInfo]:
        """Describe every plugin that was found: loaded, disabled or failed."""
        infos = [self._describe(name, plugin) for name, plugin in self._named_plugins()]
        blocked = [
            name
            for name, plugin in self.manager.list_name_plugin()
            if plugin is None and self.manager.is_blocked(name)
        ]
        infos.extend(PluginInfo(name, "", "", (), enabled=False) for name in blocked)
        known = {info.name for info in infos}
        for name in sorted({f.plugin for f in self.failures} - known):
            failures = [f for f in self.failures if f.plugin == name]
            infos.append(PluginInfo(name, "", "", (), failures=failures))
        return sorted(infos, key=lambda info: info.name)

    def _describe(self, name: str, plugin: object) -> PluginInfo:
        origin = self._origins.get(name, _Origin("", ""))
        callers = self.manager.get_hookcallers(plugin) or []
        hooks = sorted(caller.name for caller in callers)
        failures = [f for f in self.failures if f.plugin == name]
        return PluginInfo(name, origin.version, origin.distribution, hooks, failures=failures)

    def _named_plugins(self) -> Iterator[tuple[str, object]]:
        for name, plugin in self.manager.list_name_plugin():
            if plugin is not None and name in self._origins:
                yield name, plugin

    def _guarded(self, plugin: object, name: str) -> object:
        """A stand-in for ``plugin`` whose hook implementations are wrapped by :meth:`_guard`.

        Refuses the pluggy features the host does not support (see the module docstring).
        """
        attributes: dict[str, Any] = {}
        for attribute in dir(plugin):
            opts = self.manager.parse_hookimpl_opts(plugin, attribute)
            if opts is None:
                continue
            if opts.get("wrapper") or opts.get("hookwrapper"):
                raise pluggy.PluginValidationError(
                    plugin,
                    f"hook implementation {attribute!r} of plugin {name!r} is a "
                    "wrapper (wrapper=True or hookwrapper=True), which nto does not support; "
                    "implement the hook without a wrapper",
                )
            attributes[attribute] = self._guard(getattr(plugin, attribute), name, opts)
        return types.SimpleNamespace(**attributes)

    def _guard(self, function: Callable[..., Any], plugin: str, opts: Mapping[str, Any]) -> Any:
        """``function`` with failures recorded and its answer tagged with ``plugin``."""
        hook_name = opts.get("specname") or function.__name__

        @functools.wraps(function)
        def guard(*args: Any, **kwargs: Any) -> _Answer | None:
            try:
                result = function(*args, **kwargs)
            except Exception as exc:
                self._fail(plugin, hook_name, exc)
                return None
            return None if result is None else _Answer(plugin, result)

        setattr(guard, _IMPL_MARK, dict(opts))
        return guard

    def record_failure(self, plugin: str, stage: str, exc: BaseException) -> None:
        """Record that ``plugin`` failed in ``stage`` (a hook name), e.g. with a wrong answer."""
        self._fail(plugin, stage, exc)

    def _fail(self, plugin: str, stage: str, exc: BaseException) -> None:
        """Record a failure once: a hook called on every sync must not grow the list forever."""
        failure = PluginFailure(plugin=plugin, stage=stage, error=f"{type(exc).__name__}: {exc}")
        if failure in self.failures:
            logger.debug("%s (again)", failure.describe())
            return
        self.failures.append(failure)
        logger.error("%s", failure.describe(), exc_info=exc)


def _trace_calls(manager: pluggy.PluginManager) -> None:
    """Log each hook call and the plugins it reaches, through pluggy's call monitoring."""

    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        del kwargs
        plugins = ", ".join(repr(impl.plugin_name) for impl in reversed(impls)) or "no plugin"
        logger.info("hook %s -> plugin %s", hook_name, plugins)

    def after(
        outcome: pluggy.Result[Any],
        hook_name: str,
        impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        del outcome, impls, kwargs
        logger.debug("hook %s done", hook_name)

    manager.add_hookcall_monitoring(before, after)


def build_plugin_host(
    *,
    disabled: Iterable[str] = (),
    load_entry_points: bool = True,
    plugins: Iterable[tuple[str, object]] = (),
    environ: Mapping[str, str] | None = None,
) -> PluginHost:
    """Create a plugin host; load entry points of group ``nto.plugins`` and the given plugins.

    ``disabled`` is added to the names in ``NTO_DISABLED_PLUGINS``. The environment
    (``environ``, default :data:`os.environ`) is read here, once.
    """
    env = os.environ if environ is None else environ
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    host = PluginHost(manager=manager, disabled=frozenset(set(disabled) | disabled_from_env(env)))
    if env.get(TRACE_ENV):
        _trace_calls(manager)
    if load_entry_points:
        _load_entry_points(host)
    for name, plugin in plugins:
        host.register(plugin, name=name)
    return host


def _load_entry_points(host: PluginHost) -> None:
    seen: set[str] = set()
    for entry_point in entry_points(ENTRY_POINT_GROUP):
        if entry_point.name in seen:  # two distributions declaring the same plugin name
            continue
        seen.add(entry_point.name)
        if entry_point.name in host.disabled:
            host.mark_disabled(entry_point.name)
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:
            host._fail(entry_point.name, "import", exc)
            continue
        distribution, version = entry_point.distribution()
        host.register(plugin, name=entry_point.name, version=version, distribution=distribution)
