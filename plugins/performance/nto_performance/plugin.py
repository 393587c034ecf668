"""The ``performance`` plugin's hook implementations: the only module the core loads.

Importing it must stay cheap (the CLI loads it on every start): heavy modules are imported
inside the hooks that need them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from nto.plugins import (
    CliCommand,
    MustGatherStep,
    OperatorContext,
    OperatorPlugin,
    PluginMetadata,
    PolicyRule,
    RelatedObject,
    WebhookRoute,
    hookimpl,
)

if TYPE_CHECKING:
    from nto_api.objects import JSONDict


@hookimpl
def nto_plugin_metadata() -> PluginMetadata:
    from nto_performance.webhooks.manifests import SERVING_CERT_SECRET

    return PluginMetadata(webhook_secret=SERVING_CERT_SECRET)


@hookimpl
def nto_related_objects() -> list[RelatedObject]:
    from nto_api.names import PERFORMANCE_GROUP, PERFORMANCE_PLURAL
    from nto_performance.hypershift import mode

    if mode.enabled():  # HyperShift: profiles are management ConfigMaps, not hosted objects
        return []
    return [RelatedObject(group=PERFORMANCE_GROUP, resource=PERFORMANCE_PLURAL, name="")]


@hookimpl
def nto_rbac_rules() -> list[PolicyRule]:
    from nto_api.names import PERFORMANCE_GROUP, PERFORMANCE_PLURAL

    return [
        PolicyRule(
            api_groups=(PERFORMANCE_GROUP,),
            resources=(PERFORMANCE_PLURAL, f"{PERFORMANCE_PLURAL}/status"),
            verbs=("get", "list", "watch", "update", "patch"),
        ),
        PolicyRule(
            api_groups=(PERFORMANCE_GROUP,),
            resources=(f"{PERFORMANCE_PLURAL}/finalizers",),
            verbs=("update",),
        ),
        *_controller_rbac_rules(),
    ]


def _controller_rbac_rules() -> list[PolicyRule]:
    """What the PerformanceProfile controller and the PAO upgrade read and write."""
    from nto_api.names import (
        CONFIG_GROUP,
        MACHINECONFIG_GROUP,
        PROFILE_PLURAL,
        TUNED_GROUP,
        TUNED_PLURAL,
    )

    owned = ("get", "list", "watch", "create", "update", "delete")
    return [
        PolicyRule(
            api_groups=(MACHINECONFIG_GROUP,),
            resources=("machineconfigs", "kubeletconfigs"),
            verbs=owned,
        ),
        PolicyRule(
            api_groups=(MACHINECONFIG_GROUP,),
            resources=("machineconfigpools",),
            verbs=("get", "list", "watch"),
        ),
        PolicyRule(  # the node disruption policy behind the admission warnings and previews
            api_groups=("operator.openshift.io",),
            resources=("machineconfigurations",),
            verbs=("get",),
        ),
        PolicyRule(api_groups=("node.k8s.io",), resources=("runtimeclasses",), verbs=owned),
        PolicyRule(api_groups=(TUNED_GROUP,), resources=(TUNED_PLURAL,), verbs=owned),
        PolicyRule(api_groups=(TUNED_GROUP,), resources=(PROFILE_PLURAL,), verbs=("list", "watch")),
        PolicyRule(api_groups=("",), resources=("nodes",), verbs=("list", "watch")),
        PolicyRule(api_groups=("",), resources=("events",), verbs=("create",)),
        PolicyRule(
            api_groups=(CONFIG_GROUP,),
            resources=("infrastructures", "featuregates"),
            verbs=("get",),
        ),
        PolicyRule(
            api_groups=("operators.coreos.com",),
            resources=("clusterserviceversions", "subscriptions"),
            verbs=("list", "delete"),
        ),
    ]


@hookimpl
def nto_crds() -> list[JSONDict]:
    from nto_performance.crds import load_crds

    return load_crds()


@hookimpl
def nto_cli_commands() -> list[CliCommand]:
    from nto_performance.hypershift import mode
    from nto_performance.latency import command as latency_command
    from nto_performance.ppc import command as ppc_command
    from nto_performance.render import command

    commands = [
        command.COMMAND,
        CliCommand(
            name=ppc_command.NAME,
            help=ppc_command.HELP,
            configure=ppc_command.configure,
            run=ppc_command.run,
        ),
        CliCommand(
            name=latency_command.NAME,
            help=latency_command.HELP,
            configure=latency_command.configure,
            run=latency_command.run,
        ),
        CliCommand(name="preview", help=PREVIEW_HELP, configure=_preview_flags, run=_preview),
    ]
    if mode.enabled():  # the reference registers no `render` in HyperShift mode
        commands = [c for c in commands if c.name != "render"]
    return commands


PREVIEW_HELP = (
    "Show what applying PerformanceProfiles or Tuneds would do to the nodes (exit 3 if any reboot)"
)


def _preview_flags(parser: argparse.ArgumentParser) -> None:
    """``nto preview`` flags, here so that building the CLI imports nothing of the preview."""
    parser.add_argument(
        "-f",
        "--filename",
        action="append",
        metavar="FILE",
        help="YAML or JSON file of PerformanceProfiles and Tuneds ('-' reads stdin); repeatable",
    )
    parser.add_argument(
        "-o",
        "--output",
        choices=("table", "yaml", "json"),
        default="table",
        help="output format (default table)",
    )
    parser.add_argument(
        "--must-gather-dir-path",
        metavar="DIR",
        help="preview offline against this must-gather instead of the live cluster",
    )
    parser.add_argument(
        "--from-reference",
        action="store_true",
        help="preview what taking over the cluster from the Go operator rewrites (no -f)",
    )


def _preview(args: argparse.Namespace) -> int:
    from nto_performance.preview import command

    return command.run(args)


@hookimpl
def nto_webhook_routes(context: OperatorContext) -> list[WebhookRoute]:
    if context.topology.hypershift:
        # HyperShift mounts no serving certificate and the hosted cluster has no
        # PerformanceProfile CRD: nothing would call them, and the readiness would wait on them
        return []
    from nto_performance.webhooks import KubeClusterDataProvider, KubeClusterFacts, routes
    from nto_performance.webhooks.metrics import WebhookMetrics

    provider = KubeClusterDataProvider()
    return routes(
        provider=provider,
        observer=context.metrics(WebhookMetrics),
        facts=KubeClusterFacts(provider.client),
        tuned_facts=KubeClusterFacts(provider.client, tuned_inputs=True),
    )


@hookimpl
def nto_bundle_manifests() -> list[tuple[str, JSONDict]]:
    from nto_performance import alerts
    from nto_performance.webhooks.manifests import bundle_manifests

    return [*bundle_manifests(), (alerts.FILE, alerts.prometheus_rule())]


@hookimpl
def nto_register_handlers(registry: Any, context: OperatorContext) -> OperatorPlugin:
    """The PerformanceProfile controller of this operator (the HyperShift one when
    ``context.topology.hypershift``); the core starts and stops it."""
    del registry  # every watch goes through the context's controller runtime
    if context.topology.hypershift:
        from nto_performance.hypershift.controller import HyperShiftPerformanceController

        return HyperShiftPerformanceController(context)
    from nto_performance import upgrade
    from nto_performance.controller.handlers import PerformanceController

    return PerformanceController(
        context, mode=upgrade.mode_from_env(), check_interval=upgrade.check_interval_from_env()
    )


@hookimpl
async def nto_startup(context: OperatorContext) -> None:
    from nto_performance import upgrade

    # HyperShift mode leaves the hosted cluster's OLM objects alone (hypershift-performance.md).
    if not context.topology.hypershift and upgrade.mode_from_env() == "remove":
        await upgrade.remove_standalone_with_new_client()


@hookimpl
def nto_bootstrap_tuneds(manifests: dict[str, list[JSONDict]]) -> list[JSONDict]:
    from nto_performance.bootstrap import tuneds_for_bootstrap

    return tuneds_for_bootstrap(manifests)


@hookimpl
def nto_must_gather_steps() -> list[MustGatherStep]:
    from nto_performance.mustgather import gather_script

    return [MustGatherStep(name="performance", script=gather_script())]


@hookimpl
def nto_emulated_node_cmdline(profile: JSONDict) -> str | None:
    from nto_performance.emulated import emulated_cmdline

    return emulated_cmdline(profile)
