"""Shared fixtures of the core's unit tests."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

import pytest

from nto.plugins import PluginHost, build_plugin_host


@pytest.fixture
def make_host() -> Callable[..., PluginHost]:
    """A plugin host without entry points, with the given ``(name, plugin)`` pairs."""

    def make(*plugins: tuple[str, object], disabled: tuple[str, ...] = ()) -> PluginHost:
        return build_plugin_host(load_entry_points=False, plugins=plugins, disabled=disabled)

    return make


@pytest.fixture
def module_plugin() -> Callable[[str, str], types.ModuleType]:
    """Build a plugin module from source text (registered in sys.modules for the test)."""
    created: list[str] = []

    def make(name: str, source: str) -> types.ModuleType:
        module = types.ModuleType(name)
        exec(compile(source, f"<{name}>", "exec"), module.__dict__)
        sys.modules[name] = module
        created.append(name)
        return module

    yield make  # type: ignore[misc]
    for name in created:
        sys.modules.pop(name, None)
