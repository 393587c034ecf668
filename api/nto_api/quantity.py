"""Sizes written as text: hugepage sizes and Kubernetes resource quantities.

- `hugepage_size_kib("2M") -> 2048`: the hugepage sizes of a PerformanceProfile
  (`spec.hugepages.defaultHugepagesSize`, `pages[].size`), converted to KiB for the systemd unit
  names (`hugepages-allocation-<kib>kB-NUMA<n>.service`) and sysfs paths. Units are binary and
  case-insensitive, as the reference reads them: ``64k`` -> 64, ``2M`` -> 2048, ``32M`` -> 32768,
  ``512M`` -> 524288, ``1G`` -> 1048576, ``16G`` -> 16777216. ``2Mi``/``2MB``/``2MiB`` mean the
  same. A unit is required and the number must be a positive integer: a bare number would be
  bytes, which no hugepage size is written as. Which sizes an architecture allows is the
  validating webhook's business, not this module's.
- `Quantity`: a Kubernetes resource quantity (``1100Mi``, ``500m``, ``1Gi``, ``1e3``, ``10k``)
  with the exact value, the kubelet memory arithmetic of the KubeletConfig renderer
  (``500Mi + 500Mi + 100Mi == 1100Mi``) and the canonical text Kubernetes prints.

Every malformed input raises `QuantityError`, a `nto_api._valueerrors.ValueFormatError`, whose
message quotes the text and shows the accepted forms. Neighbours: `nto_api.cpuset`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from nto_api._valueerrors import ValueFormatError

__all__ = ["Quantity", "QuantityError", "hugepage_size_kib"]

QuantityFormat = Literal["BinarySI", "DecimalSI", "DecimalExponent"]

_HUGEPAGE_HINT = "expected a positive integer with a binary unit such as '64k', '2M', '1G'"
_HUGEPAGE_RE = re.compile(r"([0-9]+) ?([kmgtp])i?b?", re.ASCII | re.IGNORECASE)
_HUGEPAGE_SHIFT = {"k": 0, "m": 10, "g": 20, "t": 30, "p": 40}

_QUANTITY_HINT = "expected a Kubernetes quantity such as '1100Mi', '500m', '1Gi', '2', '1e3'"
_QUANTITY_RE = re.compile(
    r"(?P<sign>[+-]?)(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?P<suffix>[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?",
    re.ASCII,
)
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12}
_DECIMAL_SUFFIXES |= {"P": 15, "E": 18}
_DECIMAL_BY_EXPONENT = {exponent: suffix for suffix, exponent in _DECIMAL_SUFFIXES.items()}
_MAX_TEXT = 64


class QuantityError(ValueFormatError):
    """A hugepage size or a Kubernetes quantity is malformed."""


def _quote(value: object) -> str:
    """Return `repr(value)`, shortened when a long text would drown the message."""
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:60]!r}... ({len(value)} characters)"
    return repr(value)


def hugepage_size_kib(size: str) -> int:
    """Return a hugepage size such as ``'2M'`` or ``'1G'`` in KiB (2048, 1048576)."""
    if not isinstance(size, str):
        raise QuantityError(
            f"hugepage size must be a string, got {type(size).__name__} {_quote(size)}; "
            f"{_HUGEPAGE_HINT}"
        )
    match = _HUGEPAGE_RE.fullmatch(size) if len(size) <= _MAX_TEXT else None
    if match is None:
        raise QuantityError(f"invalid hugepage size {_quote(size)}; {_HUGEPAGE_HINT}")
    number, unit = int(match[1]), match[2].lower()
    if number == 0:
        raise QuantityError(f"invalid hugepage size {size!r}: it is zero; {_HUGEPAGE_HINT}")
    return number << _HUGEPAGE_SHIFT[unit]


@dataclass(frozen=True, eq=False)
class Quantity:
    """An exact Kubernetes resource quantity and the format it was written in.

    Equality and hashing compare the amount only (``Quantity.parse("1Gi") ==
    Quantity.parse("1024Mi")``); `str()` prints the canonical Kubernetes form in `format`.
    """

    amount: Fraction
    format: QuantityFormat = "DecimalSI"

    @classmethod
    def parse(cls, text: str) -> Quantity:
        """Parse ``'1100Mi'``, ``'500m'``, ``'1.5G'``, ``'1e3'``... (whitespace is not allowed)."""
        if not isinstance(text, str):
            raise QuantityError(
                f"quantity must be a string, got {type(text).__name__} {_quote(text)}; "
                f"{_QUANTITY_HINT}"
            )
        match = _QUANTITY_RE.fullmatch(text) if len(text) <= _MAX_TEXT else None
        if match is None:
            raise QuantityError(f"invalid quantity {_quote(text)}; {_QUANTITY_HINT}")
        amount = Fraction(match["number"])
        if match["sign"] == "-":
            amount = -amount
        suffix = match["suffix"] or ""
        if suffix in _BINARY_SUFFIXES:
            return cls(amount * 2 ** _BINARY_SUFFIXES[suffix], "BinarySI")
        if suffix in _DECIMAL_SUFFIXES:
            return cls(amount * Fraction(10) ** _DECIMAL_SUFFIXES[suffix], "DecimalSI")
        exponent = int(suffix[1:])
        if abs(exponent) > 30:
            raise QuantityError(
                f"invalid quantity {text!r}: exponent {exponent} is outside -30..30; "
                f"{_QUANTITY_HINT}"
            )
        return cls(amount * Fraction(10) ** exponent, "DecimalExponent")

    @classmethod
    def from_bytes(cls, value: int) -> Quantity:
        """Return a binary (``Mi``, ``Gi``) quantity of `value` bytes."""
        return cls(Fraction(value), "BinarySI")

    def value(self) -> int:
        """Return the amount rounded up to an integer, as Kubernetes `Value()` does."""
        return math.ceil(self.amount)

    def milli_value(self) -> int:
        """Return the amount in thousandths, rounded up (``'500m'`` -> 500, ``'2'`` -> 2000)."""
        return math.ceil(self.amount * 1000)

    def __add__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        return Quantity(self.amount + other.amount, self.format)

    def __sub__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        return Quantity(self.amount - other.amount, self.format)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.amount == other.amount

    def __lt__(self, other: Quantity) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.amount < other.amount

    def __hash__(self) -> int:
        return hash(self.amount)

    def __str__(self) -> str:
        # Kubernetes keeps nanounits at most, rounding up what lies beyond.
        amount = Fraction(math.ceil(self.amount * 10**9), 10**9)
        if self.format == "BinarySI" and amount.denominator == 1 and abs(amount) >= 1024:
            return _format_binary(amount.numerator)
        return _format_decimal(amount, exponent_form=self.format == "DecimalExponent")

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"


def _format_binary(value: int) -> str:
    """Print an integer with the largest binary suffix that keeps it an integer."""
    for suffix, shift in reversed(_BINARY_SUFFIXES.items()):
        if value % (1 << shift) == 0:
            return f"{value >> shift}{suffix}"
    return str(value)


def _format_decimal(amount: Fraction, *, exponent_form: bool) -> str:
    """Print with the largest power of 1000 that keeps the mantissa an integer."""
    if amount == 0:
        return "0"
    exponent = -9
    mantissa = amount * 10**9
    while exponent < 18 and mantissa % 1000 == 0:
        mantissa /= 1000
        exponent += 3
    number = str(mantissa.numerator)
    if exponent_form:
        return number if exponent == 0 else f"{number}e{exponent}"
    return f"{number}{_DECIMAL_BY_EXPONENT[exponent]}"
