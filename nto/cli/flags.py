"""Flag helpers that accept the reference's (cobra/klog/pflag) spellings.

Booleans take ``--flag``, ``--flag=true`` and ``--flag=false`` like pflag; klog's ``-v=N``
works because argparse splits short options on ``=``. Neighbours: :mod:`nto.cli.main`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

_TRUE = {"1", "t", "true", "yes", "y", "on"}
_FALSE = {"0", "f", "false", "no", "n", "off"}


def parse_bool(text: str) -> bool:
    """Parse a boolean flag value the way Go's ``strconv.ParseBool`` does (plus yes/no)."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean value {text!r}; use true or false")


class BoolFlag(argparse.Action):
    """``--flag`` means true; ``--flag=false`` / ``--flag false`` set an explicit value."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("nargs", "?")
        kwargs.setdefault("const", True)
        kwargs.setdefault("metavar", "BOOL")
        super().__init__(option_strings, dest, type=parse_bool, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        setattr(namespace, self.dest, self.const if values is None else values)


def add_common_flags(parser: argparse.ArgumentParser) -> None:
    """Flags every command accepts: klog verbosity and plugin disabling."""
    parser.add_argument(
        "-v",
        "--v",
        dest="verbosity",
        type=int,
        default=0,
        metavar="LEVEL",
        help="log verbosity (klog levels: 0 info, 2 and up debug)",
    )
    parser.add_argument(
        "--disable-plugin",
        dest="disabled_plugins",
        action="append",
        default=[],
        metavar="NAME",
        help="do not load plugin NAME (repeatable; also NTO_DISABLED_PLUGINS)",
    )
    for klog_flag in ("--logtostderr", "--alsologtostderr"):
        parser.add_argument(klog_flag, action=BoolFlag, default=True, help=argparse.SUPPRESS)
