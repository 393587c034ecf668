"""Exceptions raised by the `nto_api` package.

Neighbours: `registry` raises `InvalidObjectError` when a wire object does not fit its model,
`conversion` raises `ConversionError`, `crdgen` raises `SchemaGenerationError`. The cpulist and
quantity parsers (`nto_api.cpuset`, `nto_api.quantity`) have their own small tree rooted at
`nto_api._valueerrors.ValueFormatError`, because their errors are about one text value, not about
an object::

    Exception
     └── NtoApiError                 (any error of this package's object handling)
          ├── InvalidObjectError     (+ValueError) an object does not match its model;
          │                           `.field_errors` lists (path, message) pairs
          ├── ConversionError        (+ValueError) a PerformanceProfile cannot be converted:
          │                           unknown apiVersion or kind, or invalid input
          └── SchemaGenerationError  a model cannot be expressed as a structural CRD schema
                                      (a programming error in the models, found by tests)

`nto_api.safe_yaml` raises ``UnsafeYAMLError``, a ``yaml.YAMLError`` (so every caller's existing
YAML error handling reports it), when user YAML exceeds a size limit (alias expansion, nesting,
scalar length).

All of them are permanent: retrying with the same input gives the same error.
"""

from __future__ import annotations

__all__ = [
    "ConversionError",
    "InvalidObjectError",
    "NtoApiError",
    "SchemaGenerationError",
]


class NtoApiError(Exception):
    """Base of every error raised by `nto_api` object handling."""


class InvalidObjectError(NtoApiError, ValueError):
    """An object does not match its model.

    The message names the object and every offending field path (``spec.cpu.reserved``); the same
    pairs are available as `field_errors` for callers that build API `Status` causes.
    """

    def __init__(self, message: str, field_errors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.field_errors: list[tuple[str, str]] = list(field_errors or [])


class ConversionError(NtoApiError, ValueError):
    """A PerformanceProfile could not be converted to the requested apiVersion."""


class SchemaGenerationError(NtoApiError):
    """A model uses a Python type that has no structural OpenAPI v3 equivalent."""
