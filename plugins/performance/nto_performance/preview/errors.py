"""Errors of ``nto preview``.

::

    ValueError
    └── PreviewError      bad input or an unreadable source: message names the file and the fix
"""

from __future__ import annotations

__all__ = ["PreviewError"]


class PreviewError(ValueError):
    """The preview cannot run: the message says what is wrong and how to fix it."""
