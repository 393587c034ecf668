"""Read a PerformanceProfile (v2), a MachineConfigPool, an Infrastructure or a Node without
pydantic.

The offline ``render`` command and the profile creator are whole processes users wait for;
importing pydantic and building the models costs more than the Go ``render``'s whole run. This
reader checks the common, well-formed shape of the kinds they read and builds plain objects that
satisfy the `nto_api.views` protocols, as the models do.

It never decides that a document is invalid: whatever it does not accept with certainty (an
unknown or snake_case key, a wrong type, a ``status`` it does not model, a number out of range)
makes it answer ``None``, and the caller validates the document with the pydantic model, which
then either accepts it or raises the usual `pydantic.ValidationError`. So the errors, and every
accepted document, are the model's; the tests check that whatever this reader accepts, the model
accepts too and reads the same values. The rules it mirrors are the models' (`nto_api.meta`):
camelCase keys, strict types (``"1"`` is not an integer, ``1`` not a boolean), closed objects
except metadata and the foreign kinds. Neighbours: `nto_api.views`, `nto_api.performance.v2`,
`nto_api.foreign.mco`, `nto_api.foreign.config`.
"""

from __future__ import annotations

from typing import TypeVar

from nto_api._quickbase import Decline, Quick, QuickLabelSelector, QuickMeta, QuickRequirement
from nto_api._quickforeign import (
    QuickInfrastructure,
    QuickInfrastructureStatus,
    QuickNode,
    QuickNodeSpec,
    QuickNodeStatus,
    QuickPool,
    QuickPoolSpec,
    QuickPoolStatus,
)
from nto_api._quickprofile import QuickProfile, QuickProfileSpec

__all__ = [
    "QuickInfrastructure",
    "QuickInfrastructureStatus",
    "QuickLabelSelector",
    "QuickMeta",
    "QuickNode",
    "QuickNodeSpec",
    "QuickNodeStatus",
    "QuickPool",
    "QuickPoolSpec",
    "QuickPoolStatus",
    "QuickProfile",
    "QuickProfileSpec",
    "QuickRequirement",
    "read_infrastructure",
    "read_node",
    "read_pool",
    "read_profile",
]

Q = TypeVar("Q", bound=Quick)


def read_profile(document: object) -> QuickProfile | None:
    """A v2 PerformanceProfile, or ``None``: validate with the model."""
    return _read(QuickProfile, document)


def read_pool(document: object) -> QuickPool | None:
    """A MachineConfigPool, or ``None``: validate with the model."""
    return _read(QuickPool, document)


def read_node(document: object) -> QuickNode | None:
    """A Node, or ``None``: validate with the model."""
    return _read(QuickNode, document)


def read_infrastructure(document: object) -> QuickInfrastructure | None:
    """An Infrastructure, or ``None``: validate with the model."""
    return _read(QuickInfrastructure, document)


def _read(cls: type[Q], document: object) -> Q | None:
    try:
        return cls.read(document)
    except (Decline, RecursionError):
        return None
