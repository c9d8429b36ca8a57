"""Amounts in Chinese capitals, ROC dates, month arithmetic and the fee table."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import fees
from app.domain.money import add_months, amount_in_words, capitals, roc_date


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "零"),
        (1000, "壹仟"),
        (30000, "參萬"),
        (123456, "壹拾貳萬參仟肆佰伍拾陸"),
        (1001, "壹仟零壹"),
        (20050, "貳萬零伍拾"),
        (10000001, "壹仟萬零壹"),
        (100010000, "壹億零壹萬"),
    ],
)
def test_capitals(amount, words):
    assert capitals(amount) == words


def test_amount_in_words_as_printed_on_the_receipt():
    assert amount_in_words(1000) == "新臺幣壹仟元整"
    assert amount_in_words(30000) == "新臺幣參萬元整"
    assert amount_in_words(0) == "新臺幣零元整"


def test_negative_amount_refused():
    with pytest.raises(ValueError):
        capitals(-1)


def test_roc_date():
    assert roc_date(date(2026, 11, 24)) == "115年11月24日"
    assert roc_date(date(2017, 4, 10)) == "106年4月10日"


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 11, 24), 6) == date(2027, 5, 24)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_resident_certificate_costs_1000_per_person():
    assert fees.fee_for("foreign", "first").per_person == 1000
    assert fees.amount_for("foreign", "first", 1) == 1000
    assert fees.amount_for("foreign", "renewal", 30) == 30000
    with pytest.raises(fees.NoFee):
        fees.fee_for("mainland_single", "first")


def test_payment_methods_and_the_seed_fee_table():
    assert [m.code for m in fees.METHODS] == ["card", "egov"]
    assert len(fees.HANDLING_FEES) == 5
