"""klog's command-line flags and the logging set-up they describe.

Every command accepts the flags the Go binary registers from klog: ``-v``/``--v``,
``--vmodule``, ``--logtostderr``, ``--alsologtostderr``, ``--stderrthreshold``, ``--log_file``,
``--log_dir``, ``--log_file_max_size``, ``--skip_headers``, ``--skip_log_headers``,
``--add_dir_header``, ``--one_output`` and ``--log_backtrace_at``, plus ``--logging-format``
(``text``, klog's header, or ``json``). What they mean here:

- ``-v N`` turns on DEBUG records from verbosity 2 (klog's convention for debug detail);
  ``--vmodule pattern=N,...`` sets N for modules whose file name (without ``.py``) or dotted
  logger name matches the glob ``pattern``.
- ``--logtostderr=false`` sends the log to ``--log_file``, else ``<--log_dir>/<program>.log``,
  else ``<tmp>/<program>.log``; records at ``--stderrthreshold`` and above (all of them with
  ``--alsologtostderr``) still go to stderr. ``--log_file_max_size`` MB (0: no limit) truncates
  the file when reached, as klog does for a single file.
- ``--skip_headers`` and ``--add_dir_header`` shape the header (:mod:`nto.cli.logformat`).
- ``--skip_log_headers`` holds always (no "Log file created at" preamble is written);
  ``--one_output`` (per-severity files) and ``--log_backtrace_at`` (Go stack traces at a line)
  have no counterpart: setting them logs a one-line notice.

Neighbours: :mod:`nto.cli.flags` (boolean spelling), :mod:`nto.cli.main` (calls
:func:`configure_logging`).
"""

from __future__ import annotations

import argparse
import fnmatch
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, NamedTuple

from nto.cli.flags import BoolFlag
from nto.cli.logformat import JsonFormatter, KlogFormatter

__all__ = [
    "LogOptions",
    "add_klog_flags",
    "configure_logging",
    "parse_severity",
    "parse_vmodule",
]

LOG_FORMATS: Final = ("text", "json")
_SEVERITIES: Final = {
    "INFO": logging.INFO,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
}
_SEVERITY_NUMBERS: Final = ("INFO", "WARNING", "ERROR", "FATAL")
DEBUG_VERBOSITY: Final = 2
_MARK: Final = "_nto_cli_handler"


def parse_vmodule(text: str) -> tuple[tuple[str, int], ...]:
    """``pattern=N,...`` into pairs; raise `ArgumentTypeError` naming the bad part."""
    pairs: list[tuple[str, int]] = []
    for part in text.split(","):
        if not part:
            continue
        pattern, sep, level = part.partition("=")
        if not sep or not pattern:
            raise argparse.ArgumentTypeError(
                f"invalid --vmodule entry {part!r}; use a comma-separated list of pattern=N"
            )
        try:
            pairs.append((pattern, int(level)))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"invalid level {level!r} in --vmodule entry {part!r}; use a whole number"
            ) from None
    return tuple(pairs)


def parse_severity(text: str) -> int:
    """klog's ``--stderrthreshold``: INFO, WARNING, ERROR, FATAL or 0-3, as a Python level."""
    name = text.strip().upper()
    if name.isdigit() and int(name) < len(_SEVERITY_NUMBERS):
        name = _SEVERITY_NUMBERS[int(name)]
    if name not in _SEVERITIES:
        raise argparse.ArgumentTypeError(
            f"invalid severity {text!r}; use INFO, WARNING, ERROR, FATAL or 0-3"
        )
    return _SEVERITIES[name]


def _max_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid size {text!r}; use whole megabytes, 0 for none")
    return value


def _log_format(text: str) -> str:
    if text not in LOG_FORMATS:
        raise argparse.ArgumentTypeError(
            f"invalid log format {text!r}; use {' or '.join(LOG_FORMATS)}"
        )
    return text


def add_klog_flags(parser: argparse.ArgumentParser) -> None:
    """Add klog's flags (underscore spellings, as the Go binary has them) and the format flag."""
    add = parser.add_argument
    add(
        "-v",
        "--v",
        dest="verbosity",
        type=int,
        default=0,
        metavar="LEVEL",
        help="log verbosity (klog levels: 0 info, 2 and up debug)",
    )
    add(
        "--vmodule",
        type=parse_vmodule,
        default=(),
        metavar="PATTERN=N,...",
        help="per-module verbosity; PATTERN globs a file name without .py or a logger name",
    )
    add("--logtostderr", action=BoolFlag, default=True, help="log to stderr, not a file")
    add(
        "--alsologtostderr",
        action=BoolFlag,
        default=False,
        help="with --logtostderr=false, also log everything to stderr",
    )
    add(
        "--stderrthreshold",
        type=parse_severity,
        default=logging.ERROR,
        metavar="SEVERITY",
        help="with --logtostderr=false, this severity and above also go to stderr (ERROR)",
    )
    add("--log_file", default="", metavar="PATH", help="with --logtostderr=false, log here")
    add(
        "--log_dir",
        default="",
        metavar="DIR",
        help="with --logtostderr=false and no --log_file, log to DIR/<program>.log",
    )
    add(
        "--log_file_max_size",
        type=_max_size,
        default=1800,
        metavar="MB",
        help="start the log file over at this size (0: no limit; default 1800)",
    )
    add("--skip_headers", action=BoolFlag, default=False, help="leave out the klog header")
    add(
        "--skip_log_headers",
        action=BoolFlag,
        default=False,
        help="accepted; no log-file preamble is ever written",
    )
    add("--add_dir_header", action=BoolFlag, default=False, help="show the file's directory")
    add(
        "--one_output",
        action=BoolFlag,
        default=False,
        help="accepted; there are no per-severity files (logs a notice)",
    )
    add(
        "--log_backtrace_at",
        default="",
        metavar="FILE:N",
        help="accepted; has no effect (logs a notice)",
    )
    add(
        "--logging-format",
        dest="logging_format",
        type=_log_format,
        default="text",
        metavar="FORMAT",
        help="text (klog lines, the default) or json (one object per line)",
    )


class LogOptions(NamedTuple):
    """The klog flags of one run (a named tuple: a dataclass costs ~0.5 ms of start-up)."""

    verbosity: int = 0
    vmodule: tuple[tuple[str, int], ...] = ()
    logtostderr: bool = True
    alsologtostderr: bool = False
    stderrthreshold: int = logging.ERROR
    log_file: str = ""
    log_dir: str = ""
    log_file_max_size: int = 1800
    skip_headers: bool = False
    add_dir_header: bool = False
    one_output: bool = False
    log_backtrace_at: str = ""
    logging_format: str = "text"

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LogOptions:
        """The options from a namespace filled by `add_klog_flags`."""
        names = [name for name in cls._fields if hasattr(args, name)]
        return cls(**{name: getattr(args, name) for name in names})


class _VerbosityFilter(logging.Filter):
    """Pass INFO and above; DEBUG only where ``-v``/``--vmodule`` reach the record's V level."""

    def __init__(self, verbosity: int, vmodule: tuple[tuple[str, int], ...]) -> None:
        super().__init__()
        self.verbosity = verbosity
        self.vmodule = vmodule

    def level_for(self, record: logging.LogRecord) -> int:
        for pattern, level in self.vmodule:
            if fnmatch.fnmatchcase(record.module, pattern) or fnmatch.fnmatchcase(
                record.name, pattern
            ):
                return level
        return self.verbosity

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.INFO:
            return True
        needed = DEBUG_VERBOSITY + (logging.DEBUG - record.levelno)
        return self.level_for(record) >= needed


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each record (tests swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        del value


class _TruncatingFileHandler(logging.FileHandler):
    """Append to one file; start it over when it reaches `max_bytes` (klog's single-file rule)."""

    def __init__(self, path: str, max_bytes: int) -> None:
        super().__init__(path, mode="a", encoding="utf-8")
        self.max_bytes = max_bytes

    def emit(self, record: logging.LogRecord) -> None:
        if self.max_bytes and self.stream is not None and self.stream.tell() >= self.max_bytes:
            self.stream.seek(0)
            self.stream.truncate()
        super().emit(record)


def _log_path(options: LogOptions, program: str) -> str:
    if options.log_file:
        return options.log_file
    import tempfile

    directory = options.log_dir or tempfile.gettempdir()
    return str(Path(directory) / f"{program}.log")


def configure_logging(options: LogOptions, *, program: str) -> Callable[[], None]:
    """Install the root handlers the options describe (replacing ones installed before).

    Returns a function that removes them again and restores the root level (the CLI calls it
    when the command returns, so in-process callers such as tests get their logging back).
    """
    formatter: logging.Formatter
    if options.logging_format == "json":
        formatter = JsonFormatter(add_dir_header=options.add_dir_header)
    else:
        formatter = KlogFormatter(
            skip_headers=options.skip_headers, add_dir_header=options.add_dir_header
        )
    verbosity = _VerbosityFilter(options.verbosity, options.vmodule)
    handlers: list[logging.Handler] = []
    if options.logtostderr:
        handlers.append(_StderrHandler())
    else:
        path = _log_path(options, program)
        handlers.append(_TruncatingFileHandler(path, options.log_file_max_size * 1024 * 1024))
        stderr = _StderrHandler()
        if not options.alsologtostderr:
            stderr.setLevel(options.stderrthreshold)
        handlers.append(stderr)
    root = logging.getLogger()
    _remove_handlers(root)
    previous_level = root.level
    for handler in handlers:
        setattr(handler, _MARK, True)
        handler.setFormatter(formatter)
        handler.addFilter(verbosity)
        root.addHandler(handler)
    top = max([options.verbosity, *(level for _, level in options.vmodule)])
    root.setLevel(logging.DEBUG if top >= DEBUG_VERBOSITY else logging.INFO)
    _notices(options)

    def restore() -> None:
        _remove_handlers(root)
        root.setLevel(previous_level)

    return restore


def _remove_handlers(root: logging.Logger) -> None:
    for handler in [handler for handler in root.handlers if getattr(handler, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()


def _notices(options: LogOptions) -> None:
    logger = logging.getLogger(__name__)
    if options.one_output:
        logger.warning(
            "--one_output has no effect here: the log goes to one file, not one per severity"
        )
    if options.log_backtrace_at and options.log_backtrace_at != ":0":
        logger.warning(
            "--log_backtrace_at=%s has no effect here: errors are logged with their traceback "
            "at -v=4",
            options.log_backtrace_at,
        )
