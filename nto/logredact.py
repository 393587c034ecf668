"""Keep credentials out of log lines: known secret values and secret-looking fields are masked.

Two layers. Values that the process learned are secret (a kubeconfig's bearer token, password or
client key, registered by :mod:`nto.kube.kubeconfig` with :func:`register_secret`) are replaced
wherever they appear. Patterns catch the rest: ``Bearer <token>``, ``Authorization: <value>`` and
``token=``/``password:``-style fields. The log formatters (:mod:`nto.cli.logformat`) pass every
rendered line, exception text included, through :func:`redact`. Standard library only.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Final

__all__ = ["MASK", "redact", "register_secret"]

MASK: Final = "<redacted>"
# A secret shorter than this is too likely to also be an ordinary word to mask it everywhere.
MIN_SECRET_LENGTH: Final = 6

_PATTERN_SOURCES: Final = (
    r"(?i)(\bbearer\s+)[^\s'\",;]+",
    r"(?i)(\bbasic\s+)[A-Za-z0-9+/=]{8,}",
    r"(?i)(\bauthorization['\"]?\s*[:=]\s*['\"]?)(?!bearer\b|basic\b)[^\s'\",;}]+",
    r"(?i)(\b(?:token|password|passwd|secret|client-key-data|client_key_data|private[-_]key)"
    r"['\"]?\s*[:=]\s*['\"]?)(?!<redacted>)[^\s'\",;})]+",
)


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """The field patterns, compiled on the first log line rather than at import."""
    return tuple(re.compile(source) for source in _PATTERN_SOURCES)


_lock = threading.Lock()
_secrets: set[str] = set()
_secret_pattern: re.Pattern[str] | None = None


def register_secret(value: str | bytes | None) -> None:
    """Mask `value` in every later log line (ignored when empty or very short)."""
    global _secret_pattern
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not value or len(value.strip()) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_pattern = re.compile("|".join(re.escape(secret) for secret in ordered))


def redact(text: str) -> str:
    """`text` with registered secrets and secret-looking fields replaced by ``<redacted>``."""
    pattern = _secret_pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    for field in _patterns():
        text = field.sub(lambda match: match.group(1) + MASK, text)
    return text
