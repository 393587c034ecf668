"""The plugin host isolates plugins: a failing one is recorded, the others keep working."""

from __future__ import annotations

import pytest

from nto.plugins import CliCommand, PolicyRule, hookimpl
from nto.plugins.host import build_plugin_host, disabled_from_env


class GoodPlugin:
    @hookimpl
    def nto_rbac_rules(self) -> list[PolicyRule]:
        return [PolicyRule(api_groups=("",), resources=("nodes",), verbs=("get",))]


class RaisingPlugin:
    @hookimpl
    def nto_rbac_rules(self) -> list[PolicyRule]:
        raise RuntimeError("boom")


class NotAListPlugin:
    @hookimpl
    def nto_rbac_rules(self) -> int:
        return 42


class UnknownHookPlugin:
    @hookimpl
    def nto_does_not_exist(self) -> None:
        return None


class BadSignaturePlugin:
    @hookimpl
    def nto_register_handlers(self, registry, context, extra) -> None:  # type: ignore[no-untyped-def]
        del registry, context, extra


def test_collect_flattens_results_with_plugin_names(make_host):
    host = make_host(("good", GoodPlugin()))
    rules = host.collect("nto_rbac_rules")
    assert rules == [("good", PolicyRule(api_groups=("",), resources=("nodes",), verbs=("get",)))]
    assert host.failures == []


def test_raising_hook_is_recorded_and_others_still_answer(make_host):
    host = make_host(("bad", RaisingPlugin()), ("good", GoodPlugin()))
    rules = host.collect("nto_rbac_rules")
    assert [name for name, _ in rules] == ["good"]
    assert len(host.failures) == 1
    failure = host.failures[0]
    assert (failure.plugin, failure.stage) == ("bad", "nto_rbac_rules")
    assert "RuntimeError: boom" in failure.error


def test_non_list_result_is_a_failure(make_host):
    host = make_host(("odd", NotAListPlugin()))
    assert host.collect("nto_rbac_rules") == []
    assert host.failures[0].plugin == "odd"
    assert "not a list" in host.failures[0].error


@pytest.mark.parametrize(
    ("plugin", "fragment"),
    [
        pytest.param(UnknownHookPlugin(), "nto_does_not_exist", id="unknown-hook"),
        pytest.param(BadSignaturePlugin(), "extra", id="argument-not-in-spec"),
    ],
)
def test_invalid_plugin_is_rejected_at_registration(make_host, plugin, fragment):
    host = make_host(("invalid", plugin), ("good", GoodPlugin()))
    assert [f.stage for f in host.failures] == ["register"]
    assert fragment in host.failures[0].error
    assert not host.manager.has_plugin("invalid")
    assert [name for name, _ in host.collect("nto_rbac_rules")] == ["good"]
    names = [info.name for info in host.plugins()]
    assert names == ["good", "invalid"]


def test_disabled_plugin_is_listed_but_not_loaded(make_host):
    host = make_host(("good", GoodPlugin()), disabled=("good",))
    assert host.collect("nto_rbac_rules") == []
    (info,) = host.plugins()
    assert (info.name, info.enabled) == ("good", False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", set()),
        ("performance", {"performance"}),
        ("a,b", {"a", "b"}),
        (" a , b  c ", {"a", "b", "c"}),
        (",,,", set()),
    ],
)
def test_disabled_from_env(raw, expected):
    assert disabled_from_env({"NTO_DISABLED_PLUGINS": raw}) == expected


def test_env_disables_plugins(monkeypatch):
    monkeypatch.setenv("NTO_DISABLED_PLUGINS", "good")
    host = build_plugin_host(load_entry_points=False, plugins=[("good", GoodPlugin())])
    assert host.collect("nto_rbac_rules") == []


async def test_call_async_awaits_and_isolates(make_host):
    seen: list[str] = []

    class AsyncPlugin:
        @hookimpl
        def nto_startup(self, context):  # type: ignore[no-untyped-def]
            async def run() -> None:
                seen.append(context)

            return run()

    class FailingAsyncPlugin:
        @hookimpl
        def nto_startup(self, context):  # type: ignore[no-untyped-def]
            async def run() -> None:
                raise ValueError(context)

            return run()

    host = make_host(("ok", AsyncPlugin()), ("fails", FailingAsyncPlugin()))
    await host.call_async("nto_startup", context="ctx")
    assert seen == ["ctx"]
    assert [(f.plugin, f.stage) for f in host.failures] == [("fails", "nto_startup")]


def test_plugins_lists_hooks_sorted(make_host):
    class Both:
        @hookimpl
        def nto_rbac_rules(self) -> list[PolicyRule]:
            return []

        @hookimpl
        def nto_cli_commands(self) -> list[CliCommand]:
            return []

    host = make_host(("both", Both()))
    (info,) = host.plugins()
    assert list(info.hooks) == ["nto_cli_commands", "nto_rbac_rules"]


def test_tracing_env_logs_hook_calls(monkeypatch, caplog):
    monkeypatch.setenv("NTO_TRACE_HOOKS", "1")
    host = build_plugin_host(load_entry_points=False, plugins=[("good", GoodPlugin())])
    with caplog.at_level("INFO", logger="nto.plugins.host"):
        host.collect("nto_rbac_rules")
    assert "hook nto_rbac_rules -> plugin 'good'" in caplog.text


def test_repeated_failure_is_recorded_once(make_host):
    host = make_host(("bad", RaisingPlugin()))
    for _ in range(5):
        host.collect("nto_rbac_rules")
    assert len(host.failures) == 1


class WrapperPlugin:
    @hookimpl(wrapper=True)
    def nto_rbac_rules(self):  # type: ignore[no-untyped-def]
        rules = yield
        return rules


class OldWrapperPlugin:
    @hookimpl(hookwrapper=True)
    def nto_rbac_rules(self):  # type: ignore[no-untyped-def]
        yield


@pytest.mark.parametrize(
    "plugin",
    [
        pytest.param(WrapperPlugin(), id="wrapper"),
        pytest.param(OldWrapperPlugin(), id="hookwrapper"),
    ],
)
def test_wrapper_implementations_are_refused_at_registration(make_host, plugin):
    host = make_host(("wraps", plugin), ("good", GoodPlugin()))
    assert [(f.plugin, f.stage) for f in host.failures] == [("wraps", "register")]
    assert "wrapper" in host.failures[0].error
    assert "implement the hook without a wrapper" in host.failures[0].error
    assert not host.manager.has_plugin("wraps")
    assert [name for name, _ in host.collect("nto_rbac_rules")] == ["good"]


def test_pluggy_call_order_applies(make_host):
    class Last:
        @hookimpl(trylast=True)
        def nto_rbac_rules(self) -> list[PolicyRule]:
            return [PolicyRule(api_groups=("",), resources=("last",), verbs=("get",))]

    class First:
        @hookimpl(tryfirst=True)
        def nto_rbac_rules(self) -> list[PolicyRule]:
            return [PolicyRule(api_groups=("",), resources=("first",), verbs=("get",))]

    host = make_host(("last", Last()), ("first", First()))
    assert [name for name, _ in host.collect("nto_rbac_rules")] == ["first", "last"]


def test_specname_implementations_are_called(make_host):
    class Renamed:
        @hookimpl(specname="nto_rbac_rules")
        def rules(self) -> list[PolicyRule]:
            raise RuntimeError("from the renamed implementation")

    host = make_host(("renamed", Renamed()))
    assert host.collect("nto_rbac_rules") == []
    assert [(f.plugin, f.stage) for f in host.failures] == [("renamed", "nto_rbac_rules")]


def test_hooks_go_through_pluggy_hook_callers(make_host):
    """pluggy's own monitoring sees every call: the host does not run implementations itself."""
    host = make_host(("good", GoodPlugin()))
    seen: list[tuple[str, list[str]]] = []
    host.manager.add_hookcall_monitoring(
        lambda name, impls, kwargs: seen.append((name, [i.plugin_name for i in impls])),
        lambda outcome, name, impls, kwargs: None,
    )
    host.collect("nto_rbac_rules")
    assert seen == [("nto_rbac_rules", ["good"])]


def test_disabled_plugin_is_blocked_in_pluggy(make_host):
    host = make_host(("good", GoodPlugin()), disabled=("good",))
    assert host.manager.is_blocked("good")
    assert host.manager.register(GoodPlugin(), name="good") is None


def test_tracing_setting_is_read_once(monkeypatch, caplog):
    host = build_plugin_host(load_entry_points=False, plugins=[("good", GoodPlugin())])
    monkeypatch.setenv("NTO_TRACE_HOOKS", "1")  # too late: the host read its settings
    with caplog.at_level("INFO", logger="nto.plugins.host"):
        host.collect("nto_rbac_rules")
    assert "hook nto_rbac_rules" not in caplog.text
