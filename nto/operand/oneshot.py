"""``ocp-tuned --in-cluster=false --one-shot=true``: apply the unpacked profile once and exit.

Run by the PerformanceProfile's ``ocp-tuned-one-shot.service`` before kubelet starts. It prepares
``/etc/tuned``, sets ``daemon = 0`` in ``tuned-main.conf`` for the run (the old value is restored
afterwards) and runs TuneD with a 60 s timeout. Errors are logged, never fatal: the node must
boot. Neighbours: `prepare`, `tuned_process` (the command line), `daemon` (the long-running mode).
"""

from __future__ import annotations

import logging
import subprocess
from typing import Final

from nto.operand.files import atomic_write, read_text
from nto.operand.paths import OperandPaths
from nto.operand.prepare import prepare_tuned_dir, set_main_option
from nto.operand.tuned_process import tuned_command

logger = logging.getLogger(__name__)

ONE_SHOT_TIMEOUT: Final = 60.0


def run_one_shot(
    paths: OperandPaths,
    executable: str,
    *,
    timeout: float = ONE_SHOT_TIMEOUT,
) -> int:
    """Apply once; returns TuneD's exit code (or -1 when it could not run or timed out)."""
    try:
        prepare_tuned_dir(paths)
    except OSError as exc:
        logger.error("cannot prepare %s: %s", paths.tuned_etc_dir, exc)
        return -1
    saved = read_text(paths.tuned_main_conf)
    try:
        set_main_option(paths, "daemon", "0")
        completed = subprocess.run(
            tuned_command(executable, debug=False),
            check=False,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if completed.returncode != 0:
            logger.error("TuneD one-shot run exited with code %d", completed.returncode)
        return completed.returncode
    except subprocess.TimeoutExpired:
        logger.error("TuneD one-shot run did not finish within %gs; it was killed", timeout)
        return -1
    except OSError as exc:
        logger.error("cannot run TuneD %r: %s", executable, exc)
        return -1
    finally:
        if saved is None:
            paths.tuned_main_conf.unlink(missing_ok=True)
        else:
            atomic_write(paths.tuned_main_conf, saved)
