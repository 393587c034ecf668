"""Log line formats: klog's text header (the default) and one JSON object per line.

klog text, as SREs grep it::

    I1201 21:48:05.016123   12345 handlers.py:42] reconciled Tuned 'default'

severity letter (I, W, E, F), month and day, wall time with microseconds, the process id
right-aligned in 7 columns, ``file:line`` (``dir/file:line`` with ``--add_dir_header``), ``]``
and the message. ``--skip_headers`` drops everything before the message. The JSON format
(``--logging-format=json``) writes ``ts`` (Unix seconds), ``level``, ``v``, ``logger``,
``caller``, ``msg`` and, with an exception, ``err``. Both pass every line through
:func:`nto.logredact.redact`. Neighbours: :mod:`nto.cli.klog` (flags and handlers).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Final

from nto.logredact import redact

__all__ = ["JsonFormatter", "KlogFormatter", "severity_letter"]

_LETTERS: Final = ((logging.CRITICAL, "F"), (logging.ERROR, "E"), (logging.WARNING, "W"))
_NAMES: Final = {"F": "fatal", "E": "error", "W": "warning", "I": "info"}


def severity_letter(levelno: int) -> str:
    """klog's severity letter of a Python level (DEBUG is klog's verbose INFO)."""
    for threshold, letter in _LETTERS:
        if levelno >= threshold:
            return letter
    return "I"


def _caller(record: logging.LogRecord, *, with_dir: bool) -> str:
    if with_dir:
        parent = os.path.basename(os.path.dirname(record.pathname))
        if parent:
            return f"{parent}/{record.filename}:{record.lineno}"
    return f"{record.filename}:{record.lineno}"


def _verbosity(levelno: int) -> int:
    """The klog V level a record stands for: 0 for INFO and above, 2 and up for DEBUG."""
    return 0 if levelno >= logging.INFO else 2 + (logging.DEBUG - levelno)


class KlogFormatter(logging.Formatter):
    """klog's header and the message; exceptions follow on their own lines.

    Every line after the first of a record (a multi-line message, a traceback with its
    ``During handling ...`` chain) starts with a tab, as klog indents multi-line values, so
    each record has exactly one header line and a reader splitting on headers stays in step.
    """

    def __init__(self, *, skip_headers: bool = False, add_dir_header: bool = False) -> None:
        super().__init__()
        self.skip_headers = skip_headers
        self.add_dir_header = add_dir_header

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self.formatException(record.exc_info)}"
        elif record.exc_text:
            message = f"{message}\n{record.exc_text}"
        message = message.replace("\n", "\n\t")  # one header per record: see the docstring
        if self.skip_headers:
            return redact(message)
        seconds = int(record.created)
        stamp = time.strftime("%m%d %H:%M:%S", time.localtime(seconds))
        micros = int((record.created - seconds) * 1_000_000)
        caller = _caller(record, with_dir=self.add_dir_header)
        pid = record.process or os.getpid()
        header = f"{severity_letter(record.levelno)}{stamp}.{micros:06d} {pid:7d} {caller}]"
        return redact(f"{header} {message}")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, for log pipelines."""

    def __init__(self, *, add_dir_header: bool = False) -> None:
        super().__init__()
        self.add_dir_header = add_dir_header

    def format(self, record: logging.LogRecord) -> str:
        import json  # only JSON logging pays for it

        document: dict[str, object] = {
            "ts": round(record.created, 6),
            "level": _NAMES[severity_letter(record.levelno)],
            "v": _verbosity(record.levelno),
            "logger": record.name,
            "caller": _caller(record, with_dir=self.add_dir_header),
            "msg": redact(record.getMessage()),
        }
        if record.exc_info:
            document["err"] = redact(self.formatException(record.exc_info))
        return json.dumps(document, ensure_ascii=False)
