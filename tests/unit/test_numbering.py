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
        numbering.group_no(d, "102", 10_000)


@pytest.mark.parametrize("seq", [1, 2, 17, 123_456, 9_999_999])
@pytest.mark.parametrize("gender", ["M", "F"])
def test_issued_ui_numbers_pass_their_own_check(seq, gender):
    n = numbering.ui_no(seq, gender)
    assert len(n) == 10 and is_ui_no_new(n)
    assert n[1] == ("8" if gender == "M" else "9")
