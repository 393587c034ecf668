"""Tests of `nto_api.quantity`: hugepage sizes in KiB and Kubernetes resource quantities."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nto_api._valueerrors import ValueFormatError
from nto_api.quantity import Quantity, QuantityError, hugepage_size_kib

HUGEPAGE_HINT = "expected a positive integer with a binary unit such as '64k', '2M', '1G'"
QUANTITY_HINT = "expected a Kubernetes quantity such as '1100Mi', '500m', '1Gi', '2', '1e3'"


@pytest.mark.parametrize(
    ("size", "kib"),
    [
        pytest.param("64k", 64, id="64k"),
        pytest.param("64K", 64, id="64K"),
        pytest.param("2M", 2048, id="2M"),
        pytest.param("2m", 2048, id="2m-case-insensitive"),
        pytest.param("32M", 32768, id="32M"),
        pytest.param("512M", 524288, id="512M"),
        pytest.param("1G", 1048576, id="1G"),
        pytest.param("16G", 16777216, id="16G"),
        pytest.param("2Mi", 2048, id="2Mi"),
        pytest.param("1Gi", 1048576, id="1Gi"),
        pytest.param("2MB", 2048, id="2MB"),
        pytest.param("2MiB", 2048, id="2MiB"),
        pytest.param("2 M", 2048, id="one-space"),
        pytest.param("1T", 1 << 30, id="1T"),
    ],
)
def test_hugepage_size_kib(size: str, kib: int) -> None:
    assert hugepage_size_kib(size) == kib


@pytest.mark.parametrize(
    "size",
    [
        pytest.param("", id="empty"),
        pytest.param("2048", id="no-unit"),
        pytest.param("M", id="no-number"),
        pytest.param("1.5G", id="fraction"),
        pytest.param("-2M", id="negative"),
        pytest.param("2X", id="bad-unit"),
        pytest.param("2M ", id="trailing-space"),
        pytest.param(" 2M", id="leading-space"),
        pytest.param("2  M", id="two-spaces"),
        pytest.param("\u0662M", id="arabic-digit"),
        pytest.param("2MM", id="double-unit"),
        pytest.param("2Mx", id="trailing-garbage"),
    ],
)
def test_hugepage_size_invalid(size: str) -> None:
    with pytest.raises(QuantityError) as caught:
        hugepage_size_kib(size)
    assert str(caught.value) == f"invalid hugepage size {size!r}; {HUGEPAGE_HINT}"


def test_hugepage_size_zero() -> None:
    with pytest.raises(QuantityError) as caught:
        hugepage_size_kib("0M")
    assert str(caught.value) == f"invalid hugepage size '0M': it is zero; {HUGEPAGE_HINT}"


def test_hugepage_size_huge_text_is_shortened() -> None:
    with pytest.raises(QuantityError, match=r"\(1000002 characters\)"):
        hugepage_size_kib("1" * 1_000_000 + "MB")


@pytest.mark.parametrize(
    ("value", "shown"),
    [pytest.param(None, "NoneType None", id="none"), pytest.param(2048, "int 2048", id="int")],
)
def test_hugepage_size_non_string(value: object, shown: str) -> None:
    with pytest.raises(QuantityError) as caught:
        hugepage_size_kib(value)  # type: ignore[arg-type]
    assert str(caught.value) == f"hugepage size must be a string, got {shown}; {HUGEPAGE_HINT}"


def test_errors_share_one_base() -> None:
    assert issubclass(QuantityError, ValueFormatError)
    assert issubclass(QuantityError, ValueError)


@pytest.mark.parametrize(
    ("text", "amount", "canonical"),
    [
        pytest.param("1100Mi", 1100 * 2**20, "1100Mi", id="1100Mi"),
        pytest.param("1024Mi", 2**30, "1Gi", id="1024Mi-is-1Gi"),
        pytest.param("1Gi", 2**30, "1Gi", id="1Gi"),
        pytest.param("1536", 1536, "1536", id="plain-bytes"),
        pytest.param("500m", Fraction(1, 2), "500m", id="500m"),
        pytest.param("0.5", Fraction(1, 2), "500m", id="0.5"),
        pytest.param("1000", 1000, "1k", id="1000-is-1k"),
        pytest.param("1500", 1500, "1500", id="1500"),
        pytest.param("10%", None, None, id="percent-rejected"),
        pytest.param("1e3", 1000, "1e3", id="exponent"),
        pytest.param("1E3", 1000, "1e3", id="exponent-upper"),
        pytest.param("1E", 10**18, "1E", id="exa"),
        pytest.param("+2", 2, "2", id="plus"),
        pytest.param("-100Mi", -100 * 2**20, "-100Mi", id="negative"),
        pytest.param("100Ki", 102400, "100Ki", id="100Ki"),
        pytest.param("512", 512, "512", id="small-binary-prints-decimal"),
        pytest.param("0", 0, "0", id="zero"),
        pytest.param("0Mi", 0, "0", id="zero-binary"),
        pytest.param("1n", Fraction(1, 10**9), "1n", id="nano"),
        pytest.param(".5k", 500, "500", id="leading-dot"),
        pytest.param("1.5Gi", 3 * 2**29, "1536Mi", id="fractional-binary"),
    ],
)
def test_quantity_parse_and_format(
    text: str, amount: int | Fraction | None, canonical: str | None
) -> None:
    if amount is None:
        with pytest.raises(QuantityError):
            Quantity.parse(text)
        return
    quantity = Quantity.parse(text)
    assert quantity.amount == amount
    assert str(quantity) == canonical


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("Mi", id="no-number"),
        pytest.param("1 Mi", id="space"),
        pytest.param("1mi", id="lowercase-binary"),
        pytest.param("1KB", id="bytes-suffix"),
        pytest.param("1e", id="dangling-e"),
        pytest.param("1.2.3", id="two-dots"),
        pytest.param("\u0661", id="arabic-digit"),
        pytest.param("1Mi\n", id="newline"),
    ],
)
def test_quantity_invalid(text: str) -> None:
    with pytest.raises(QuantityError) as caught:
        Quantity.parse(text)
    assert str(caught.value) == f"invalid quantity {text!r}; {QUANTITY_HINT}"


def test_quantity_exponent_bound() -> None:
    with pytest.raises(QuantityError, match=r"exponent 99999 is outside -30\.\.30"):
        Quantity.parse("1e99999")


def test_quantity_non_string() -> None:
    with pytest.raises(QuantityError, match=r"^quantity must be a string, got int 5;"):
        Quantity.parse(5)  # type: ignore[arg-type]


def test_kubelet_reserved_memory_sum() -> None:
    """kubeReserved + systemReserved + evictionHard[memory.available], as the renderer adds."""
    total = Quantity.parse("500Mi") + Quantity.parse("500Mi") + Quantity.parse("100Mi")
    assert str(total) == "1100Mi"
    assert total.value() == 1100 * 2**20
    assert str(Quantity.parse("1Gi") - Quantity.parse("512Mi")) == "512Mi"


def test_quantity_value_rounding_and_comparison() -> None:
    assert Quantity.parse("500m").milli_value() == 500
    assert Quantity.parse("500m").value() == 1
    assert Quantity.parse("2").milli_value() == 2000
    assert Quantity.parse("1Gi") == Quantity.parse("1024Mi")
    assert Quantity.parse("1k") == Quantity.parse("1000")
    assert Quantity.parse("1M") < Quantity.parse("1Mi")
    assert len({Quantity.parse("1Gi"), Quantity.parse("1024Mi")}) == 1
    assert Quantity.parse("1Gi") != "1Gi"
    assert str(Quantity.from_bytes(3 * 2**20)) == "3Mi"
    assert repr(Quantity.parse("1Gi")) == "Quantity('1Gi')"


def test_format_rounds_up_below_nano() -> None:
    assert str(Quantity(Fraction(1, 10**12))) == "1n"


@settings(max_examples=150, deadline=None)
@given(
    number=st.integers(-(10**12), 10**12),
    suffix=st.sampled_from(["", "m", "k", "M", "G", "Ki", "Mi", "Gi", "e3", "e-3"]),
)
def test_property_canonical_form_round_trips(number: int, suffix: str) -> None:
    quantity = Quantity.parse(f"{number}{suffix}")
    again = Quantity.parse(str(quantity))
    assert again == quantity
    assert str(again) == str(quantity)
