"""``nto must-gather-script``: print the composed must-gather script (core and plugin steps)."""

from __future__ import annotations

import argparse

from nto.plugins.types import CliCommand, MustGatherStep


def _configure(parser: argparse.ArgumentParser) -> None:
    del parser


def _run(args: argparse.Namespace) -> int:
    from nto.mustgather import CORE_STEP, compose

    steps = [CORE_STEP]
    for plugin, step in args.plugin_host.collect("nto_must_gather_steps"):
        if isinstance(step, MustGatherStep):
            steps.append(step)
        else:
            raise TypeError(f"plugin {plugin!r} returned {step!r}, not a MustGatherStep")
    print(compose(steps), end="")
    return 0


COMMAND = CliCommand(
    name="must-gather-script",
    help="print the must-gather collection script (core and plugin steps)",
    configure=_configure,
    run=_run,
)
