"""Command-line helpers for plugins' subcommands (hook ``nto_cli_commands``), part of the
plugin surface: boolean flags spelled like the reference's, the usage error (exit 255 like the
reference's), and shell completion scripts.

A module of its own so that pure packages (a plugin's renderers and CLI) can use it without
pulling in the operator runtime. Neighbours: :mod:`nto.cli.flags`, :mod:`nto.cli.completion`.
"""

from __future__ import annotations

from nto.cli.completion import SHELLS, completion_script, spec_from_parsers
from nto.cli.flags import BoolFlag, UsageError, parse_bool

__all__ = [
    "SHELLS",
    "BoolFlag",
    "UsageError",
    "completion_script",
    "parse_bool",
    "spec_from_parsers",
]
