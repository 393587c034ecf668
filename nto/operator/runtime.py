"""``nto operator``: kopf with every plugin's handlers, the webhook server and the metrics server.

Start-up order: plugins' metrics collectors, kopf handlers (core and plugins, through hook
``nto_register_handlers``), then on kopf's start-up the HTTPS servers and hook ``nto_startup``;
on clean-up hook ``nto_shutdown`` and the servers stop. A plugin failing in any of these is
recorded by the host and the operator keeps running.

SIGINT and SIGTERM (any number of them) set one stop flag: the servers stop, kopf's watchers
end, the Lease is released, exit code 0. kopf logs in with our session (:mod:`.kopf_session`),
which re-reads a rotating token and reports to :class:`~.watch_health.WatchHealth`: failing
watches degrade the ClusterOperator, re-lists refresh the caches of the one controller runtime
(:mod:`nto.runtime`) that the Tuned controller and every plugin's controllers run on.
Neighbours: :mod:`nto.operator.kopf_config`, :mod:`nto.operator.webhook_server`,
:mod:`nto.operator.metrics_server`, :mod:`nto.metrics`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import kopf

from nto.controller.bootcmdline import BootcmdlineSignals
from nto.kube.client import KubeClient
from nto.kube.config import Connection, load_connection
from nto.kube.session import SessionFiles, TokenSource, open_session
from nto.metrics import CoreMetrics, build_registry
from nto.operator import kopf_config
from nto.operator.client_ca import ClientCA
from nto.operator.https import HTTPSServer
from nto.operator.kopf_session import kopf_credentials
from nto.operator.leader import LeaderElector, LeaseTimings, timings_for_topology
from nto.operator.leftovers import quiet_abandoned_streams
from nto.operator.metrics_server import metrics_server
from nto.operator.settings import OperatorSettings
from nto.operator.tls import TLSFiles
from nto.operator.tls_profile import TLSProfileSource
from nto.operator.webhook_server import webhook_app
from nto.plugins.host import PluginHost
from nto.plugins.types import OperatorContext, WebhookRoute
from nto.reconciler import handlers as tuned_controller
from nto.reconciler.handlers import TunedControllerHandle
from nto.runtime.controllers import ControllerRuntime
from nto.runtime.watch_health import WatchHealth
from nto_api.names import CONFIG_V1

logger = logging.getLogger(__name__)


@dataclass
class Operator:
    """Everything one operator process runs; built by :func:`build_operator`."""

    settings: OperatorSettings
    host: PluginHost
    registry: kopf.OperatorRegistry
    context: OperatorContext
    metrics: CoreMetrics
    prometheus_registry: Any
    servers: list[HTTPSServer] = field(default_factory=list)
    client_ca: ClientCA = field(default_factory=ClientCA)
    tls_profile: TLSProfileSource = field(default_factory=TLSProfileSource)
    kopf_settings: kopf.OperatorSettings = field(default_factory=kopf_config.operator_settings)
    """kopf's settings, configured before any watch starts (every plugin's watches share them)."""
    watch_health: WatchHealth = field(default_factory=WatchHealth)
    _session_files: SessionFiles = field(default_factory=SessionFiles)
    _login: tuple[str | None, Iterator[float]] | None = None
    _background: list[asyncio.Task[None]] = field(default_factory=list)
    _clients: list[KubeClient] = field(default_factory=list)
    tuned: TunedControllerHandle | None = None
    """The Tuned controller (its queue and, once started, its controller)."""
    kopf_stop: asyncio.Event | None = None
    """Set to stop kopf; also set on clean-up, since kopf leaves its waiter on it pending."""

    async def run(self, *, stop_flag: StopFlag | None = None) -> int:
        """Serve webhooks, win the election, run kopf until stopped; return the exit code.

        Webhooks are served by every replica (the Service picks any pod); the controllers and
        the metrics server run on the leader only, like the reference. Webhook servers that
        cannot start keep retrying (:meth:`HTTPSServer.run`); readiness fails until they serve.
        """
        kopf_stop = self.kopf_stop = asyncio.Event()
        _stop_on_signals(kopf_stop)
        quiet_abandoned_streams(kopf_stop)
        webhook_servers = self._webhook_servers()
        if webhook_servers:
            await self._follow_tls_profile()
        self._start(webhook_servers)
        watcher = asyncio.create_task(_relay(stop_flag, kopf_stop)) if stop_flag else None
        try:
            if not self.settings.leader_election:
                await self._run_kopf(kopf_stop)
                return 0
            return await self._run_as_leader(kopf_stop)
        finally:
            if watcher is not None:
                watcher.cancel()
            await self.stop_servers()
            self._session_files.remove()

    async def kopf_login(self, connection: Connection) -> kopf.AiohttpSession:
        """kopf's session: our token source and TLS setup, reporting to :attr:`watch_health`.

        kopf logs in again after a 401. When the token file still holds the refused token, the
        new session waits first (growing to the retry cap), so a revoked token does not spin.
        """
        tokens = TokenSource(connection.token, connection.token_path)
        token = tokens.current()
        if self._login is not None and self._login[0] == token:
            delay = next(self._login[1])
            logger.warning("The API refused the token again; logging in anew in %.1f s", delay)
            await asyncio.sleep(delay)
        else:
            self._login = (token, iter(kopf_config.Backoff(*self.settings.api_retry_backoff)))
        session = open_session(
            connection,
            tokens=tokens,
            files=self._session_files,
            observer=self.watch_health.observe,
            limit=0,
        )
        return kopf_credentials(
            session,
            server=connection.server,
            namespace=connection.namespace,
            backoff=kopf_config.Backoff(*self.settings.api_retry_backoff),
        )

    async def _run_kopf(self, stop: asyncio.Event) -> None:
        """``kopf.operator`` in its two halves, so that our signal handlers replace kopf's.

        kopf resolves a future on each SIGINT/SIGTERM; a second signal during the shutdown
        (Ctrl-C in a terminal, then the supervisor's SIGTERM) resolved it again and logged an
        ``InvalidStateError`` traceback. Ours only set the stop flag, which is idempotent.
        """
        existing = set(asyncio.all_tasks())
        tasks = await kopf.spawn_tasks(
            registry=self.registry,
            settings=self.kopf_settings,
            standalone=True,
            clusterwide=True,
            stop_flag=stop,
        )
        _stop_on_signals(stop)
        await kopf.run_tasks(tasks, ignored=existing)

    async def _run_as_leader(self, kopf_stop: asyncio.Event) -> int:
        async with KubeClient(load_connection()) as client:
            timings = self.settings.lease_timings or await _timings_from_cluster(client)
            elector = LeaderElector(
                client,
                namespace=self.settings.namespace,
                identity=self.settings.identity(),
                timings=timings,
            )
            acquiring = asyncio.create_task(elector.acquire())
            stopping = asyncio.create_task(kopf_stop.wait())
            await asyncio.wait({acquiring, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not acquiring.done():
                acquiring.cancel()
                return 0
            lost = asyncio.Event()
            holder = asyncio.create_task(elector.hold(lost))
            relay = asyncio.create_task(_relay(lost, kopf_stop))
            try:
                await self._run_kopf(kopf_stop)
            finally:
                holder.cancel()
                relay.cancel()
                if not lost.is_set():
                    await elector.release()
            return 1 if lost.is_set() else 0

    async def start_servers(self) -> None:
        """Start the leader-only servers (metrics); called from kopf's start-up.

        The metrics server waits for the client CA (:mod:`nto.operator.client_ca`): it never
        serves ``/metrics`` without client authentication because the CA could not be read.
        """
        if not self.settings.metrics_insecure:
            client = await self._client()
            await self._follow_tls_profile()
            await self.client_ca.refresh(client)
            self._background.append(asyncio.create_task(self.client_ca.keep_fresh(client)))
        self._start(self._metrics_servers())

    async def _client(self) -> KubeClient:
        if not self._clients:
            client = KubeClient(load_connection())
            await client.__aenter__()
            self._clients.append(client)
        return self._clients[0]

    async def _follow_tls_profile(self) -> None:
        """Read the cluster's TLS security profile (waiting at most 10 s), then follow it."""
        if any(task.get_name() == "tls-profile" for task in self._background):
            return
        client = await self._client()
        try:
            await asyncio.wait_for(self.tls_profile.refresh(client), timeout=10.0)
        except TimeoutError:
            logger.warning(
                "APIServer/cluster did not answer within 10 s; starting with the %s TLS profile",
                self.tls_profile.get().profile,
            )
        task = asyncio.create_task(self.tls_profile.keep_fresh(client), name="tls-profile")
        self._background.append(task)

    def _start(self, servers: list[HTTPSServer]) -> None:
        for server in servers:
            server.run()
            self.servers.append(server)

    async def stop_servers(self) -> None:
        for task in self._background:
            task.cancel()
        self._background.clear()
        for server in self.servers:
            await server.stop()
        self.servers.clear()
        for client in self._clients:
            await client.__aexit__(None, None, None)
        self._clients.clear()

    def _metrics_servers(self) -> list[HTTPSServer]:
        settings = self.settings
        return [
            metrics_server(
                self.prometheus_registry,
                port=settings.metrics_port,
                tls=None
                if settings.metrics_insecure
                else TLSFiles(
                    settings.metrics_cert_dir / "tls.crt",
                    settings.metrics_cert_dir / "tls.key",
                    client_ca=self.client_ca.get,
                    security=self.tls_profile.get,
                ),
            )
        ]

    def _webhook_servers(self) -> list[HTTPSServer]:
        settings = self.settings
        routes: list[WebhookRoute] = [
            route for _, route in self.host.collect("nto_webhook_routes", context=self.context)
        ]
        if not routes:
            return []
        files = TLSFiles(
            settings.webhook_cert_dir / "apiserver.crt",
            settings.webhook_cert_dir / "apiserver.key",
            security=self.tls_profile.get,
        )
        app = webhook_app(routes)
        return [
            HTTPSServer(
                app, name="webhook server", host="0.0.0.0", port=settings.webhook_port, tls=files
            )
        ]


StopFlag = asyncio.Event | threading.Event

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _stop_on_signals(stop: asyncio.Event) -> None:
    """Make SIGINT and SIGTERM set ``stop`` (any number of times) instead of kopf's handlers."""
    if threading.current_thread() is not threading.main_thread():
        return  # tests run the operator in a thread; signals reach the main thread only
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, _on_stop_signal, signum, stop)


def _on_stop_signal(signum: signal.Signals, stop: asyncio.Event) -> None:
    if stop.is_set():
        logger.info("Signal %s received; already stopping", signum.name)
        return
    logger.info("Signal %s received; stopping the operator", signum.name)
    stop.set()


async def _relay(source: StopFlag, target: asyncio.Event) -> None:
    """Set ``target`` once ``source`` (an asyncio or threading event) is set."""
    while not source.is_set():
        if isinstance(source, asyncio.Event):
            await source.wait()
        else:
            await asyncio.sleep(0.1)
    target.set()


async def _timings_from_cluster(client: KubeClient) -> LeaseTimings:
    infrastructure = await client.get(CONFIG_V1, "infrastructures", "cluster")
    topology = ((infrastructure or {}).get("status") or {}).get("controlPlaneTopology")
    return timings_for_topology(topology)


def build_operator(settings: OperatorSettings, host: PluginHost) -> Operator:
    """Assemble the registry, metrics, controller runtime and hooks of one operator process."""
    registry = kopf.OperatorRegistry()
    prometheus_registry, metrics = build_registry(host)

    def observe(controller: str, result: str, seconds: float) -> None:
        metrics.reconcile_total.labels(controller, result).inc()
        metrics.reconcile_seconds.labels(controller).observe(seconds)

    runtime = ControllerRuntime(registry, observe=observe)
    signals = BootcmdlineSignals()
    first, cap = settings.api_retry_backoff
    tuned: TunedControllerHandle | None = None

    def status_sync() -> None:
        if tuned is not None:
            tuned.mark()

    context = OperatorContext(
        namespace=settings.namespace,
        release_version=settings.release_version,
        runtime=runtime,
        metrics_registry=prometheus_registry,
        pool_signals=signals,
        status_sync=status_sync,
    )
    operator = Operator(
        settings,
        host,
        registry,
        context,
        metrics,
        prometheus_registry,
        kopf_settings=kopf_config.operator_settings(backoff=kopf_config.Backoff(first, cap)),
        watch_health=runtime.watch_health,
    )
    _register_runtime_handlers(operator)
    runtime.install()
    tuned = tuned_controller.register(
        runtime,
        settings=settings,
        metrics=metrics,
        signals=signals,
        plugin_failures=lambda: _plugin_problems(host, context),
        related_objects=lambda: [
            related.to_manifest() for _, related in host.collect("nto_related_objects")
        ],
    )
    operator.tuned = tuned
    for plugin, obj in host.call("nto_register_handlers", registry=registry, context=context):
        runtime.adopt(plugin, obj)
    return operator


def _plugin_problems(host: PluginHost, context: OperatorContext) -> list[str]:
    """Plugin failures (each once), then what plugins report: through their per-operator
    objects (:class:`~nto.plugins.types.OperatorPlugin`) and hook ``nto_status_messages``."""
    reported = [
        *context.runtime.plugin_messages(),
        *host.collect("nto_status_messages", context=context),
    ]
    messages = [f"plugin {plugin!r}: {message}" for plugin, message in reported]
    failures = list(dict.fromkeys(failure.describe() for failure in host.failures))
    return failures + context.runtime.problems + messages


def _register_runtime_handlers(operator: Operator) -> None:
    registry = operator.registry

    @kopf.on.login(registry=registry)
    async def login(**_: Any) -> kopf.AiohttpSession:
        return await operator.kopf_login(load_connection())

    @kopf.on.startup(registry=registry)
    async def startup(**_: Any) -> None:
        await operator.start_servers()
        await operator.host.call_async("nto_startup", context=operator.context)

    @kopf.on.cleanup(registry=registry)
    async def cleanup(**_: Any) -> None:
        await operator.host.call_async("nto_shutdown", context=operator.context)
        await operator.stop_servers()
        if operator.kopf_stop is not None:
            operator.kopf_stop.set()  # else kopf waits 5 s for its own "hung" stop-flag waiter


def run_operator(settings: OperatorSettings, host: PluginHost) -> int:
    """Run the operator in this process until SIGINT/SIGTERM; return the exit code."""
    operator = build_operator(settings, host)
    logger.info(
        "Starting the Node Tuning Operator (release %r, namespace %r, plugins: %s)",
        settings.release_version,
        settings.namespace,
        ", ".join(info.name for info in host.plugins() if info.enabled) or "none",
    )
    try:
        return asyncio.run(operator.run())
    finally:
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:  # a late signal must not kill the process as it exits
                signal.signal(signum, signal.SIG_IGN)
