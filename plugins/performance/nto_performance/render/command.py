"""``cluster-node-tuning-operator render``: flags, environment overrides and the run.

Flags (spec section 4; as in the Go binary, a flag on the command line wins over its
environment variable, which wins over the default): ``--asset-input-dir`` (comma-separated
directories, walked recursively; default ``/assets``; ``ASSET_INPUT_DIR``), ``--asset-output-dir``
(required; ``ASSET_OUTPUT_DIR``; created with its parents when missing), ``--owner-ref``
``none|k8s|label-name`` (default ``label-name``; ``OWNER_REF``). klog's flags and
``--kubeconfig`` come from the core's common flags. Any failure exits 255, like the reference's
``klog.Fatal``. This module imports only the standard library and the core's ``CliCommand`` at
import time: the CLI imports it on every ``render`` start. :data:`COMMAND` is what the plugin's
hook returns and what the plugin declares in the entry-point group ``nto.commands``, so that the
CLI runs ``render`` without loading the plugins. Neighbours: :mod:`.inputs`, :mod:`.assets`,
:mod:`.writer`; :mod:`nto_performance.plugin`.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple, cast

from nto.plugins.command import CliCommand

if TYPE_CHECKING:
    from nto_performance.render.assets import OwnerRef

__all__ = [
    "COMMAND",
    "HELP",
    "RenderSettings",
    "configure",
    "render_assets",
    "run",
    "settings_from",
]

logger = logging.getLogger(__name__)

HELP: Final = (
    "Render the MachineConfig, KubeletConfig, Tuned and RuntimeClass of PerformanceProfiles"
)
DEFAULT_INPUT_DIR: Final = "/assets"
OWNER_REF_CHOICES: Final = ("none", "k8s", "label-name")


class RenderSettings(NamedTuple):
    """The effective settings of one run, after environment overrides.

    A named tuple rather than a dataclass: creating a dataclass costs ~0.5 ms of the command's
    start-up.
    """

    input_dirs: tuple[Path, ...]
    output_dir: Path
    owner_ref: OwnerRef


class SettingsError(ValueError):
    """The flags and environment do not make a valid run."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the render flags to the command's parser."""
    parser.add_argument(
        "--asset-input-dir",
        default=None,
        metavar="DIRS",
        help="comma-separated input directories, read recursively (else env ASSET_INPUT_DIR; "
        f"default {DEFAULT_INPUT_DIR})",
    )
    parser.add_argument(
        "--asset-output-dir",
        default=None,
        metavar="DIR",
        help="output directory, created with its parents if missing (required; else env "
        "ASSET_OUTPUT_DIR)",
    )
    parser.add_argument(
        "--owner-ref",
        default=None,
        metavar="MODE",
        help="how rendered objects point at their profile: none, k8s (ownerReferences, needs "
        "metadata.uid) or label-name (a label; the default); else env OWNER_REF",
    )


def settings_from(args: argparse.Namespace, environ: Mapping[str, str]) -> RenderSettings:
    """Merge flags and environment: a given flag wins, then a non-empty variable, then default."""
    inputs = args.asset_input_dir or environ.get("ASSET_INPUT_DIR") or DEFAULT_INPUT_DIR
    output = args.asset_output_dir or environ.get("ASSET_OUTPUT_DIR")
    owner_ref = args.owner_ref or environ.get("OWNER_REF") or "label-name"
    if not output:
        raise SettingsError(
            "--asset-output-dir is required; pass it or set ASSET_OUTPUT_DIR to the directory "
            "that receives the rendered manifests"
        )
    if owner_ref not in OWNER_REF_CHOICES:
        raise SettingsError(
            f"unsupported owner reference {owner_ref!r} (--owner-ref or OWNER_REF); "
            f"use one of {', '.join(OWNER_REF_CHOICES)}"
        )
    dirs = tuple(Path(part.strip()) for part in inputs.split(",") if part.strip())
    if not dirs:
        raise SettingsError(
            f"--asset-input-dir {inputs!r} names no directory; pass comma-separated directories"
        )
    return RenderSettings(
        input_dirs=dirs, output_dir=Path(output), owner_ref=cast("OwnerRef", owner_ref)
    )


def run(args: argparse.Namespace) -> int:
    """Run the command; errors propagate to the CLI, which logs them and exits 255.

    The garbage collector is off while it renders: the run is short and bounded by its input,
    and what it creates (the renderers' modules, the documents) lives until the process exits,
    so collecting would only scan it again and again (~5% of the run).
    """
    settings = settings_from(args, os.environ)
    enabled = gc.isenabled()
    gc.disable()
    try:
        written = render_assets(settings)
    finally:
        if enabled:
            gc.enable()
    logger.info("rendered %d files into %s", len(written), settings.output_dir)
    return 0


def render_assets(settings: RenderSettings) -> list[Path]:
    """Read, render and write; the written paths. Nothing is written when anything fails."""
    from nto_performance.render.assets import plan
    from nto_performance.render.inputs import read_inputs
    from nto_performance.render.writer import write_outputs

    inputs = read_inputs(settings.input_dirs)
    outputs = plan(inputs, owner_ref=settings.owner_ref)
    return write_outputs(outputs, settings.output_dir)


COMMAND: Final = CliCommand(name="render", help=HELP, configure=configure, run=run)
"""The ``render`` command: returned by hook ``nto_cli_commands``, declared in ``nto.commands``."""
