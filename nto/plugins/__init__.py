"""The plugin boundary: everything a plugin may import from the core, and nothing else.

Plugin authors import from here (and from :mod:`nto.testing` in tests) only; an import-linter
contract in ``pyproject.toml`` fails ``make test`` when a plugin reaches past it::

    from nto.plugins import hookimpl, CliCommand, OperatorContext, Resource

What is here:

- hooks: :data:`hookimpl`, :data:`hookspec`, the host (:class:`PluginHost`) and the value types
  hooks return (:class:`CliCommand`, :class:`WebhookRoute`, :class:`PolicyRule`, ...);
- the typed plugin runtime: :class:`OperatorContext` (one per operator), :class:`OperatorPlugin`
  (what ``nto_register_handlers`` may return), the controller runtime (:class:`ControllerRuntime`,
  :class:`Resource`, :class:`Store`, :class:`WatchEvent`, :class:`WorkQueue`), the clusters it
  talks to (:class:`Topology`, :class:`Cluster`: HyperShift's hosted and management clusters) and
  the errors that steer retries (:class:`PermanentError`, :class:`TemporaryError`);
- API access: :class:`KubeClient` and its errors, :func:`resource_path`, :class:`Connection`,
  :func:`load_connection` (:class:`KubeConfigError`), :func:`until_it_works`;
- the core's pure Tuned calculation, for plugins that preview what a Tuned does, in
  :mod:`nto.plugins.tuned`;
- command-line helpers for plugin subcommands live in :mod:`nto.plugins.cli` (a module of its
  own, so pure packages can use them without the operator runtime).

Importing this package costs nothing: every name is imported on first use, so a submodule
(``nto.plugins.types``, ``nto.plugins._entrypoints``) loads without pluggy or the runtime, and
the CLI runs a declared plugin command (``render``) without either. See ``docs/plugins.md`` for
the guide and :mod:`nto.plugins.hookspecs` for every hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nto._lazy import lazy_attributes

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
    from nto.plugins.command import CliCommand
    from nto.plugins.host import PluginHost, build_plugin_host
    from nto.plugins.markers import ENTRY_POINT_GROUP, hookimpl, hookspec
    from nto.plugins.metadata import PluginMetadata
    from nto.plugins.types import (
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
    from nto.runtime.controllers import ControllerRuntime
    from nto.runtime.errors import PermanentError, TemporaryError
    from nto.runtime.queue import WorkQueue
    from nto.runtime.store import Resource, Store, WatchEvent
    from nto.runtime.topology import Cluster, Topology
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
    "PluginHost": "nto.plugins.host",
    "build_plugin_host": "nto.plugins.host",
    "ENTRY_POINT_GROUP": "nto.plugins.markers",
    "hookimpl": "nto.plugins.markers",
    "hookspec": "nto.plugins.markers",
    "PluginMetadata": "nto.plugins.metadata",
    "CliCommand": "nto.plugins.command",
    **dict.fromkeys(
        (
            "MustGatherStep",
            "OperatorContext",
            "OperatorPlugin",
            "PluginFailure",
            "PluginInfo",
            "PolicyRule",
            "PoolSignals",
            "RelatedObject",
            "WebhookRoute",
        ),
        "nto.plugins.types",
    ),
    "ControllerRuntime": "nto.runtime.controllers",
    "PermanentError": "nto.runtime.errors",
    "TemporaryError": "nto.runtime.errors",
    "WorkQueue": "nto.runtime.queue",
    "Resource": "nto.runtime.store",
    "Store": "nto.runtime.store",
    "WatchEvent": "nto.runtime.store",
    "Cluster": "nto.runtime.topology",
    "Topology": "nto.runtime.topology",
    "JSONDict": "nto_api.objects",
}
"""Where each name lives; every one is imported on first use."""

__all__ = [
    "ENTRY_POINT_GROUP",
    "ApiError",
    "CliCommand",
    "Cluster",
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
    "Topology",
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


__getattr__ = lazy_attributes(__name__, _LAZY, globals())
