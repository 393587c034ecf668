"""``nto render-bootcmd-mc``: render the bootstrap kernel-arguments MachineConfig (install time).

The body lives in :mod:`nto.operand.bootcmd` (imported lazily).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from nto.plugins.types import CliCommand

SAFE_ENV = "CLUSTER_NODE_TUNED_BOOTSTRAP_SAFE_ENV"


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--asset-input-dir",
        action="append",
        required=True,
        type=Path,
        help="directory of PerformanceProfile, MCP, MachineConfig, Tuned manifests (repeatable)",
    )
    parser.add_argument("--asset-output-dir", required=True, type=Path)
    parser.add_argument("--mcp-name", required=True, help="MachineConfigPool to render for")


def _run(args: argparse.Namespace) -> int:
    if not os.environ.get(SAFE_ENV):
        raise RuntimeError(f"{SAFE_ENV} is not set; this command runs TuneD and is bootstrap-only")
    from nto.operand.bootcmd import render_bootcmd_mc

    host = args.plugin_host

    def bootstrap_tuneds(manifests: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        return [tuned for _, tuned in host.collect("nto_bootstrap_tuneds", manifests=manifests)]

    render_bootcmd_mc(
        args.asset_input_dir,
        args.asset_output_dir,
        args.mcp_name,
        bootstrap_tuneds=bootstrap_tuneds,
    )
    return 0


COMMAND = CliCommand(
    name="render-bootcmd-mc",
    help="render the kernel-arguments MachineConfig at install bootstrap",
    configure=_configure,
    run=_run,
)
