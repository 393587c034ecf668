"""nto.testing.running_operator: a whole operator in a thread, started and stopped by a block."""

from __future__ import annotations

import pytest

from nto.plugins import hookimpl
from nto.testing import running_operator, wait_for


class StartsAndFails:
    def __init__(self) -> None:
        self.started = False
        self.stopped = False

    @hookimpl
    async def nto_startup(self, context):  # type: ignore[no-untyped-def]
        self.started = True

    @hookimpl
    async def nto_shutdown(self, context):  # type: ignore[no-untyped-def]
        self.stopped = True
        raise RuntimeError("shutdown went wrong")


@pytest.mark.timeout(90)
def test_the_operator_runs_the_plugin_and_stops_with_the_block(emulated_cluster, kubeconfig):
    plugin = StartsAndFails()
    with running_operator(("fails", plugin)) as operator:
        wait_for(lambda: plugin.started, timeout=30, message="nto_startup ran")
        assert not plugin.stopped
    assert plugin.stopped, "leaving the block stopped the operator"
    assert [(f.plugin, f.stage) for f in operator.host.failures] == [("fails", "nto_shutdown")]
