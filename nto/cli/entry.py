"""Entry point of the console scripts `nto` and `cluster-node-tuning-operator`, and `python -m nto`.

Start-up (imports, the parser) creates tens of thousands of objects that live as long as the
process: modules, classes, functions. CPython's cyclic garbage collector would scan them over and
over while they are being created, ~8% of a short command such as ``render``. So the collector is
off from here until the command runs; :mod:`nto.cli.main` then freezes what start-up made
(:func:`gc.freeze`: never scanned again) and turns the collector back on before the command
runs. Called in-process (tests), :func:`nto.cli.main.main` leaves the collector alone. A short
command may pause it again for its own run (``render`` does).
"""

from __future__ import annotations

import gc

__all__ = ["main"]


def main() -> int:
    """Run the command line of this process (``sys.argv``) and return the exit code."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        from nto.cli.main import main as run

        return run(collector_paused=True)
    finally:
        if enabled:
            gc.enable()
