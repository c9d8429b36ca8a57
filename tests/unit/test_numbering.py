"""團號, 收件號 and 統一證號 formats."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import numbering
from app.domain.validators import is_ui_no_new


def test_group_and_receipt_numbers():
    d = date(2026, 11, 24)
    assert numbering.roc_year(d) == 115
    assert numbering.group_no(d, "102", 1) == "151020001"
    assert numbering.receipt_no(d, 11) == "115696500011"
    with pytest.raises(ValueError):
        numbering.group_no(d, "102", 99_991)


def test_group_numbers_continue_in_the_code_family_and_keep_nine_digits():
    d = date(2026, 11, 24)
    assert numbering.code_family("102") == (
        "102",
        "112",
        "122",
        "132",
        "142",
        "152",
        "162",
        "172",
        "182",
        "192",
    )
    assert numbering.group_no(d, "102", 9_999) == "151029999"
    assert numbering.group_no(d, "102", 10_000) == "151120001"  # the family's next code, from 1 again
    assert numbering.group_no(d, "102", 99_990) == "151929999"
    # Lines' families never overlap (a group number tells its line): 102, 116 and 108 differ in the last digit.
    families = [set(numbering.code_family(c)) for c in ("102", "116", "108")]
    assert not (families[0] & families[1] or families[0] & families[2] or families[1] & families[2])
    with pytest.raises(numbering.Exhausted):
        numbering.group_no(d, "102", 99_991)


def test_receipts_are_counted_per_receiving_office():
    d = date(2026, 11, 24)
    assert numbering.office_code("S01") == "6901" and numbering.office_code("S25") == "6925"
    assert numbering.office_code("") == numbering.OFFICE_CODE == "6965"
    assert numbering.receipt_no(d, 99_999, numbering.office_code("S07")) == "115690799999"
    with pytest.raises(numbering.Exhausted):
        numbering.receipt_no(d, 100_000)


def test_the_alert_starts_at_80_percent_and_repeats_every_percent():
    cap = numbering.RECEIPT_SEQ_MAX
    fired = [v for v in range(1, cap + 1) if numbering.should_alert("receipt", "6901", v)]
    assert fired[0] == 80_000 and fired[1] == 80_999 and len(fired) == 21
    assert not numbering.should_alert("group", "102", 79_991)
    assert numbering.should_alert("group", "102", 79_992)  # 80% of 99,990


@pytest.mark.parametrize("seq", [1, 2, 17, 123_456, 9_999_999])
@pytest.mark.parametrize("gender", ["M", "F"])
def test_issued_ui_numbers_pass_their_own_check(seq, gender):
    n = numbering.ui_no(seq, gender)
    assert len(n) == 10 and is_ui_no_new(n)
    assert n[1] == ("8" if gender == "M" else "9")
