"""The ``example`` plugin's hooks: its RBAC rules and its kopf handler.

Importing this module stays cheap (the CLI loads it on every start); kopf and the client are
imported inside the hooks. Neighbours: :mod:`nto_example.labeler`.
"""

from __future__ import annotations

from typing import Any

from nto.plugins import OperatorContext, PluginMetadata, PolicyRule, hookimpl


@hookimpl
def nto_plugin_metadata() -> PluginMetadata:
    """An example: the bundle ships it switched off (``NTO_DISABLED_PLUGINS``)."""
    return PluginMetadata(disabled_by_default=True)


@hookimpl
def nto_rbac_rules() -> list[PolicyRule]:
    """Exactly the calls :mod:`nto_example.labeler` makes (kopf lists and watches Profiles)."""
    from nto_api.names import PROFILE_PLURAL, TUNED_GROUP

    return [
        PolicyRule((TUNED_GROUP,), (PROFILE_PLURAL,), ("list", "watch")),
        PolicyRule(("",), ("nodes",), ("get", "patch")),
    ]


@hookimpl
def nto_register_handlers(registry: Any, context: OperatorContext) -> None:
    """One kopf handler; it patches Nodes through the operator's shared client."""
    import kopf

    from nto_example.labeler import PROFILES, relabel

    @kopf.on.event(*PROFILES, registry=registry)
    async def profile_changed(event: Any, body: Any, **_: Any) -> None:
        await relabel(context.client, event.get("type"), dict(body))
