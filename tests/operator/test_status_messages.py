"""Hook ``nto_status_messages``: plugin messages reach the ClusterOperator like failures, and
plugins get a way to ask for a status sync (``STATUS_REFRESH``)."""

from __future__ import annotations

from nto.operator.runtime import _plugin_problems, build_operator
from nto.operator.settings import OperatorSettings
from nto.plugins import hookimpl
from nto.plugins.types import STATUS_REFRESH


class Talking:
    def __init__(self) -> None:
        self.messages = ["standing down: a standalone operator is installed"]

    @hookimpl
    def nto_status_messages(self, context):  # type: ignore[no-untyped-def]
        return list(self.messages)


class Broken:
    @hookimpl
    def nto_status_messages(self, context):  # type: ignore[no-untyped-def]
        raise RuntimeError("no words")


def test_messages_join_failures_and_follow_the_plugin(make_host):
    talking = Talking()
    host = make_host(("talking", talking), ("broken", Broken()))
    operator = build_operator(OperatorSettings(), host)
    problems = _plugin_problems(host, operator.context)
    assert "plugin 'talking': standing down: a standalone operator is installed" in problems
    assert any("'broken'" in p and "nto_status_messages" in p for p in problems)
    talking.messages = []
    assert not any("talking" in p for p in _plugin_problems(host, operator.context))


def test_status_refresh_is_offered_to_plugins(make_host):
    operator = build_operator(OperatorSettings(), make_host())
    refresh = operator.context.extras[STATUS_REFRESH]
    assert callable(refresh)
    refresh()  # before the controller starts: a no-op
