"""Flag helpers that follow the reference's (cobra/pflag/klog) spellings and rules.

Booleans take ``--flag`` (true) and ``--flag=value``; like pflag, ``--flag false`` does *not*
set the flag to false: :func:`go_bool_argv` attaches ``=true`` to every bare boolean flag before
argparse runs, so the following word stays a positional argument (and is refused). klog's
``-v=N`` works because argparse splits short options on ``=``. :func:`add_common_flags` adds
what every command of the Go binary accepts: ``--kubeconfig`` and klog's flags
(:mod:`nto.cli.klog`). Neighbours: :mod:`nto.cli.main`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

__all__ = [
    "BoolFlag",
    "UsageError",
    "add_common_flags",
    "go_bool_argv",
    "parse_bool",
    "value_flags",
]

_TRUE = {"1", "t", "true", "yes", "y", "on"}
_FALSE = {"0", "f", "false", "no", "n", "off"}


class UsageError(Exception):
    """The command line is wrong; the CLI prints ``Error: ...`` and a hint (exit 255)."""

    def __init__(self, message: str, *, command: str = "") -> None:
        super().__init__(message)
        self.command = command


def parse_bool(text: str) -> bool:
    """Parse a boolean flag value the way Go's ``strconv.ParseBool`` does (plus yes/no)."""
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean value {text!r}; use true or false")


class BoolFlag(argparse.Action):
    """``--flag`` means true; ``--flag=false`` sets an explicit value (see `go_bool_argv`)."""

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


def bool_flags(parser: argparse.ArgumentParser) -> set[str]:
    """The option strings of `parser`'s `BoolFlag` options."""
    return {
        option
        for action in parser._actions
        if isinstance(action, BoolFlag)
        for option in action.option_strings
    }


def value_flags(parser: argparse.ArgumentParser) -> set[str]:
    """The option strings of `parser` that take the next word as their value."""
    return {
        option
        for action in parser._actions
        if action.option_strings and action.nargs is None
        for option in action.option_strings
    }


def go_bool_argv(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """`argv` with every bare boolean flag of `parser` written ``--flag=true`` (pflag's rule)."""
    flags = bool_flags(parser)
    out: list[str] = []
    for index, token in enumerate(argv):
        if token == "--":
            return [*out, *argv[index:]]
        out.append(f"{token}=true" if token in flags else token)
    return out


def add_common_flags(parser: argparse.ArgumentParser) -> None:
    """Flags every command accepts: ``--kubeconfig``, klog's flags and plugin disabling."""
    from nto.cli.klog import add_klog_flags

    parser.add_argument(
        "--kubeconfig",
        default=None,
        metavar="PATH",
        help="kubeconfig to use (wins over KUBECONFIG; only needed out of cluster)",
    )
    add_klog_flags(parser)
    parser.add_argument(
        "--disable-plugin",
        dest="disabled_plugins",
        action="append",
        default=[],
        metavar="NAME",
        help="do not load plugin NAME (repeatable; also NTO_DISABLED_PLUGINS)",
    )
