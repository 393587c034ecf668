"""The plugin host: builds the pluggy manager, loads ``nto.plugins`` entry points, calls hooks.

A plugin must never take the core down. Import errors, invalid hook implementations and
exceptions raised inside a hook are caught per plugin, logged with the plugin's name and kept as
:class:`~nto.plugins.types.PluginFailure` records; the metrics module exports them as
``nto_plugin_load_errors_total`` and the ClusterOperator status names them. Neighbours:
:mod:`nto.plugins.hookspecs` (what can be called), :mod:`nto.cli` (the main consumer).
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pluggy

from nto.plugins import hookspecs
from nto.plugins._entrypoints import entry_points
from nto.plugins.markers import ENTRY_POINT_GROUP, PROJECT_NAME
from nto.plugins.types import PluginFailure, PluginInfo

logger = logging.getLogger(__name__)

DISABLED_ENV = "NTO_DISABLED_PLUGINS"
TRACE_ENV = "NTO_TRACE_HOOKS"


@dataclass
class _Origin:
    """Where a registered plugin came from, for ``nto plugins``."""

    version: str
    distribution: str


@dataclass
class PluginHost:
    """The loaded plugins and a fault-isolating way to call their hooks."""

    manager: pluggy.PluginManager
    failures: list[PluginFailure] = field(default_factory=list)
    disabled: frozenset[str] = frozenset()
    _origins: dict[str, _Origin] = field(default_factory=dict)
    _skipped: list[str] = field(default_factory=list)

    def register(
        self, plugin: object, *, name: str, version: str = "", distribution: str = ""
    ) -> bool:
        """Register ``plugin`` under ``name``; return False (and record why) if it is invalid."""
        if name in self.disabled:
            self.mark_disabled(name)
            return False
        try:
            self.manager.register(plugin, name=name)
            self.manager.check_pending()
        except Exception as exc:
            self._forget(plugin)
            self._fail(name, "register", exc)
            return False
        self._origins[name] = _Origin(version=version, distribution=distribution)
        return True

    def mark_disabled(self, name: str) -> None:
        """Remember that plugin ``name`` was found but disabled by the user."""
        self._skipped.append(name)
        logger.info("Plugin %r is disabled; not loading it", name)

    def call(self, hook_name: str, /, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook_name`` and return ``(plugin, result)`` pairs.

        An implementation that raises is recorded as a failure and skipped; the others still run.
        """
        hook = getattr(self.manager.hook, hook_name)
        results: list[tuple[str, Any]] = []
        for impl in reversed(hook.get_hookimpls()):
            arguments = {key: kwargs[key] for key in impl.argnames if key in kwargs}
            if os.environ.get(TRACE_ENV):
                logger.info("hook %s -> plugin %r", hook_name, impl.plugin_name)
            try:
                result = impl.function(**arguments)
            except Exception as exc:
                self._fail(impl.plugin_name, hook_name, exc)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

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
        loaded = {info.name for info in infos}
        for name in self._skipped:
            infos.append(PluginInfo(name, "", "", (), enabled=False))
        for name in sorted({f.plugin for f in self.failures} - loaded - set(self._skipped)):
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

    def _fail(self, plugin: str, stage: str, exc: BaseException) -> None:
        """Record a failure once: a hook called on every sync must not grow the list forever."""
        failure = PluginFailure(plugin=plugin, stage=stage, error=f"{type(exc).__name__}: {exc}")
        if failure in self.failures:
            logger.debug("%s (again)", failure.describe())
            return
        self.failures.append(failure)
        logger.error("%s", failure.describe(), exc_info=exc)

    def _forget(self, plugin: object) -> None:
        if self.manager.is_registered(plugin):
            self.manager.unregister(plugin)


def disabled_from_env(environ: dict[str, str] | os._Environ[str] | None = None) -> set[str]:
    """Plugin names listed in ``NTO_DISABLED_PLUGINS`` (comma or space separated)."""
    raw = (environ if environ is not None else os.environ).get(DISABLED_ENV, "")
    return {name for name in raw.replace(",", " ").split() if name}


def build_plugin_host(
    *,
    disabled: Iterable[str] = (),
    load_entry_points: bool = True,
    plugins: Iterable[tuple[str, object]] = (),
) -> PluginHost:
    """Create a plugin host; load entry points of group ``nto.plugins`` and the given plugins.

    ``disabled`` is added to the names in ``NTO_DISABLED_PLUGINS``.
    """
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    host = PluginHost(manager=manager, disabled=frozenset(set(disabled) | disabled_from_env()))
    if os.environ.get(TRACE_ENV):
        manager.trace.root.setwriter(logger.info)
        manager.enable_tracing()
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
