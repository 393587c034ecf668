"""Value types that cross the plugin boundary.

Hook implementations return these (see :mod:`nto.plugins.hookspecs`); the core consumes them in
the CLI (:mod:`nto.cli`), the operator runtime (:mod:`nto.operator`) and the bundle generator.
They are plain frozen dataclasses so that a plugin can build them without importing anything
heavy.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

JSONDict = dict[str, Any]


class CommandRunner(Protocol):
    """Runs a CLI command with its parsed arguments and returns the process exit code."""

    def __call__(self, args: argparse.Namespace, /) -> int: ...


class ArgumentsConfigurer(Protocol):
    """Adds a command's flags to its argparse sub-parser."""

    def __call__(self, parser: argparse.ArgumentParser, /) -> None: ...


@dataclass(frozen=True)
class CliCommand:
    """A subcommand of ``nto`` / ``cluster-node-tuning-operator``.

    ``configure`` and ``run`` should import heavy modules lazily, inside the functions: the CLI
    builds every command's parser on each start, and short commands must stay fast.
    """

    name: str
    help: str
    configure: ArgumentsConfigurer
    run: CommandRunner
    aliases: tuple[str, ...] = ()


class WebhookHandler(Protocol):
    """Answers one HTTPS request on the shared webhook server: JSON in, (status, JSON) out."""

    def __call__(self, body: bytes, content_type: str, /) -> Awaitable[tuple[int, JSONDict]]: ...


@dataclass(frozen=True)
class WebhookRoute:
    """A POST path on the shared webhook server (port 4343), e.g. ``/convert``."""

    path: str
    handler: WebhookHandler
    max_body_bytes: int = 3 * 1024 * 1024


@dataclass(frozen=True)
class PolicyRule:
    """One RBAC rule a plugin needs; the bundle merges them into the operator's ClusterRole."""

    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()

    def to_manifest(self) -> JSONDict:
        rule: JSONDict = {
            "apiGroups": list(self.api_groups),
            "resources": list(self.resources),
            "verbs": list(self.verbs),
        }
        if self.resource_names:
            rule["resourceNames"] = list(self.resource_names)
        return rule


@dataclass(frozen=True)
class RelatedObject:
    """An entry of the ClusterOperator's ``status.relatedObjects``."""

    group: str
    resource: str
    name: str
    namespace: str = ""

    def to_manifest(self) -> JSONDict:
        entry = {"group": self.group, "resource": self.resource, "name": self.name}
        if self.namespace:
            entry["namespace"] = self.namespace
        return entry


@dataclass(frozen=True)
class MustGatherStep:
    """A shell snippet the must-gather script runs; ``script`` is bash, shellcheck-clean."""

    name: str
    script: str


@dataclass(frozen=True)
class OperatorContext:
    """What the operator runtime hands to plugins when it starts.

    ``settings`` are the parsed operator settings (namespace, release version, ...); ``extras``
    lets a plugin find shared services by name (for example the core's pool-signal registry)
    without the core importing the plugin or the plugin importing core internals.
    """

    namespace: str
    release_version: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    extras: Mapping[str, Any] = field(default_factory=dict)


BOOTCMDLINE_SIGNALS = "bootcmdline_signals"
"""Key of :attr:`OperatorContext.extras` holding the core's ``BootcmdlineSignals``: call
``is_ready(pool, "<tuned>:<generation>", release_version)`` to learn whether every node of a
pool computed its kernel command line from that Tuned generation (the performance plugin waits
on it before writing its MachineConfig)."""

STATUS_REFRESH = "status_refresh"
"""Key of :attr:`OperatorContext.extras` holding a callable (no arguments) that asks the core to
sync ``ClusterOperator/node-tuning`` soon, e.g. after hook ``nto_status_messages`` changed."""

StartupCallback = Callable[[OperatorContext], Awaitable[None] | None]


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that failed to import, register or answer a hook; the core keeps running."""

    plugin: str
    stage: str
    error: str

    def describe(self) -> str:
        return f"plugin {self.plugin!r} failed in {self.stage}: {self.error}"


@dataclass(frozen=True)
class PluginInfo:
    """What ``nto plugins`` prints for one plugin."""

    name: str
    version: str
    distribution: str
    hooks: Sequence[str]
    enabled: bool = True
    failures: Sequence[PluginFailure] = ()
