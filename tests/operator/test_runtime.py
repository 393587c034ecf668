"""The operator runtime assembles every plugin's contributions and survives failing plugins."""

from __future__ import annotations

from prometheus_client import Counter, generate_latest

from nto.operator.runtime import build_operator
from nto.operator.settings import OperatorSettings
from nto.plugins import WebhookRoute, hookimpl


async def ok(body: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    return 200, {}


class FullPlugin:
    def __init__(self) -> None:
        self.events: list[str] = []

    @hookimpl
    def nto_metrics_collectors(self, registry):  # type: ignore[no-untyped-def]
        Counter("nto_full_plugin_things", "things", registry=registry).inc(2)

    @hookimpl
    def nto_register_handlers(self, registry, context):  # type: ignore[no-untyped-def]
        import kopf

        @kopf.on.create("example.io", "v1", "widgets", registry=registry)
        def widget_created(**_: object) -> None:
            return None

        self.events.append(f"handlers:{context.namespace}")

    @hookimpl
    def nto_webhook_routes(self, context):  # type: ignore[no-untyped-def]
        return [WebhookRoute("/widgets", ok)]

    @hookimpl
    def nto_startup(self, context):  # type: ignore[no-untyped-def]
        self.events.append("startup")

    @hookimpl
    def nto_shutdown(self, context):  # type: ignore[no-untyped-def]
        self.events.append("shutdown")


class BrokenPlugin:
    @hookimpl
    def nto_register_handlers(self, registry, context):  # type: ignore[no-untyped-def]
        raise RuntimeError("cannot register")

    @hookimpl
    def nto_metrics_collectors(self, registry):  # type: ignore[no-untyped-def]
        raise RuntimeError("cannot count")


def test_build_operator_collects_every_contribution(make_host):
    plugin = FullPlugin()
    host = make_host(("full", plugin), ("broken", BrokenPlugin()))
    settings = OperatorSettings(namespace="nto-test", metrics_insecure=True)
    operator = build_operator(settings, host)

    assert plugin.events == ["handlers:nto-test"]
    handlers = operator.registry._changing.get_all_handlers()
    assert any(getattr(h.fn, "__name__", "") == "widget_created" for h in handlers)

    text = generate_latest(operator.prometheus_registry).decode()
    assert "nto_full_plugin_things_total 2.0" in text
    assert 'nto_build_info{version="' in text
    assert 'nto_plugin_load_errors_total{plugin="broken"} 2.0' in text

    plan = [*operator._metrics_servers(), *operator._webhook_servers()]
    assert [server.name for server in plan] == ["metrics server", "webhook server"]
    assert plan[0].tls is None
    assert plan[1].port == 4343


async def test_startup_and_shutdown_hooks_are_awaited(make_host):
    plugin = FullPlugin()
    host = make_host(("full", plugin))
    operator = build_operator(OperatorSettings(), host)
    await host.call_async("nto_startup", context=operator.context)
    await host.call_async("nto_shutdown", context=operator.context)
    assert plugin.events[-2:] == ["startup", "shutdown"]


def test_no_webhook_server_without_routes(make_host):
    operator = build_operator(OperatorSettings(), make_host())
    assert [
        server.name for server in [*operator._metrics_servers(), *operator._webhook_servers()]
    ] == ["metrics server"]


def test_settings_from_env_fall_back_with_warning(caplog):
    env = {"RESYNC_PERIOD": "soon", "WATCH_NAMESPACE": "ns", "RELEASE_VERSION": "4.99"}
    settings = OperatorSettings.from_env(env, leader_election=False)
    assert settings.resync_period == 600
    assert "RESYNC_PERIOD='soon'" in caplog.text
    assert (settings.namespace, settings.release_version) == ("ns", "4.99")
    assert settings.leader_election is False
    assert OperatorSettings.from_env({"RESYNC_PERIOD": "-5"}).resync_period == 600
    assert OperatorSettings.from_env({"RESYNC_PERIOD": "30"}).resync_period == 30


def test_both_servers_follow_the_clusters_tls_profile_and_metrics_need_the_ca(make_host):
    operator = build_operator(OperatorSettings(), make_host(("full", FullPlugin())))
    metrics, webhooks = [*operator._metrics_servers(), *operator._webhook_servers()]
    assert metrics.tls is not None
    assert webhooks.tls is not None
    assert metrics.tls.security == operator.tls_profile.get
    assert webhooks.tls.security == operator.tls_profile.get
    assert metrics.tls.client_ca == operator.client_ca.get
    assert webhooks.tls.client_ca is None
