"""Run a whole operator (core and plugins) in a background thread of the test process.

Plugin tests use :func:`running_operator` instead of copying the thread, event loop and stop
flag handling: it builds the operator with the given plugins (no entry points, no leader
election, metrics on a free port), runs it against the cluster ``KUBECONFIG`` names (the
``kubeconfig`` fixture of :mod:`nto.testing.pytest_plugin` sets it), and stops it on exit,
failing when it does not stop or stopped with an error. Neighbours: :mod:`nto.operator.runtime`
(what runs), :mod:`nto.testing._process` (the same as a subprocess).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nto.operator.runtime import Operator
    from nto.operator.settings import OperatorSettings
    from nto.plugins.host import PluginHost


@contextlib.contextmanager
def running_operator(
    *plugins: tuple[str, object],
    host: PluginHost | None = None,
    settings: OperatorSettings | None = None,
    stop_timeout: float = 30.0,
) -> Iterator[Operator]:
    """Run an operator with ``plugins`` (``(name, plugin)`` pairs) until the block ends.

    ``host`` replaces the plugin host built from ``plugins``; ``settings`` the test defaults.
    The yielded operator's ``host.failures`` lists what any plugin raised.
    """
    from nto.operator.runtime import build_operator
    from nto.operator.settings import OperatorSettings
    from nto.plugins.host import build_plugin_host

    if host is None:
        host = build_plugin_host(load_entry_points=False, plugins=plugins)
    if settings is None:
        settings = OperatorSettings(leader_election=False, metrics_insecure=True, metrics_port=0)
    operator = build_operator(settings, host)
    stop = threading.Event()
    outcome: list[BaseException | int] = []

    def run() -> None:
        try:
            outcome.append(asyncio.run(operator.run(stop_flag=stop)))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, name="nto-operator", daemon=True)
    thread.start()
    try:
        yield operator
    finally:
        stop.set()
        thread.join(timeout=stop_timeout)
    if thread.is_alive():
        raise RuntimeError(f"the operator did not stop within {stop_timeout} s of the stop flag")
    (result,) = outcome
    if isinstance(result, BaseException):
        raise RuntimeError("the operator stopped with an error") from result
    if result != 0:
        raise RuntimeError(f"the operator exited with code {result}")
