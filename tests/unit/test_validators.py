"""Identifier validators with check digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import validators as v


@pytest.mark.parametrize("value", ["A123456789", "a123456789", " A123456789 ", "B120863158", "F131104002"])
def test_national_id_valid(value):
    assert v.is_national_id(value)


@pytest.mark.parametrize(
    "value", ["A123456788", "A123456780", "A323456789", "A12345678", "1123456789", "", None, "AA23456789"]
)
def test_national_id_invalid(value):
    assert not v.is_national_id(value)


def test_ui_numbers_of_both_formats():
    assert v.is_ui_no("AD30265881") and v.is_ui_no_old("AD30265881")
    assert v.is_ui_no("A800000014") and v.is_ui_no_new("A800000014")
    assert not v.is_ui_no("AD30265882")
    assert not v.is_ui_no("A800000015")
    assert not v.is_ui_no("AE30265881")  # second letter A-D only
    assert not v.is_ui_no_new("A123456789")  # a national ID is not a UI no.


@pytest.mark.parametrize("value", ["03734301", "04595257", "03734317"])
def test_business_no_valid(value):
    assert v.is_business_no(value)


@pytest.mark.parametrize("value", ["03734302", "04595258", "1234567", "abcdefgh", ""])
def test_business_no_invalid(value):
    assert not v.is_business_no(value)


def test_business_no_seventh_digit_seven_accepts_either_sum():
    # 10458570: the 7th digit is 7; its product 28 counts as 1 or 0.
    found = [f"1045857{d}" for d in range(10) if v.is_business_no(f"1045857{d}")]
    assert found, "some check digit must be valid"
    for n in found:
        assert n[6] == "7"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_business_no_changing_one_digit_usually_breaks_it(n):
    s = f"{n:08d}"
    if v.is_business_no(s) and s[6] != "7":
        last = (int(s[7]) + 1) % 10
        changed = s[:7] + str(last)
        # digit sums of the last position step by one: a single change cannot keep a multiple of 5 unless +5
        assert not v.is_business_no(changed)


def test_passport_shape():
    assert v.is_passport_no("MM214587")
    assert v.is_passport_no("p19840501")
    assert not v.is_passport_no("AB12")
    assert not v.is_passport_no("A" * 21)
    assert not v.is_passport_no("AB-12345")


def test_phones_and_email():
    assert v.is_landline("0287654321") and v.is_landline("02-23456789")
    assert v.is_mobile("0912345678") and not v.is_landline("0912345678")
    assert not v.is_phone("12345")
    assert v.is_email("name@example.edu.tw")
    assert not v.is_email("name@") and not v.is_email("no at sign")
