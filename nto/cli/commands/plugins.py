"""``nto plugins``: list plugins with version, implemented hooks and failures."""

from __future__ import annotations

import argparse
import json

from nto.plugins.host import PluginHost
from nto.plugins.types import CliCommand, PluginInfo


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _as_dict(info: PluginInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "version": info.version,
        "distribution": info.distribution,
        "enabled": info.enabled,
        "hooks": list(info.hooks),
        "errors": [{"stage": f.stage, "error": f.error} for f in info.failures],
    }


def _run(args: argparse.Namespace) -> int:
    host: PluginHost = args.plugin_host
    infos = host.plugins()
    if args.json:
        print(json.dumps({"plugins": [_as_dict(info) for info in infos]}, indent=2))
        return 0
    if not infos:
        print("No plugins installed.")
        return 0
    for info in infos:
        state = "disabled" if not info.enabled else ("FAILED" if info.failures else "loaded")
        print(f"{info.name} {info.version or '-'} ({state})")
        if info.hooks:
            print(f"  hooks: {', '.join(info.hooks)}")
        for failure in info.failures:
            print(f"  error in {failure.stage}: {failure.error}")
    return 0


COMMAND = CliCommand(
    name="plugins",
    help="list loaded plugins, their hooks and load errors",
    configure=_configure,
    run=_run,
)
