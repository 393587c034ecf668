"""A deliberately small TuneD profile reader: ``[main] include=`` and built-in functions.

Used only to know which profiles the recommended one depends on, so that a change to any of them
reloads TuneD. TuneD itself does the real parsing, variable expansion and cmdline computation.

- ``include=`` is split on ``,``; a leading ``-`` (optional include) is dropped.
- ``${f:name:arg:...}`` is expanded for ``exec``, ``virt_check`` and ``lscpu_check``; nesting in
  the name and arguments works, ``\\`` escapes ``:``, ``$``, ``{``, ``}`` and itself (other
  backslashes stay, so regexes keep ``\\s``), and anything unterminated or
  unsupported is kept verbatim.
- Lookup: the custom directory first, else the system one. A custom profile that includes its own
  name also pulls in the system profile's includes.

Neighbours: `daemon` (change detection), `files` (the unpacked tree).
"""

from __future__ import annotations

import configparser
import logging
import re
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from nto.operand.files import PROFILE_FILE, read_text

logger = logging.getLogger(__name__)

Runner = Callable[[Sequence[str]], str]
"""Runs a command and returns its stdout; raises OSError or subprocess errors on failure."""

EXEC_TIMEOUT: Final = 5.0


def run_command(argv: Sequence[str]) -> str:
    """Run `argv` with a 5 s SIGTERM deadline and a 5 s SIGKILL one after it."""
    with subprocess.Popen(
        list(argv), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            out, _ = process.communicate(timeout=EXEC_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                out, _ = process.communicate(timeout=EXEC_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                out, _ = process.communicate()
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, list(argv))
        return out


def _find_close(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``${`` whose body starts at `start`, or -1."""
    depth, index = 1, start
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if text.startswith("${", index):
            depth += 1
            index += 2
            continue
        if char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _split_args(body: str) -> list[str]:
    """Split on ``:`` outside nested ``${...}``, keeping escapes for the later unescape."""
    parts, current, depth, index = [], [], 0, 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            current.append(body[index : index + 2])
            index += 2
            continue
        if body.startswith("${", index):
            depth += 1
            current.append("${")
            index += 2
            continue
        if char == "}" and depth:
            depth -= 1
        if char == ":" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\([:${}\\])", r"\1", text)


class Expander:
    """Expands the built-in functions the operand supports; `run` is injectable for tests."""

    def __init__(self, run: Runner = run_command) -> None:
        self._run = run

    def expand(self, text: str) -> str:
        out, index = [], 0
        while index < len(text):
            if text[index] == "\\" and index + 1 < len(text):
                out.append(text[index : index + 2])
                index += 2
                continue
            if text.startswith("${f:", index):
                close = _find_close(text, index + 2)
                if close < 0:
                    out.append(text[index:])
                    break
                out.append(self._call(text[index : close + 1], text[index + 4 : close]))
                index = close + 1
                continue
            out.append(text[index])
            index += 1
        return "".join(out)

    def _call(self, original: str, body: str) -> str:
        parts = [_unescape(self.expand(part)) for part in _split_args(body)]
        name, args = parts[0], parts[1:]
        try:
            if name == "exec":
                return self._run(args) if args else original
            if name == "virt_check":
                return self._virt_check(args, original)
            if name == "lscpu_check":
                return self._lscpu_check(args)
        except (OSError, subprocess.SubprocessError, ValueError, re.error) as exc:
            logger.warning("TuneD built-in %r failed: %s", original, exc)
            return ""
        logger.warning("TuneD built-in function %r is not supported here; kept as is", name)
        return original

    def _virt_check(self, args: list[str], original: str) -> str:
        if len(args) != 2:
            return original
        try:
            virtual = bool(self._run(["virt-what"]).strip())
        except (OSError, subprocess.SubprocessError):
            virtual = False
        return args[0] if virtual else args[1]

    def _lscpu_check(self, args: list[str]) -> str:
        if len(args) < 2:
            raise ValueError("lscpu_check needs at least a regex and a value")
        output = self._run(["lscpu"])
        for index in range(0, len(args) - 1, 2):
            if re.search(args[index], output, re.MULTILINE):
                return args[index + 1]
        return args[-1] if len(args) % 2 else ""


def includes(data: str, expander: Expander) -> list[str]:
    """The profile names of ``[main] include=``, expanded, optional markers dropped."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(data)
    except configparser.Error as exc:
        logger.warning("cannot read [main] include= of a TuneD profile: %s", exc)
        return []
    raw = parser.get("main", "include", fallback="")
    names = []
    for item in expander.expand(raw).split(","):
        name = item.strip().removeprefix("-").strip()
        if name:
            names.append(name)
    return names


def profile_depends(
    name: str,
    *,
    custom_dir: Path,
    system_dir: Path,
    expander: Expander,
) -> set[str]:
    """`name` and every profile it includes, transitively (cycles are fine)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or "/" in current or current in {".", ".."}:
            continue
        seen.add(current)
        custom = read_text(custom_dir / current / PROFILE_FILE)
        system = read_text(system_dir / current / PROFILE_FILE)
        found = includes(custom if custom is not None else system or "", expander)
        if custom is not None and current in found and system is not None:
            found.extend(includes(system, expander))
        todo.extend(found)
    return seen
