"""``operator_thread``: run the operator in-process, in a thread with its own event loop.

For tests of plugins and of the core that need the operator's objects (its plugin host, its
kopf registry) while it runs against an :class:`~nto.testing.EmulatedCluster`; a test that
only needs the operator's effects runs it as a subprocess with
:class:`~nto.testing.OperatorProcess` and :func:`~nto.testing.operator_command` instead. The
kopf machinery is imported when the first operator starts, not with :mod:`nto.testing`.
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
    from nto.plugins import PluginHost


@contextlib.contextmanager
def operator_thread(
    host: PluginHost,
    settings: OperatorSettings | None = None,
    *,
    stop_timeout: float = 15.0,
) -> Iterator[Operator]:
    """Build the operator for `host` and run it in a daemon thread for the ``with`` block.

    `settings` default to what a test against the emulated cluster wants: no leader election,
    plain-HTTP metrics on a free port. Leaving the block stops the operator and waits up to
    `stop_timeout` seconds for it; an operator that does not stop, or that crashed, fails the
    block with the reason.
    """
    from nto.operator.runtime import build_operator
    from nto.operator.settings import OperatorSettings

    if settings is None:
        settings = OperatorSettings(leader_election=False, metrics_insecure=True, metrics_port=0)
    operator = build_operator(settings, host)
    stop = threading.Event()
    crashed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(operator.run(stop_flag=stop))
        except BaseException as exc:  # reported by the caller's thread below
            crashed.append(exc)

    thread = threading.Thread(target=run, name="nto-operator", daemon=True)
    thread.start()
    try:
        yield operator
    finally:
        stop.set()
        thread.join(timeout=stop_timeout)
    if thread.is_alive():
        raise RuntimeError(f"the operator did not stop within {stop_timeout:g} s of the stop flag")
    if crashed:
        raise RuntimeError(f"the operator crashed: {crashed[0]!r}") from crashed[0]
