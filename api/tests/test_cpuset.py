"""Tests of `nto_api.cpuset`: cpulist and mask parsing, formatting, algebra and hostile input."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nto_api._valueerrors import ValueFormatError
from nto_api.cpuset import MAX_CPU_ID, CPUSet, CPUSetError

HINT = "expected comma-separated CPU ids and ranges such as '0-3,8,10-11'"
WORDS = "every comma-separated group must hold 1 to 8 hex digits"
MASK_HINT = "expected comma-separated groups of up to 8 hex digits such as '0000ffff,00000001'"

cpu_ids = st.frozensets(st.integers(min_value=0, max_value=8191), max_size=600)
# Sets built from ranges, so that long runs are common too.
cpu_ranges = st.lists(st.tuples(st.integers(0, 8191), st.integers(0, 64)), max_size=40).map(
    lambda pairs: frozenset(c for lo, n in pairs for c in range(lo, min(lo + n, 8191) + 1))
)
any_cpus = st.one_of(cpu_ids, cpu_ranges)


@pytest.mark.parametrize(
    ("text", "ids", "canonical"),
    [
        pytest.param("", (), "", id="empty"),
        pytest.param("\n", (), "", id="sysfs-empty-file"),
        pytest.param("  \t ", (), "", id="whitespace-only"),
        pytest.param("0", (0,), "0", id="single"),
        pytest.param("0-3,8,10-11", (0, 1, 2, 3, 8, 10, 11), "0-3,8,10-11", id="issue-example"),
        pytest.param("0-3\n", (0, 1, 2, 3), "0-3", id="sysfs-trailing-newline"),
        pytest.param(" 1 , 3-4 ,\t5 ", (1, 3, 4, 5), "1,3-5", id="spaces-around-items"),
        pytest.param("10,11", (10, 11), "10-11", id="two-ids-become-range"),
        pytest.param("2,3", (2, 3), "2-3", id="render-input-offlined"),
        pytest.param("3-3", (3,), "3", id="one-element-range"),
        pytest.param("5,1,3", (1, 3, 5), "1,3,5", id="unsorted-ids"),
        pytest.param("1,1,1", (1,), "1", id="duplicates"),
        pytest.param("4-7,0-5", (0, 1, 2, 3, 4, 5, 6, 7), "0-7", id="overlapping-ranges"),
        pytest.param("0-1,2-3", (0, 1, 2, 3), "0-3", id="adjacent-ranges"),
        pytest.param("8-9,0-1", (0, 1, 8, 9), "0-1,8-9", id="descending-ranges"),
        pytest.param("1,3-4,2", (1, 2, 3, 4), "1-4", id="mixed-unsorted"),
        pytest.param("007,08", (7, 8), "7-8", id="leading-zeros"),
        pytest.param("0,2,40,42", (0, 2, 40, 42), "0,2,40,42", id="ppc-profile1-reserved"),
        pytest.param(f"{MAX_CPU_ID}", (MAX_CPU_ID,), str(MAX_CPU_ID), id="max-id"),
        pytest.param(f"0-{MAX_CPU_ID}", None, f"0-{MAX_CPU_ID}", id="max-range"),
    ],
)
def test_parse_valid(text: str, ids: tuple[int, ...] | None, canonical: str) -> None:
    cpus = CPUSet.parse(text)
    if ids is not None:
        assert cpus.to_ids() == ids
        assert len(cpus) == len(ids)
    assert str(cpus) == canonical
    assert f"{cpus}" == canonical
    assert CPUSet.parse(canonical) == cpus


def _message(text: str, problem: str) -> str:
    return f"invalid cpulist {text!r}: {problem}; {HINT}"


@pytest.mark.parametrize(
    ("text", "item"),
    [
        pytest.param("-1", "-1", id="negative"),
        pytest.param("1,-2", "-2", id="negative-second"),
        pytest.param("1--3", "1--3", id="double-dash"),
        pytest.param("1-2-3", "1-2-3", id="two-dashes"),
        pytest.param("3-", "3-", id="open-range"),
        pytest.param("1-,2", "1-", id="open-range-mixed"),
        pytest.param("x", "x", id="garbage"),
        pytest.param("1,x", "x", id="garbage-second"),
        pytest.param("1 2", "1 2", id="inner-space"),
        pytest.param("1 - 3", "1 - 3", id="spaced-dash"),
        pytest.param("1 -3,4", "1 -3", id="space-before-dash"),
        pytest.param("1,\n2", "\n2", id="inner-newline"),
        pytest.param("+1", "+1", id="plus-sign"),
        pytest.param("1_000", "1_000", id="underscore"),
        pytest.param("0x1", "0x1", id="hex"),
        pytest.param("1.5", "1.5", id="float"),
        pytest.param("1;2", "1;2", id="semicolon"),
        pytest.param("0-31:2/8", "0-31:2/8", id="kernel-stride-syntax"),
        pytest.param("\u0663", "\u0663", id="arabic-indic-digit"),
        pytest.param("1-\u0663", "1-\u0663", id="arabic-indic-range-end"),
        pytest.param("\u00b2", "\u00b2", id="superscript-two"),
        pytest.param("\uff11", "\uff11", id="fullwidth-one"),
        pytest.param("\u00a01", "\u00a01", id="no-break-space-edge"),
    ],
)
def test_parse_rejects_bad_item(text: str, item: str) -> None:
    with pytest.raises(CPUSetError) as caught:
        CPUSet.parse(text)
    problem = f"item {item!r} is not a CPU id or a range of CPU ids"
    assert str(caught.value) == _message(text, problem)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("5-3", "range '5-3' ends before it starts; write it as '3-5'", id="reversed"),
        pytest.param("1,,2", "an item between commas is empty", id="empty-item"),
        pytest.param("1,", "an item between commas is empty", id="trailing-comma"),
        pytest.param(",1", "an item between commas is empty", id="leading-comma"),
        pytest.param("1, ,2", "an item between commas is empty", id="blank-item"),
        pytest.param(
            "0-99999999",
            "CPU id '99999999' in item '0-99999999' is above the maximum 4194303 (2**22 - 1)",
            id="absurd-range",
        ),
        pytest.param(
            "4194304",
            "CPU id '4194304' in item '4194304' is above the maximum 4194303 (2**22 - 1)",
            id="just-above-max",
        ),
        pytest.param(
            "1,0004194304",
            "CPU id '4194304' in item '0004194304' is above the maximum 4194303 (2**22 - 1)",
            id="above-max-zero-padded",
        ),
    ],
)
def test_parse_invalid(text: str, problem: str) -> None:
    with pytest.raises(CPUSetError) as caught:
        CPUSet.parse(text)
    assert str(caught.value) == _message(text, problem)


def test_parse_huge_text_fails_fast_with_short_message() -> None:
    text = "9" * 100_000
    with pytest.raises(CPUSetError) as caught:
        CPUSet.parse(text)
    message = str(caught.value)
    assert message.startswith("invalid cpulist '9999")
    assert "(100000 characters)" in message
    assert len(message) < 400


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param(None, "NoneType 'None'", id="none"),
        pytest.param(5, "int '5'", id="int"),
        pytest.param(b"0-3", "bytes \"b'0-3'\"", id="bytes"),
        pytest.param(["0"], "list \"['0']\"", id="list"),
    ],
)
def test_parse_rejects_non_strings(value: object, shown: str) -> None:
    with pytest.raises(CPUSetError) as caught:
        CPUSet.parse(value)  # type: ignore[arg-type]
    assert str(caught.value) == f"cpulist must be a string, got {shown}; {HINT}"


def test_errors_share_one_base() -> None:
    assert issubclass(CPUSetError, ValueFormatError)
    assert issubclass(CPUSetError, ValueError)


@pytest.mark.parametrize(
    ("cpulist", "mask"),
    [
        pytest.param("", "00000000", id="empty"),
        pytest.param("0", "00000001", id="cpu0"),
        pytest.param("0-15", "0000ffff", id="low-16"),
        pytest.param("0-31", "ffffffff", id="one-word"),
        pytest.param("32", "00000001,00000000", id="second-word"),
        pytest.param("0,32-47", "0000ffff,00000001", id="two-words"),
        pytest.param("4-7,64", "00000001,00000000,000000f0", id="three-words"),
        pytest.param("2-3", "0000000c", id="offlined-2-3"),
    ],
)
def test_mask_round_trip(cpulist: str, mask: str) -> None:
    cpus = CPUSet.parse(cpulist)
    assert cpus.to_mask() == mask
    assert CPUSet.from_mask(mask) == cpus


@pytest.mark.parametrize(
    ("mask", "cpulist"),
    [
        pytest.param("00000000,0000ffff", "0-15", id="kernel-full-width"),
        pytest.param("ff\n", "0-7", id="sysfs-newline"),
        pytest.param("1,1", "0,32", id="short-words"),
        pytest.param("0", "", id="zero"),
        pytest.param("FF", "0-7", id="uppercase"),
    ],
)
def test_from_mask_accepts_kernel_forms(mask: str, cpulist: str) -> None:
    assert str(CPUSet.from_mask(mask)) == cpulist


@pytest.mark.parametrize(
    ("mask", "problem"),
    [
        pytest.param("", "every comma-separated group must hold 1 to 8 hex digits", id="empty"),
        pytest.param("ff,,ff", "every comma-separated group must hold 1 to 8 hex digits", id="gap"),
        pytest.param(
            "123456789", "every comma-separated group must hold 1 to 8 hex digits", id="9"
        ),
        pytest.param("0xff", "it contains characters other than hex digits and ','", id="0x"),
        pytest.param("f f", "it contains characters other than hex digits and ','", id="space"),
        pytest.param("\u0663", "it contains characters other than hex digits and ','", id="ar"),
        pytest.param(
            ",".join(["0"] * 131073), "it has 131073 words, more than the 131072 allowed", id="big"
        ),
    ],
)
def test_from_mask_invalid(mask: str, problem: str) -> None:
    with pytest.raises(CPUSetError) as caught:
        CPUSet.from_mask(mask)
    shown = repr(mask) if len(mask) <= 80 else f"{mask[:60]!r}... ({len(mask)} characters)"
    assert str(caught.value) == f"invalid CPU mask {shown}: {problem}; {MASK_HINT}"


def test_from_mask_rejects_non_string() -> None:
    with pytest.raises(CPUSetError, match=r"^CPU mask must be a string, got int '255'; expected"):
        CPUSet.from_mask(255)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cpulist", "count", "expected"),
    [
        pytest.param("", 4, "0-3", id="empty"),
        pytest.param("0-3", 4, "", id="full"),
        pytest.param("1", 12, "0,2-11", id="middle"),
        pytest.param("0,2,40,42", 80, "1,3-39,41,43-79", id="ppc-profile1"),
        pytest.param("", 0, "", id="zero-count"),
    ],
)
def test_invert(cpulist: str, count: int, expected: str) -> None:
    assert str(CPUSet.parse(cpulist).invert(count)) == expected


@pytest.mark.parametrize(
    ("cpulist", "count", "message"),
    [
        pytest.param(
            "0-9",
            8,
            "cannot invert CPU set '0-9' within 8 CPUs: CPUs '8-9' are beyond the last CPU 7",
            id="outside",
        ),
        pytest.param("0", -1, "cpu_count -1 is outside the range 0-4194304", id="negative"),
        pytest.param("0", 2**22 + 1, "cpu_count 4194305 is outside the range 0-4194304", id="huge"),
        pytest.param("0", "8", "cpu_count must be an integer, got '8'", id="string"),
        pytest.param("0", True, "cpu_count must be an integer, got True", id="bool"),
    ],
)
def test_invert_invalid(cpulist: str, count: object, message: str) -> None:
    with pytest.raises(CPUSetError) as caught:
        CPUSet.parse(cpulist).invert(count)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_set_algebra() -> None:
    a, b = CPUSet.parse("0-5"), CPUSet.parse("4-9")
    assert str(a | b) == "0-9"
    assert str(a & b) == "4-5"
    assert str(a - b) == "0-3"
    assert str(a ^ b) == "0-3,6-9"
    assert str(a.union(b, CPUSet.parse("20"))) == "0-9,20"
    assert CPUSet.parse("1-2").issubset(a)
    assert CPUSet.parse("1-2") <= a
    assert a >= CPUSet.parse("1-2")
    assert a.issuperset(CPUSet.parse("0"))
    assert not a.issubset(b)
    assert a.isdisjoint(CPUSet.parse("6-7"))
    assert not a.isdisjoint(b)


def test_container_protocol() -> None:
    cpus = CPUSet.parse("1,3-4")
    assert list(cpus) == [1, 3, 4]
    assert 3 in cpus
    assert 2 not in cpus
    assert -1 not in cpus
    assert "3" not in cpus
    assert True not in CPUSet.parse("1")
    assert bool(cpus)
    assert not CPUSet.parse("")
    assert len(CPUSet.parse(f"0-{MAX_CPU_ID}")) == MAX_CPU_ID + 1
    assert repr(cpus) == "CPUSet('1,3-4')"
    assert cpus != "1,3-4"
    assert {cpus: 1}[CPUSet.parse("4,3,1")] == 1
    assert pickle.loads(pickle.dumps(cpus)) == cpus


def test_immutable() -> None:
    cpus = CPUSet.parse("1")
    with pytest.raises(AttributeError, match="CPUSet is immutable"):
        cpus._bits = 3
    with pytest.raises(AttributeError, match="CPUSet is immutable"):
        del cpus._bits


def test_operators_refuse_foreign_types() -> None:
    with pytest.raises(TypeError):
        _ = CPUSet.parse("1") | {2}  # type: ignore[operator]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        pytest.param([1, -1], "CPU id -1 is outside the allowed range 0-4194303", id="negative"),
        pytest.param([2**22], "CPU id 4194304 is outside the allowed range 0-4194303", id="big"),
        pytest.param([1, "2"], "CPU ids must be integers, got str \"'2'\"", id="str"),
        pytest.param([True], "CPU ids must be integers, got bool 'True'", id="bool"),
        pytest.param([1.0], "CPU ids must be integers, got float '1.0'", id="float"),
    ],
)
def test_from_ids_invalid(ids: list[object], message: str) -> None:
    with pytest.raises(CPUSetError) as caught:
        CPUSet.from_ids(ids)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_constructors_agree() -> None:
    expected = CPUSet.parse("0-2,7")
    assert CPUSet([7, 2, 1, 0, 1]) == expected
    assert CPUSet.from_ids(iter([0, 1, 2, 7])) == expected
    assert CPUSet.from_ids(expected) is expected
    assert CPUSet() == CPUSet.parse("")


@settings(max_examples=200, deadline=None)
@given(ids=any_cpus)
def test_property_format_parse_round_trip(ids: frozenset[int]) -> None:
    cpus = CPUSet.from_ids(ids)
    assert set(cpus) == ids
    assert len(cpus) == len(ids)
    assert CPUSet.parse(str(cpus)) == cpus
    assert CPUSet.from_mask(cpus.to_mask()) == cpus


@settings(max_examples=100, deadline=None)
@given(ids=any_cpus, extra=st.integers(0, 64))
def test_property_invert(ids: frozenset[int], extra: int) -> None:
    cpus = CPUSet.from_ids(ids)
    count = max(ids, default=-1) + 1 + extra
    inverted = cpus.invert(count)
    assert inverted.isdisjoint(cpus)
    assert len(inverted) + len(cpus) == count
    assert inverted.invert(count) == cpus


@settings(max_examples=100, deadline=None)
@given(a=any_cpus, b=any_cpus)
def test_property_algebra_matches_frozenset(a: frozenset[int], b: frozenset[int]) -> None:
    x, y = CPUSet.from_ids(a), CPUSet.from_ids(b)
    assert set(x | y) == a | b
    assert set(x & y) == a & b
    assert set(x - y) == a - b
    assert set(x ^ y) == a ^ b
    assert x.issubset(y) == (a <= b)
    assert x.isdisjoint(y) == a.isdisjoint(b)


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 5)), min_size=1))
def test_property_parse_any_written_form(pieces: list[tuple[int, int]]) -> None:
    """Any list of ids and ranges, in any order, parses to the union of its pieces."""
    text = ",".join(f"{lo}-{lo + n}" if n else f" {lo}" for lo, n in pieces)
    expected = {c for lo, n in pieces for c in range(lo, lo + n + 1)}
    assert set(CPUSet.parse(text)) == expected


cpulist_texts = st.lists(
    st.tuples(st.integers(0, 70), st.integers(0, 3), st.sampled_from(["", " ", "0"])),
    min_size=1,
    max_size=12,
).map(
    lambda items: ",".join(
        f"{pad.strip() if pad == '0' else pad}{low}-{low + span}" if span else f"{pad}{low}"
        for low, span, pad in items
    )
)


@given(text=cpulist_texts)
def test_parsed_text_reused_only_when_it_is_the_canonical_form(text):
    """`parse` keeps the input as the set's text when, and only when, formatting would give it."""
    cpus = CPUSet.parse(text)
    assert str(cpus) == str(CPUSet.from_ids(cpus.to_ids()))


@pytest.mark.parametrize(
    "text",
    ["0-1,4-5,8-9", "0,2,4", "0-3", "7", "0"],
    ids=["ht-pairs", "spaced-ids", "one-range", "one-id", "zero"],
)
def test_canonical_text_is_kept(text):
    assert CPUSet.parse(text)._text == text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0-1,2-3", "0-3"),
        ("1,2,3", "1-3"),
        ("3-3", "3"),
        ("01-2", "1-2"),
        ("0-1, 4-5", "0-1,4-5"),
        ("4-5,0-1", "0-1,4-5"),
        ("0,2-3,5", "0,2-3,5"),
    ],
)
def test_non_canonical_text_is_formatted_again(text, canonical):
    assert str(CPUSet.parse(text)) == canonical


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=300),
            st.integers(min_value=0, max_value=3),
            st.integers(min_value=0, max_value=2),
            st.integers(min_value=0, max_value=2),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_text_is_kept_only_when_canonical(items: list[tuple[int, int, int, int]]) -> None:
    """Leading zeros (``'007'``, ``'1-03'``) make a list non-canonical wherever they are."""
    parts = []
    for low, width, pad_low, pad_high in items:
        first = "0" * pad_low + str(low)
        parts.append(first if not width else f"{first}-{'0' * pad_high}{low + width}")
    text = ",".join(parts)
    cpus = CPUSet.parse(text)
    kept = cpus._text
    expected = CPUSet.from_ids(
        [cpu for low, width, _, _ in items for cpu in range(low, low + width + 1)]
    )
    assert cpus == expected
    assert kept is None or kept == text == cpus._from_bits(cpus._bits).__str__()


def _int_numbers(text: str) -> list[int] | str:
    try:
        return list(map(int, text.split(",")))
    except ValueError:
        return "ValueError"


def _json_numbers(text: str) -> list[int] | str:
    from nto_api.cpuset import _numbers

    try:
        return _numbers(text)
    except ValueError:
        return "ValueError"


@settings(max_examples=300)
@given(
    items=st.lists(
        st.text(alphabet="0123456789 \t", max_size=6) | st.integers(0, 99999).map(str),
        min_size=1,
        max_size=200,
    )
)
def test_long_lists_of_numbers_read_as_int_reads_them(items: list[str]) -> None:
    """The JSON scanner `_numbers` uses on long lists agrees with ``int()`` on every item:
    same numbers, or a ValueError for the same texts (empty items, inner whitespace); leading
    zeros, which JSON refuses, are read by ``int()``."""
    text = ",".join(items)
    assert _json_numbers(text) == _int_numbers(text)
    padded = ",".join([*items, *["7"] * 100])  # long enough for the JSON scanner
    assert _json_numbers(padded) == _int_numbers(padded)


@pytest.mark.parametrize(
    "text", [",".join(["007", *["1"] * 200]), ",".join(["1 2", *["1"] * 200]), ",".join([""] * 200)]
)
def test_long_lists_with_leading_zeros_or_bad_items(text: str) -> None:
    assert _json_numbers(text) == _int_numbers(text)
