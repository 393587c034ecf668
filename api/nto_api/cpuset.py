"""CPU sets: the Linux cpulist and CPU mask formats as one immutable, hashable value.

A `CPUSet` is what `spec.cpu.reserved`, `isolated`, `offlined`, `shared` and `ovsDpdk` of a
PerformanceProfile hold, what the kubelet's `reservedSystemCPUs` receives, what the profile creator
computes, and what sysfs files such as `/sys/devices/system/cpu/online` contain.

Formats:

- **cpulist** (`CPUSet.parse`, `str()`): comma-separated CPU ids and inclusive ranges, e.g.
  ``0-3,8,10-11``. Parsing accepts spaces or tabs around items, surrounding whitespace (so the
  trailing newline of a sysfs file is fine) and the empty or whitespace-only text (the empty set,
  as in an empty ``/sys/devices/system/cpu/offline``). The canonical form, printed by `str()`, is
  the one the kernel and the kubelet print: ids ascending, every run of two or more consecutive ids
  written as a range (``10-11``, never ``10,11``), the empty set as ``""``. The reference data
  (profile-creator output such as ``0,2,40,42`` and ``1,3-39,41,43-79``) uses this form.
- **mask** (`to_mask`, `from_mask`): hexadecimal, in comma-separated 32-bit words, most
  significant word first, as the kernel prints cpumasks and as `net.core.rps_default_mask` and
  `IRQBALANCE_BANNED_CPUS` take them: ``0000ffff,00000001``. Leading all-zero words are dropped;
  the empty set is ``00000000``.

CPU ids are limited to ``0..MAX_CPU_ID`` (2**22 - 1 = 4,194,303): far above any kernel's NR_CPUS
(8192 at most today), low enough that hostile input such as ``0-99999999`` is refused before
anything is allocated. Every malformed input raises `CPUSetError` (a `ValueError`) whose message
quotes the text and shows the expected form; a non-string argument raises it too, so pydantic
validators and CLI callers need one ``except`` clause.

Internally the set is a Python int used as a bitmap (bit i set = CPU i present), so set algebra is
one big-int operation; parsing and formatting use C-level string and itertools operations rather
than per-CPU Python loops (see ``hack/bench_cpuset.py``).

Neighbours: `nto_api._valueerrors` (the shared error base), `nto_api.quantity` (sizes).
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from nto_api._valueerrors import ValueFormatError

__all__ = ["MAX_CPU_ID", "CPUSet", "CPUSetError"]

MAX_CPU_ID = 2**22 - 1
"""Largest CPU id accepted anywhere (4,194,303)."""

_CPULIST_HINT = "expected comma-separated CPU ids and ranges such as '0-3,8,10-11'"
_MASK_HINT = "expected comma-separated groups of up to 8 hex digits such as '0000ffff,00000001'"
_EDGE_WHITESPACE = " \t\r\n\v\f"
_ITEM_WHITESPACE = " \t"
# Characters a cpulist may contain once the edges are stripped; anything left after deleting
# these makes the text invalid.
_DELETE_CPULIST_CHARS = str.maketrans("", "", "0123456789,- \t")
_DELETE_NUMBER_CHARS = str.maketrans("", "", "0123456789 \t")
_DELETE_HEX_CHARS = str.maketrans("", "", "0123456789abcdefABCDEF,")
# bin() digits -> byte values 0 and 1, usable as itertools.compress selectors.
_BINARY_DIGITS_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_FLAGS_TO_BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_MAX_ID_DIGITS = len(str(MAX_CPU_ID))
_successor = functools.partial(operator.add, 1)
_MAX_MASK_WORDS = (MAX_CPU_ID + 1) // 32


class CPUSetError(ValueFormatError):
    """A cpulist or CPU mask is malformed, or a CPU id is out of range."""


def _quote(text: str) -> str:
    """Return `text` as `repr`, shortened when it is too long to be useful in a message."""
    if len(text) <= 80:
        return repr(text)
    return f"{text[:60]!r}... ({len(text)} characters)"


def _fail_cpulist(text: str, problem: str) -> NoReturn:
    raise CPUSetError(f"invalid cpulist {_quote(text)}: {problem}; {_CPULIST_HINT}")


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise CPUSetError(
            f"{what} must be a string, got {type(value).__name__} {_quote(repr(value))}; "
            f"{_CPULIST_HINT if what == 'cpulist' else _MASK_HINT}"
        )
    return value


def _parse_id(text: str, item: str, digits: str) -> int:
    """Convert one ASCII-digit field of `item` to a CPU id within range, or fail with a message."""
    if not (digits.isascii() and digits.isdigit()):
        _fail_cpulist(text, f"item {_quote(item)} is not a CPU id or a range of CPU ids")
    if len(digits) > _MAX_ID_DIGITS or int(digits) > MAX_CPU_ID:
        _fail_cpulist(
            text,
            f"CPU id {_quote(digits.lstrip('0') or '0')} in item {_quote(item)} is above the "
            f"maximum {MAX_CPU_ID} (2**22 - 1)",
        )
    return int(digits)


def _parse_item(text: str, raw_item: str) -> tuple[int, int]:
    """Return the inclusive (first, last) range of one comma-separated item."""
    item = raw_item.strip(_ITEM_WHITESPACE)
    if not item:
        _fail_cpulist(text, "an item between commas is empty")
    first, dash, last = item.partition("-")
    low = _parse_id(text, item, first)
    if not dash:
        return low, low
    high = _parse_id(text, item, last)
    if high < low:
        _fail_cpulist(
            text, f"range {_quote(item)} ends before it starts; write it as '{high}-{low}'"
        )
    return low, high


def _bits_from_ranges(ranges: Iterable[tuple[int, int]], top: int) -> int:
    """Build the bitmap of inclusive `ranges`, all of whose ids are <= `top`."""
    flags = bytearray(top + 1)
    for low, high in ranges:
        flags[low : high + 1] = b"\x01" * (high - low + 1)
    flags.reverse()
    return int(flags.translate(_FLAGS_TO_BINARY_DIGITS), 2)


def _bits_from_ids(ids: list[int]) -> int:
    """Build the bitmap of `ids`, already checked to lie in 0..MAX_CPU_ID."""
    if not ids:
        return 0
    flags = bytearray(max(ids) + 1)
    for cpu in ids:
        flags[cpu] = 1
    flags.reverse()
    return int(flags.translate(_FLAGS_TO_BINARY_DIGITS), 2)


def _ids_from_bits(bits: int) -> list[int]:
    """Return the ids of the set bits of `bits`, ascending."""
    digits = bin(bits)[:1:-1]
    if bits.bit_count() <= 64:
        ids = []
        cpu = digits.find("1")
        while cpu >= 0:
            ids.append(cpu)
            cpu = digits.find("1", cpu + 1)
        return ids
    flags = digits.encode("ascii").translate(_BINARY_DIGITS_TO_FLAGS)
    return list(itertools.compress(range(len(flags)), flags))


_JSON_FROM_CHARS = 256
"""From this length on, `_numbers` lets the C JSON scanner convert the numbers."""


def _numbers(text: str) -> list[int]:
    """The comma-separated decimal numbers of `text`, which holds only ASCII digits, ',', spaces
    and tabs; `ValueError` when an item is empty or has inner whitespace, as ``int`` raises.

    On long lists the C JSON scanner reads them about twice as fast as one ``int()`` call per
    item (8192 CPUs listed: ~200 us saved). JSON refuses leading zeros, which ``int`` accepts:
    then, and on short lists, ``int`` does the work.
    """
    if len(text) >= _JSON_FROM_CHARS:
        import json  # only here: the short commands that never parse a long list skip it

        try:
            numbers: list[int] = json.loads(f"[{text}]")
        except ValueError:
            pass
        else:
            return numbers
    return list(map(int, text.split(",")))


def _has_leading_zero(body: str) -> bool:
    """Whether a number in `body` (digits, ',', '-') starts with a 0 and goes on: ``'007'``.

    Two C-level scans for ``,0`` and ``-0``, which canonical lists hold at most once (CPU 0):
    a regular expression walks every character in Python's regex engine, which was a quarter
    of the time of parsing 2,048 ranges.
    """
    if body[:1] == "0" and body[1:2].isdigit():
        return True
    for separator in (",0", "-0"):
        at = body.find(separator)
        while at >= 0:
            if body[at + 2 : at + 3].isdigit():
                return True
            at = body.find(separator, at + 2)
    return False


def _parse_well_formed(body: str) -> tuple[int, bool] | None:
    """Return the bitmap of a cpulist and whether `body` is already its canonical text, or None
    when it is invalid (the caller then says why).

    `body` holds only ASCII digits, ',', '-', spaces and tabs. All work happens in C-level
    `map`/`int` calls rather than a Python loop per item: `int` accepts the spaces around an
    item and fails on an empty item or inner whitespace; items are split at their one '-'.
    Knowing that the text is canonical (ascending, neither adjacent nor overlapping, no
    whitespace or leading zeros, single CPUs without a dash) saves formatting it again.
    """
    item_count = body.count(",") + 1
    plain = " " not in body and "\t" not in body and not _has_leading_zero(body)
    try:
        if "-" not in body:
            ids = _numbers(body)
            if max(ids) > MAX_CPU_ID:
                return None
            canonical = plain and all(map(operator.lt, map(_successor, ids), ids[1:]))
            return _bits_from_ids(ids), canonical
        if any(map(body.__contains__, (" -", "- ", "\t-", "-\t"))):
            return None
        # The separators alone: "-,-,...,-" when every item is one range (one string compare);
        # otherwise, per item, how many '-' it holds.
        separators = body.translate(_DELETE_NUMBER_CHARS)
        every_item_a_range = separators == "-," * (item_count - 1) + "-"
        dashes: list[int] = []
        if not every_item_a_range:
            dashes = list(map(len, separators.split(",")))
            if max(dashes) > 1:
                return None
        numbers = _numbers(body.replace("-", ","))
    except ValueError:
        return None
    if every_item_a_range:
        lows, highs = numbers[0::2], numbers[1::2]
    else:
        # Index in `numbers` of each item's first number; its last one is `dash` further.
        firsts = list(itertools.accumulate(map(operator.add, dashes, itertools.repeat(1))))
        firsts = [0, *firsts[:-1]]
        lows = list(map(numbers.__getitem__, firsts))
        highs = list(map(numbers.__getitem__, map(operator.add, firsts, dashes)))
    if max(highs) > MAX_CPU_ID:
        return None
    # Ascending and disjoint ranges: each range [a, b] is 2**(b+1) - 2**a, and the sums of the
    # two terms over all ranges are bitmaps of distinct positions.
    ends = list(map(_successor, highs))
    if (
        every_item_a_range
        and all(map(operator.lt, lows, highs))
        and all(map(operator.lt, ends, lows[1:]))
    ):
        # The canonical shape (ranges of two or more CPUs with gaps between them), checked
        # first: it also proves the weaker conditions below.
        return _bits_from_ids(ends) - _bits_from_ids(lows), plain
    if not all(map(operator.le, lows, highs)):
        return None
    if all(map(operator.lt, highs, lows[1:])):
        return _bits_from_ids(ends) - _bits_from_ids(lows), False
    return _bits_from_ranges(zip(lows, highs, strict=True), max(highs)), False


def _format_bits(bits: int) -> str:
    """Format a bitmap as a canonical cpulist, with loops over its runs only."""
    if not bits:
        return ""
    starts = _ids_from_bits(bits & ~(bits << 1))
    ends = _ids_from_bits(bits & ~(bits >> 1))
    if starts == ends:
        return ",".join(map(str, starts))
    runs = zip(starts, ends, strict=True)
    return ",".join([f"{low}-{high}" if low != high else f"{low}" for low, high in runs])


class CPUSet:
    """An immutable set of CPU ids, written as a Linux cpulist.

    Build one with `CPUSet.parse(text)`, `CPUSet.from_ids(ids)`, `CPUSet.from_mask(mask)` or
    `CPUSet(ids)`. Supports ``|``, ``&``, ``-``, ``^``, ``<=``, ``>=``, `len`, `in`, ascending
    iteration, equality and hashing. `str()` gives the canonical cpulist.
    """

    __slots__ = ("_bits", "_text")
    _bits: int
    _text: str | None

    def __init__(self, ids: Iterable[int] = ()) -> None:
        object.__setattr__(self, "_bits", CPUSet.from_ids(ids)._bits if ids else 0)
        object.__setattr__(self, "_text", None)

    @classmethod
    def _from_bits(cls, bits: int) -> CPUSet:
        instance = cls.__new__(cls)
        object.__setattr__(instance, "_bits", bits)
        object.__setattr__(instance, "_text", None)
        return instance

    # --- constructors -----------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> CPUSet:
        """Parse a cpulist such as ``'0-3,8,10-11'`` (see the module docstring for the rules)."""
        text = _require_str(text, "cpulist")
        body = text.strip(_EDGE_WHITESPACE)
        if not body:
            return cls._from_bits(0)
        if body.isascii() and not body.translate(_DELETE_CPULIST_CHARS):
            parsed = _parse_well_formed(body)
            if parsed is not None:
                bits, canonical = parsed
                instance = cls._from_bits(bits)
                if canonical:
                    object.__setattr__(instance, "_text", body)
                return instance
        # Slow path: find the first offending item and say what is wrong with it.
        for item in body.split(","):
            _parse_item(text, item)
        _fail_cpulist(text, "it contains characters other than digits, ',', '-' and whitespace")

    @classmethod
    def from_ids(cls, ids: Iterable[int]) -> CPUSet:
        """Return the set of the given CPU ids (any order, duplicates allowed)."""
        if isinstance(ids, CPUSet):
            return ids
        values = list(ids)
        if not set(map(type, values)) <= {int}:
            bad = next(cpu for cpu in values if type(cpu) is not int)
            raise CPUSetError(
                f"CPU ids must be integers, got {type(bad).__name__} {_quote(repr(bad))}"
            )
        if values and (min(values) < 0 or max(values) > MAX_CPU_ID):
            bad = min(values) if min(values) < 0 else max(values)
            raise CPUSetError(f"CPU id {bad} is outside the allowed range 0-{MAX_CPU_ID}")
        return cls._from_bits(_bits_from_ids(values))

    @classmethod
    def from_mask(cls, text: str) -> CPUSet:
        """Parse a kernel CPU mask such as ``'0000ffff,00000001'`` (bit 0 = CPU 0)."""
        text = _require_str(text, "CPU mask")
        body = text.strip(_EDGE_WHITESPACE)
        words = body.split(",")
        problem = None
        if not body.isascii() or body.translate(_DELETE_HEX_CHARS):
            problem = "it contains characters other than hex digits and ','"
        elif any(not word or len(word) > 8 for word in words):
            problem = "every comma-separated group must hold 1 to 8 hex digits"
        elif len(words) > _MAX_MASK_WORDS:
            problem = f"it has {len(words)} words, more than the {_MAX_MASK_WORDS} allowed"
        if problem:
            raise CPUSetError(f"invalid CPU mask {_quote(text)}: {problem}; {_MASK_HINT}")
        return cls._from_bits(int("".join(word.zfill(8) for word in words), 16))

    # --- conversions ------------------------------------------------------------------------

    def __str__(self) -> str:
        if self._text is None:
            object.__setattr__(self, "_text", _format_bits(self._bits))
        assert self._text is not None
        return self._text

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"CPUSet({str(self)!r})"

    def to_ids(self) -> tuple[int, ...]:
        """Return the CPU ids, ascending."""
        return tuple(_ids_from_bits(self._bits))

    def to_mask(self) -> str:
        """Return the kernel mask form: 32-bit hex words, leading zero words dropped."""
        digits = format(self._bits, "x")
        digits = digits.zfill(-(-len(digits) // 8) * 8)
        return ",".join(digits[start : start + 8] for start in range(0, len(digits), 8))

    def invert(self, cpu_count: int) -> CPUSet:
        """Return the CPUs of ``0..cpu_count-1`` that are not in this set."""
        if isinstance(cpu_count, bool) or not isinstance(cpu_count, int):
            raise CPUSetError(f"cpu_count must be an integer, got {cpu_count!r}")
        if not 0 <= cpu_count <= MAX_CPU_ID + 1:
            raise CPUSetError(f"cpu_count {cpu_count} is outside the range 0-{MAX_CPU_ID + 1}")
        outside = CPUSet._from_bits(self._bits >> cpu_count << cpu_count)
        if outside:
            raise CPUSetError(
                f"cannot invert CPU set '{self}' within {cpu_count} CPUs: CPUs '{outside}' are "
                f"beyond the last CPU {cpu_count - 1}"
            )
        return CPUSet._from_bits(((1 << cpu_count) - 1) ^ self._bits)

    # --- container protocol -----------------------------------------------------------------

    def __len__(self) -> int:
        return self._bits.bit_count()

    def __bool__(self) -> bool:
        return self._bits != 0

    def __iter__(self) -> Iterator[int]:
        return iter(_ids_from_bits(self._bits))

    def __contains__(self, cpu: object) -> bool:
        if not isinstance(cpu, int) or isinstance(cpu, bool) or cpu < 0:
            return False
        return bool(self._bits >> cpu & 1)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CPUSet):
            return NotImplemented
        return self._bits == other._bits

    def __hash__(self) -> int:
        return hash((CPUSet, self._bits))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"CPUSet is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"CPUSet is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (CPUSet.parse, (str(self),))

    # --- set algebra ------------------------------------------------------------------------

    def __or__(self, other: CPUSet) -> CPUSet:
        if not isinstance(other, CPUSet):
            return NotImplemented
        return CPUSet._from_bits(self._bits | other._bits)

    def __and__(self, other: CPUSet) -> CPUSet:
        if not isinstance(other, CPUSet):
            return NotImplemented
        return CPUSet._from_bits(self._bits & other._bits)

    def __sub__(self, other: CPUSet) -> CPUSet:
        if not isinstance(other, CPUSet):
            return NotImplemented
        return CPUSet._from_bits(self._bits & ~other._bits)

    def __xor__(self, other: CPUSet) -> CPUSet:
        if not isinstance(other, CPUSet):
            return NotImplemented
        return CPUSet._from_bits(self._bits ^ other._bits)

    def __le__(self, other: CPUSet) -> bool:
        if not isinstance(other, CPUSet):
            return NotImplemented
        return self.issubset(other)

    def __ge__(self, other: CPUSet) -> bool:
        if not isinstance(other, CPUSet):
            return NotImplemented
        return other.issubset(self)

    def union(self, *others: CPUSet) -> CPUSet:
        """Return the CPUs in this set or any of `others`."""
        bits = self._bits
        for other in others:
            bits |= other._bits
        return CPUSet._from_bits(bits)

    def issubset(self, other: CPUSet) -> bool:
        """Return True when every CPU of this set is in `other`."""
        return self._bits & ~other._bits == 0

    def issuperset(self, other: CPUSet) -> bool:
        """Return True when every CPU of `other` is in this set."""
        return other.issubset(self)

    def isdisjoint(self, other: CPUSet) -> bool:
        """Return True when the two sets share no CPU."""
        return self._bits & other._bits == 0
