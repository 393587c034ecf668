"""Hook ``nto_status_messages``: plugin messages reach the ClusterOperator like failures, and
plugins get a way to ask for a status sync (``OperatorContext.request_status_sync``); the
per-operator object ``nto_register_handlers`` returns reports through ``status_messages()``."""

from __future__ import annotations

from nto.operator.runtime import _plugin_problems, build_operator
from nto.operator.settings import OperatorSettings
from nto.plugins import hookimpl


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


class Standing:
    """A per-operator object: its messages belong to the operator that built it."""

    def __init__(self, context) -> None:  # type: ignore[no-untyped-def]
        self.context = context
        self.messages: list[str] = []

    def status_messages(self) -> list[str]:
        return list(self.messages)


class Registering:
    def __init__(self) -> None:
        self.objects: list[Standing] = []

    @hookimpl
    def nto_register_handlers(self, registry, context):  # type: ignore[no-untyped-def]
        self.objects.append(Standing(context))
        return self.objects[-1]


def test_plugin_objects_report_per_operator(make_host):
    plugin = Registering()
    host = make_host(("standing", plugin))
    first = build_operator(OperatorSettings(), host)
    second = build_operator(OperatorSettings(), host)
    one, two = plugin.objects
    assert one.context is first.context
    assert two.context is second.context
    one.messages = ["standing down"]
    assert "plugin 'standing': standing down" in _plugin_problems(host, first.context)
    assert not any("standing" in p for p in _plugin_problems(host, second.context))


def test_status_sync_request_marks_the_tuned_controller(make_host):
    operator = build_operator(OperatorSettings(), make_host())
    assert operator.tuned is not None
    queue = operator.tuned.queue
    queue.forget("*")
    assert "*" not in queue
    operator.context.request_status_sync()  # before the controller starts: queued for it
    assert "*" in queue
