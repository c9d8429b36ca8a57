"""Identifiers of mainland, Hong Kong and Macau residents (issue 14): published examples and the library."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from app.domain import validators as v

TODAY = date(2026, 12, 5)


# GB 11643-1999's own examples, and python-stdnum's documented one.
@pytest.mark.parametrize("value", ["11010519491231002X", "440524188001010014", "360426199101010071"])
def test_prc_resident_id_published_examples(value):
    assert v.is_prc_resident_id(value, TODAY)


def test_prc_resident_id_accepts_lower_case_x_and_spaces():
    assert v.is_prc_resident_id(" 110105 19491231 002x ", TODAY)


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check character (X expected)
        "11010519491231002",  # 17 characters
        "1101051949123100211",  # 19 characters
        "110105194913310028",  # month 13
        "110105194902300029",  # 30 February
        "110105203012310027",  # born in 2030: in the future
        "11010519491231002Y",  # Y is no check character
        "",
        None,
    ],
)
def test_prc_resident_id_refused(value):
    assert not v.is_prc_resident_id(value, TODAY)


@given(
    area=st.integers(110000, 659999),
    born=st.dates(date(1930, 1, 1), date(2020, 12, 31)),
    order=st.integers(0, 999),
    check=st.sampled_from("0123456789X"),
)
def test_prc_resident_id_agrees_with_python_stdnum(area, born, order, check):
    number = f"{area}{born:%Y%m%d}{order:03d}{check}"
    assert v.is_prc_resident_id(number, TODAY) == (ric.calc_check_digit(number) == check)


@pytest.mark.parametrize("value", ["360426199101010071", "11010519491231002X"])
def test_numbers_python_stdnum_validates_are_accepted(value):
    assert ric.is_valid(value)
    assert v.is_prc_resident_id(value, TODAY)


# The check digits of the examples the Hong Kong Immigration Department and its guides use.
@pytest.mark.parametrize("value", ["A123456(3)", "A1234563", "G123456(A)", "AB987654(3)", "ab 987654 3"])
def test_hkid_published_examples(value):
    assert v.is_hkid(value)


@pytest.mark.parametrize(
    "value", ["A123456(4)", "A12345(3)", "ABC123456(3)", "1123456(3)", "A123456(B)", "G123456(0)", ""]
)
def test_hkid_refused(value):
    assert not v.is_hkid(value)


@given(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2), st.integers(0, 999_999), st.data())
def test_hkid_one_changed_digit_is_caught(letters, number, data):
    digits = f"{number:06d}"
    good = letters + digits + v.hkid_check_digit(letters, digits)
    assert v.is_hkid(good)
    i = data.draw(st.integers(0, 5))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != digits[i]]))
    changed = digits[:i] + other + digits[i + 1 :]
    assert not v.is_hkid(letters + changed + good[-1])


@pytest.mark.parametrize("value", ["1234567(8)", "1/234567/8", "5215299(8)", "7123456 1", "12345678"])
def test_macau_id_shape(value):
    assert v.is_macau_id(value)


@pytest.mark.parametrize("value", ["2234567(8)", "123456(8)", "1234567(A)", "123456789", "A123456(3)"])
def test_macau_id_refused(value):
    assert not v.is_macau_id(value)


def test_hk_or_macau_id_accepts_either():
    assert v.is_hk_or_macau_id("A123456(3)")
    assert v.is_hk_or_macau_id("1/234567/8")
    assert not v.is_hk_or_macau_id("A123456(4)")


@pytest.mark.parametrize("value", ["L12345678", "l 1234 5678", "T01234567"])
def test_taiwan_travel_permit_shape(value):
    assert v.is_taiwan_travel_permit(value)


@pytest.mark.parametrize("value", ["L1234567", "L123456789", "123456789", "LL1234567", ""])
def test_taiwan_travel_permit_refused(value):
    assert not v.is_taiwan_travel_permit(value)


def test_compact_id():
    assert v.compact_id(" a123456(3) ") == "A1234563"
    assert v.compact_id("1/234567/8") == "12345678"
