"""Annotations that carry CRD schema facts pydantic itself does not express.

Models (`meta`, `tuned`, `performance.*`) attach these to fields with `typing.Annotated`;
`_schemagen` reads them when it turns a model into an OpenAPI v3 schema. Pydantic ignores them, so
they never change validation: a CRD default, for instance, is applied by the API server and is not
filled into the model (a round-trip keeps "unset" distinguishable from "false").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

__all__ = ["CrdDefault", "Format", "Int32", "Int64", "OpaqueItems", "PreserveUnknown"]


@dataclass(frozen=True)
class CrdDefault:
    """The CRD schema declares ``default: <value>`` for this field."""

    value: Any


@dataclass(frozen=True)
class Format:
    """The CRD schema declares ``format: <name>`` (``int32``, ``int64``, ``date-time``)."""

    name: str


@dataclass(frozen=True)
class OpaqueItems:
    """Items of this list are schema-less objects (``x-kubernetes-preserve-unknown-fields``).

    Used where the type is recursive, which structural schemas cannot express.
    """


@dataclass(frozen=True)
class PreserveUnknown:
    """This field is an arbitrary JSON object kept as is.

    The schema says ``x-kubernetes-preserve-unknown-fields: true``.
    """


Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), Format("int32")]
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1), Format("int64")]
