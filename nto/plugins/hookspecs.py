"""Every hook a plugin can implement, grouped by lifecycle.

The plugin host (:mod:`nto.plugins.host`) registers this module as the only hookspec source.
Hooks are called with keyword arguments only and evolve by adding arguments, never by changing
them. Each docstring has the same shape (summary, Parameters, Returns, Since); the plugin guide's
hook reference is generated from them by ``hack/gen_plugin_docs.py``.

Lifecycle:

1. *Command line* (every start, keep it cheap): :func:`nto_cli_commands`.
2. *Cluster shape* (bundle generation, emulated clusters, ClusterOperator status, install
   bootstrap): :func:`nto_plugin_metadata`, :func:`nto_crds`, :func:`nto_rbac_rules`,
   :func:`nto_bundle_manifests`, :func:`nto_related_objects`,
   :func:`nto_must_gather_steps`, :func:`nto_bootstrap_tuneds`.
3. *Operator runtime* (``nto operator`` only): :func:`nto_metrics_collectors`,
   :func:`nto_register_handlers`, :func:`nto_webhook_routes`, :func:`nto_startup`,
   :func:`nto_status_messages`, :func:`nto_shutdown`.
4. *Emulated cluster* (:mod:`nto.testing` only, never in a real cluster):
   :func:`nto_emulated_node_cmdline`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nto.plugins.markers import hookspec

if TYPE_CHECKING:
    from nto.plugins.metadata import PluginMetadata
    from nto.plugins.types import (
        CliCommand,
        MustGatherStep,
        OperatorContext,
        OperatorPlugin,
        PolicyRule,
        RelatedObject,
        WebhookRoute,
    )
    from nto_api.objects import JSONDict

# --- 1. command line ---------------------------------------------------------------------------


@hookspec
def nto_cli_commands() -> list[CliCommand]:
    """Contribute subcommands to ``nto`` / ``cluster-node-tuning-operator``.

    Parameters:
        none.

    Returns:
        A list of :class:`~nto.plugins.types.CliCommand`. Names must not clash with core
        commands or other plugins' commands; a clash is reported as a plugin failure.

    Since: 0.1
    """
    raise NotImplementedError


# --- 2. cluster shape --------------------------------------------------------------------------


@hookspec
def nto_plugin_metadata() -> PluginMetadata:
    """Say what the core must know about the plugin: whether it ships switched off, and the
    Secret of its webhook serving certificate.

    Parameters:
        none.

    Returns:
        A :class:`~nto.plugins.metadata.PluginMetadata` (``None`` means all defaults). The bundle
        takes nothing from a plugin with ``disabled_by_default=True`` and lists it in the
        operator Deployment's ``NTO_DISABLED_PLUGINS``; when an enabled plugin serves webhook
        routes, the Deployment mounts its ``webhook_secret``.

    Since: 0.2
    """
    raise NotImplementedError


@hookspec
def nto_crds() -> list[JSONDict]:
    """Contribute the CustomResourceDefinitions the plugin owns.

    Parameters:
        none.

    Returns:
        A list of ``apiextensions.k8s.io/v1`` CRD manifests (plain dicts). The bundle ships them
        and ``nto dev-cluster`` loads them while the plugin is enabled; tests load them through
        the ``emulated_cluster_crds`` fixture. The operator's RBAC does not cover them by
        itself: declare the access the plugin needs in :func:`nto_rbac_rules`.

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_rbac_rules() -> list[PolicyRule]:
    """Declare the API access the plugin's code needs.

    Parameters:
        none.

    Returns:
        A list of :class:`~nto.plugins.types.PolicyRule`, merged into the operator's
        ClusterRole. Declare only the verbs the code uses; wildcards are rejected.

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_bundle_manifests() -> list[tuple[str, JSONDict]]:
    """Contribute extra CVO manifests (webhook configurations, services, ...).

    Parameters:
        none.

    Returns:
        A list of ``(file_name, manifest)`` pairs; file names follow the CVO numbering
        (``0000_50_cluster-node-tuning-operator_45-webhook-configuration.yaml``).

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_related_objects() -> list[RelatedObject]:
    """Contribute entries of ``ClusterOperator/node-tuning`` ``status.relatedObjects``.

    Parameters:
        none.

    Returns:
        A list of :class:`~nto.plugins.types.RelatedObject`.

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_must_gather_steps() -> list[MustGatherStep]:
    """Contribute steps to the must-gather collection script.

    Parameters:
        none.

    Returns:
        A list of :class:`~nto.plugins.types.MustGatherStep` (bash snippets).

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_bootstrap_tuneds(manifests: dict[str, list[JSONDict]]) -> list[JSONDict]:
    """Contribute Tuned objects derived from install-time manifests (``render-bootcmd-mc``).

    Parameters:
        manifests: every object of the ``--asset-input-dir`` directories, grouped by kind
            (``{"PerformanceProfile": [...], "MachineConfigPool": [...], ...}``).

    Returns:
        A list of ``tuned.openshift.io/v1`` Tuned objects to add before the top-priority
        recommend is picked (the performance plugin renders one per PerformanceProfile).

    Since: 0.1
    """
    raise NotImplementedError


# --- 3. operator runtime -----------------------------------------------------------------------


@hookspec
def nto_metrics_collectors(registry: Any) -> None:
    """Register the plugin's Prometheus collectors.

    Parameters:
        registry: the operator's single ``prometheus_client.CollectorRegistry``; create metrics
            against it (``Counter(..., registry=registry)``), never against the global one.

    Returns:
        nothing.

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_register_handlers(registry: Any, context: OperatorContext) -> OperatorPlugin | None:
    """Build the plugin's controllers for one operator.

    Parameters:
        registry: the ``kopf.OperatorRegistry`` the operator runs, for plain kopf handlers
            (``registry=registry`` in ``kopf.on.*``); controllers use ``context.runtime``.
        context: the :class:`~nto.plugins.types.OperatorContext` of this operator: its
            controller runtime (watches, work queues, finalizers), shared client and metrics.

    Returns:
        ``None``, or a per-operator object (:class:`~nto.plugins.types.OperatorPlugin`) whose
        ``start()``, ``stop()`` and ``status_messages()`` the core calls: ``start()`` on the
        leader once the runtime listed every watched resource, ``stop()`` on clean-up.

    Since: 0.1 (the return value since 0.2)
    """
    raise NotImplementedError


@hookspec
def nto_webhook_routes(context: OperatorContext) -> list[WebhookRoute]:
    """Contribute POST routes to the shared HTTPS webhook server (port 4343).

    Parameters:
        context: the :class:`~nto.plugins.types.OperatorContext`.

    Returns:
        A list of :class:`~nto.plugins.types.WebhookRoute`; paths must be unique.

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_startup(context: OperatorContext) -> Any:
    """Run once when the operator starts, before the handlers process events.

    Parameters:
        context: the :class:`~nto.plugins.types.OperatorContext`.

    Returns:
        ``None`` or an awaitable, which the runtime awaits.

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_status_messages(context: OperatorContext) -> list[str]:
    """Report conditions the ClusterOperator status should show, like plugin failures.

    Parameters:
        context: the :class:`~nto.plugins.types.OperatorContext`.

    Returns:
        A list of messages (empty when all is well). The core lists them with plugin failures
        (``Degraded``, reason ``PluginFailed``) each time it syncs ``ClusterOperator/node-tuning``;
        call ``context.request_status_sync()`` when they change. Keep it cheap: no I/O.

    Since: 0.1
    """
    raise NotImplementedError


@hookspec
def nto_shutdown(context: OperatorContext) -> Any:
    """Run once when the operator stops (SIGTERM/SIGINT), after handlers have stopped.

    Parameters:
        context: the :class:`~nto.plugins.types.OperatorContext`.

    Returns:
        ``None`` or an awaitable, which the runtime awaits.

    Since: 0.1
    """
    raise NotImplementedError


# --- 4. emulated cluster -----------------------------------------------------------------------


@hookspec
def nto_emulated_node_cmdline(profile: JSONDict) -> str | None:
    """Play the node agent for the plugin's own TuneD profiles in an emulated cluster.

    ``nto.testing.simulate_node_agents`` marks each Node's Profile applied and announces the
    kernel command line the node computed from it, as ``ocp-tuned`` does on a real node. An
    emulated node runs no TuneD, so the plugin that renders a profile says what it would
    produce. Never called in a real cluster.

    Parameters:
        profile: the ``tuned.openshift.io/v1`` Profile of one Node (``spec.config.tunedProfile``
            names the TuneD profile it runs).

    Returns:
        Kernel arguments (space-separated) for profiles the plugin renders, or ``None`` for
        the others. The answers of every plugin are joined with spaces; without any the
        command line is empty.

    Since: 0.2
    """
    raise NotImplementedError
