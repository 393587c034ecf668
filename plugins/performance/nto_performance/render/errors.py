"""Errors of the offline ``render`` command.

::

    RenderCommandError            a run that cannot complete; the message is shown as is
    +-- InputError                an input file cannot be read or parsed (names file and line)
    +-- SelectionError            a profile matches no MachineConfigPool, or more than one
    +-- OutputError               the output directory cannot be written

Renderer failures (:class:`nto_performance.components._common.RenderError`) are reported by
:mod:`.command` with the same exit code. Neighbours: every module of this package.
"""

from __future__ import annotations

__all__ = ["InputError", "OutputError", "RenderCommandError", "SelectionError"]


class RenderCommandError(Exception):
    """The render command cannot complete; nothing was written."""


class InputError(RenderCommandError):
    """An input file or document is unreadable, unparsable or invalid."""


class SelectionError(RenderCommandError):
    """A profile does not match exactly one MachineConfigPool, or owners cannot be set."""


class OutputError(RenderCommandError):
    """The output directory cannot be created or written."""
