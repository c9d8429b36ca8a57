"""The case page's warnings: six months of passport validity, document numbers compared without spaces or case."""

from __future__ import annotations

from datetime import date

from app.domain.case_warnings import IN_PROGRESS, add_months, normalise_document_no, passport_expires_soon


def test_passport_expiring_within_six_months():
    today = date(2026, 12, 5)
    assert passport_expires_soon(date(2027, 6, 4), today)
    assert not passport_expires_soon(date(2027, 6, 5), today)
    assert passport_expires_soon(date(2026, 1, 1), today)  # already expired
    assert not passport_expires_soon(None, today)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_document_numbers_and_open_statuses():
    assert normalise_document_no(" x12 345 ") == "X12345"
    assert "first_review" in IN_PROGRESS and "card_ready" in IN_PROGRESS
    assert "rejected" not in IN_PROGRESS and "draft" not in IN_PROGRESS and "issued" not in IN_PROGRESS
