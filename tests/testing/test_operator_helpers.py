"""The helpers that start this project's operator for tests, benches and the demo."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest

from nto.testing import operator_command, running_operator


def test_operator_command_runs_this_checkout_without_leader_election() -> None:
    command = operator_command("--webhook-port=4444", metrics_port=9999)
    assert command[:4] == [sys.executable, "-m", "nto", "operator"]
    assert "--metrics-insecure" in command
    assert "--metrics-port=9999" in command
    assert "--enable-leader-election=false" in command
    assert command[-1] == "--webhook-port=4444", "the caller's flags come last and win"


def test_operator_command_can_keep_leader_election_and_picks_a_free_port() -> None:
    command = operator_command(leader_election=True)
    assert "--enable-leader-election=false" not in command
    port = next(flag for flag in command if flag.startswith("--metrics-port="))
    assert int(port.split("=", 1)[1]) > 0


class _Operator:
    """Stands in for the built operator: records the stop flag, or crashes."""

    def __init__(self, crash: bool) -> None:
        self.crash = crash
        self.stopped = threading.Event()

    async def run(self, *, stop_flag: threading.Event) -> int:
        if self.crash:
            raise OSError("cannot bind the metrics port")
        while not stop_flag.wait(0.01):
            pass
        self.stopped.set()
        return 0


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    made: dict[str, Any] = {}

    def build(settings: Any, host: Any) -> _Operator:
        made["settings"] = settings
        made["operator"] = _Operator(crash=host == "crash")
        return made["operator"]

    monkeypatch.setattr("nto.operator.runtime.build_operator", build)
    return made


def test_running_operator_stops_the_operator_at_the_end_of_the_block(built: dict[str, Any]) -> None:
    with running_operator(host="host") as operator:  # type: ignore[arg-type]
        assert operator is built["operator"]
    assert built["operator"].stopped.is_set()
    settings = built["settings"]
    assert (settings.leader_election, settings.metrics_insecure, settings.metrics_port) == (
        False,
        True,
        0,
    )


def test_running_operator_reports_a_crash(built: dict[str, Any]) -> None:
    with (
        pytest.raises(RuntimeError, match="stopped with an error") as caught,
        running_operator(host="crash"),  # type: ignore[arg-type]
    ):
        pass
    assert isinstance(caught.value.__cause__, OSError)
