"""The plugin boundary: everything a plugin may import from the core, and nothing else.

Plugin authors import from here (and from :mod:`nto.testing` in tests) only; an import-linter
contract in ``pyproject.toml`` fails ``make test`` when a plugin reaches past it::

    from nto.plugins import hookimpl, CliCommand, OperatorContext, Resource

What is here:

- hooks: :data:`hookimpl`, :data:`hookspec`, the host (:class:`PluginHost`) and the value types
  hooks return (:class:`CliCommand`, :class:`WebhookRoute`, :class:`PolicyRule`, ...);
- the typed plugin runtime: :class:`OperatorContext` (one per operator), :class:`OperatorPlugin`
  (what ``nto_register_handlers`` may return), the controller runtime (:class:`ControllerRuntime`,
  :class:`Resource`, :class:`Store`, :class:`WatchEvent`, :class:`WorkQueue`) and the errors that
  steer retries (:class:`PermanentError`, :class:`TemporaryError`);
- API access: :class:`KubeClient` and its errors, :func:`resource_path`, :class:`Connection`,
  :func:`load_connection` (:class:`KubeConfigError`), :func:`until_it_works`;
- the core's pure Tuned calculation, for plugins that preview what a Tuned does, in
  :mod:`nto.plugins.tuned`;
- command-line helpers for plugin subcommands live in :mod:`nto.plugins.cli` (a module of its
  own, so pure packages can use them without the operator runtime).

Importing this package stays cheap (the CLI loads it on every start): names whose modules pull
in aiohttp, kopf or YAML are imported on first use. See ``docs/plugins.md`` for the guide and
:mod:`nto.plugins.hookspecs` for every hook.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nto.plugins.host import PluginHost, build_plugin_host
from nto.plugins.markers import ENTRY_POINT_GROUP, hookimpl, hookspec
from nto.plugins.metadata import PluginMetadata
from nto.plugins.types import (
    CliCommand,
    MustGatherStep,
    OperatorContext,
    OperatorPlugin,
    PluginFailure,
    PluginInfo,
    PolicyRule,
    PoolSignals,
    RelatedObject,
    WebhookRoute,
)
from nto.runtime.errors import PermanentError, TemporaryError
from nto.runtime.store import Resource, Store, WatchEvent

if TYPE_CHECKING:
    from nto.kube.client import (
        ApiError,
        ConflictError,
        InvalidNameError,
        KubeClient,
        NotFoundError,
        resource_path,
    )
    from nto.kube.config import Connection, KubeConfigError, load_connection
    from nto.kube.retry import until_it_works
    from nto.runtime.controllers import ControllerRuntime
    from nto.runtime.queue import WorkQueue
    from nto_api.objects import JSONDict

_LAZY = {
    "ApiError": "nto.kube.client",
    "ConflictError": "nto.kube.client",
    "InvalidNameError": "nto.kube.client",
    "KubeClient": "nto.kube.client",
    "NotFoundError": "nto.kube.client",
    "resource_path": "nto.kube.client",
    "Connection": "nto.kube.config",
    "KubeConfigError": "nto.kube.config",
    "load_connection": "nto.kube.config",
    "until_it_works": "nto.kube.retry",
    "ControllerRuntime": "nto.runtime.controllers",
    "WorkQueue": "nto.runtime.queue",
    "JSONDict": "nto_api.objects",
}

__all__ = [
    "ENTRY_POINT_GROUP",
    "ApiError",
    "CliCommand",
    "ConflictError",
    "Connection",
    "ControllerRuntime",
    "InvalidNameError",
    "JSONDict",
    "KubeClient",
    "KubeConfigError",
    "MustGatherStep",
    "NotFoundError",
    "OperatorContext",
    "OperatorPlugin",
    "PermanentError",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "PluginMetadata",
    "PolicyRule",
    "PoolSignals",
    "RelatedObject",
    "Resource",
    "Store",
    "TemporaryError",
    "WatchEvent",
    "WebhookRoute",
    "WorkQueue",
    "build_plugin_host",
    "hookimpl",
    "hookspec",
    "load_connection",
    "resource_path",
    "until_it_works",
]


def __getattr__(name: str) -> Any:
    """Import the heavier names on first use."""
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
