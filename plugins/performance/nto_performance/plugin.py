"""The ``performance`` plugin's hook implementations: the only module the core loads.

Importing it must stay cheap (the CLI loads it on every start): heavy modules are imported
inside the hooks that need them.
"""

from __future__ import annotations

from typing import Any

from nto.plugins import (
    CliCommand,
    JSONDict,
    OperatorContext,
    PolicyRule,
    RelatedObject,
    WebhookRoute,
    hookimpl,
)

GROUP = "performance.openshift.io"


@hookimpl
def nto_related_objects() -> list[RelatedObject]:
    return [RelatedObject(group=GROUP, resource="performanceprofiles", name="")]


@hookimpl
def nto_rbac_rules() -> list[PolicyRule]:
    return [
        PolicyRule(
            api_groups=(GROUP,),
            resources=("performanceprofiles", "performanceprofiles/status"),
            verbs=("get", "list", "watch", "update", "patch"),
        ),
        PolicyRule(
            api_groups=(GROUP,),
            resources=("performanceprofiles/finalizers",),
            verbs=("update",),
        ),
    ]


@hookimpl
def nto_crds() -> list[JSONDict]:
    from nto_api.crds import load_crds

    return [crd for crd in load_crds() if crd["spec"]["group"] == GROUP]


@hookimpl
def nto_cli_commands() -> list[CliCommand]:
    from nto_performance.ppc import command as ppc_command
    from nto_performance.render import command

    return [
        CliCommand(name="render", help=command.HELP, configure=command.configure, run=command.run),
        CliCommand(
            name=ppc_command.NAME,
            help=ppc_command.HELP,
            configure=ppc_command.configure,
            run=ppc_command.run,
        ),
    ]


@hookimpl
def nto_webhook_routes(context: OperatorContext) -> list[WebhookRoute]:
    del context
    from nto_performance.webhooks import KubeClusterDataProvider, routes
    from nto_performance.webhooks.metrics import OBSERVER

    return routes(provider=KubeClusterDataProvider(), observer=OBSERVER)


@hookimpl
def nto_bundle_manifests() -> list[tuple[str, JSONDict]]:
    from nto_performance.webhooks.manifests import bundle_manifests

    return bundle_manifests()


@hookimpl
def nto_metrics_collectors(registry: Any) -> None:
    from nto_performance.webhooks import metrics

    metrics.install(registry)
