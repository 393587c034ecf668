"""Value types that cross the plugin boundary.

Hook implementations return these (see :mod:`nto.plugins.hookspecs`); the core consumes them in
the CLI (:mod:`nto.cli`), the operator runtime (:mod:`nto.operator`) and the bundle generator.
They are plain frozen dataclasses so that a plugin can build them without importing anything
heavy.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from nto.kube.client import KubeClient
    from nto.runtime.controllers import ControllerRuntime
    from nto_api.objects import JSONDict  # for annotations only: the CLI's start-up stays light


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


class PoolSignals(Protocol):
    """The core's record of which kernel arguments each MachineConfigPool applied."""

    listeners: list[Callable[[str], None]]

    def is_ready(self, pool: str, dep: str, release_version: str, /) -> bool: ...


class OperatorPlugin(Protocol):
    """What hook ``nto_register_handlers`` may return: a plugin's per-operator object.

    The core owns its lifecycle: ``start()`` runs on the leader after the runtime listed every
    watched resource and before any queue drains; ``stop()`` on clean-up, after the queues
    stopped. ``status_messages()`` is read on each ClusterOperator sync (cheap, no I/O; call
    :meth:`OperatorContext.request_status_sync` when it changes). Each method is optional.
    """

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def status_messages(self) -> list[str]: ...


_T = TypeVar("_T")


class OperatorContext:
    """What one operator hands to its plugins: typed services, one object per operator.

    - :attr:`namespace`, :attr:`release_version`: the settings plugins need;
    - :attr:`runtime`: the :class:`~nto.runtime.controllers.ControllerRuntime` (watches, work
      queues, finalizers) every controller of this operator runs on;
    - :attr:`client`: the operator's shared async API client (open once the operator started);
    - :meth:`metrics`: a plugin's metrics, created once in this operator's registry;
    - :meth:`request_status_sync`: ask the core to sync ``ClusterOperator/node-tuning`` soon;
    - :meth:`pool_applied` / :meth:`on_pool_applied`: the core's kernel-argument signal.

    The core builds it in :func:`nto.operator.runtime.build_operator`; tests and tools build a
    detached one with :meth:`standalone`. Nothing here is global: two operators in one process
    (tests run several) share no state.
    """

    def __init__(
        self,
        *,
        namespace: str,
        release_version: str,
        runtime: ControllerRuntime,
        metrics_registry: CollectorRegistry,
        pool_signals: PoolSignals,
        status_sync: Callable[[], None],
    ) -> None:
        self.namespace = namespace
        self.release_version = release_version
        self.runtime = runtime
        self.metrics_registry = metrics_registry
        self._pool_signals = pool_signals
        self._status_sync = status_sync
        self._metrics: dict[Callable[[CollectorRegistry], Any], Any] = {}

    @classmethod
    def standalone(
        cls,
        *,
        namespace: str = "openshift-cluster-node-tuning-operator",
        release_version: str = "",
        status_sync: Callable[[], None] = lambda: None,
    ) -> OperatorContext:
        """A context of its own (fresh kopf registry, runtime, metrics registry and signals)."""
        import kopf
        from prometheus_client import CollectorRegistry

        from nto.controller.bootcmdline import BootcmdlineSignals
        from nto.runtime.controllers import ControllerRuntime

        return cls(
            namespace=namespace,
            release_version=release_version,
            runtime=ControllerRuntime(kopf.OperatorRegistry()),
            metrics_registry=CollectorRegistry(auto_describe=True),
            pool_signals=BootcmdlineSignals(),
            status_sync=status_sync,
        )

    @property
    def client(self) -> KubeClient:
        """The shared API client; raises before the operator started."""
        return self.runtime.client

    def metrics(self, factory: Callable[[CollectorRegistry], _T]) -> _T:
        """``factory(registry)`` for this operator's registry, created once per ``factory``."""
        made = self._metrics.get(factory)
        if made is None:
            made = self._metrics[factory] = factory(self.metrics_registry)
        return cast(_T, made)

    def request_status_sync(self) -> None:
        """Ask the core to sync ``ClusterOperator/node-tuning`` soon (after a status change)."""
        self._status_sync()

    def pool_applied(self, pool: str, dep: str) -> bool:
        """Whether every node of ``pool`` computed its kernel command line from ``dep``
        (``<tuned>:<generation>``) under this operator's release."""
        return self._pool_signals.is_ready(pool, dep, self.release_version)

    def on_pool_applied(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(pool)`` each time a pool applies new kernel arguments (no polling)."""
        self._pool_signals.listeners.append(callback)


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
