"""The plugin boundary: markers, hook specifications, the plugin host and shared value types.

Plugin authors import from here only::

    from nto.plugins import hookimpl, CliCommand

See ``docs/plugins.md`` for the guide and :mod:`nto.plugins.hookspecs` for every hook.
"""

from nto.plugins.host import PluginHost, build_plugin_host
from nto.plugins.markers import ENTRY_POINT_GROUP, hookimpl, hookspec
from nto.plugins.metadata import PluginMetadata
from nto.plugins.types import (
    CliCommand,
    JSONDict,
    MustGatherStep,
    OperatorContext,
    PluginFailure,
    PluginInfo,
    PolicyRule,
    RelatedObject,
    WebhookRoute,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "CliCommand",
    "JSONDict",
    "MustGatherStep",
    "OperatorContext",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "PluginMetadata",
    "PolicyRule",
    "RelatedObject",
    "WebhookRoute",
    "build_plugin_host",
    "hookimpl",
    "hookspec",
]
