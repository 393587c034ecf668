"""Common base of the errors raised when a value written as text is malformed.

Neighbours: `cpuset` (`CPUSetError`) and `quantity` (`QuantityError`) derive from
`ValueFormatError`, so a caller that parses user input (a webhook, the render command, the profile
creator) can catch every "this text is not a valid value" problem with one ``except`` clause::

    ValueError
     └── ValueFormatError          (this module)
          ├── CPUSetError          (nto_api.cpuset: cpulists and hex CPU masks)
          └── QuantityError        (nto_api.quantity: hugepage sizes, Kubernetes quantities)

The classes derive from `ValueError`, so pydantic validators turn them into validation errors.
"""

from __future__ import annotations

__all__ = ["ValueFormatError"]


class ValueFormatError(ValueError):
    """A value given as text is malformed; the message quotes the text and says what is allowed."""
