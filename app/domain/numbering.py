"""團號 and 收件號 formats. The sequences themselves come from a locked counter row (actions)."""

from __future__ import annotations

from datetime import date

OFFICE_CODE = "6965"  # the receiving office's code inside a receipt number, as in the seed (105696500220)


def roc_year(d: date) -> int:
    """The Republic of China year: 2026 is 115."""
    return d.year - 1911


def group_no(d: date, business_code: str, seq: int) -> str:
    """9 digits: ROC year (last 2) + business code (3) + sequence (4): 151020001."""
    if not (1 <= seq <= 9999):
        raise ValueError("group sequence out of range")
    if len(business_code) != 3 or not business_code.isdigit():
        raise ValueError("business code must be 3 digits")
    return f"{roc_year(d) % 100:02d}{business_code}{seq:04d}"


def receipt_no(d: date, seq: int, office: str = OFFICE_CODE) -> str:
    """12 digits: ROC year (3) + office code (4) + sequence (5): 115696500010."""
    if not (1 <= seq <= 99999):
        raise ValueError("receipt sequence out of range")
    return f"{roc_year(d):03d}{office}{seq:05d}"


UI_NO_LETTER = "A"  # the letter of the issuing office in a new-format resident certificate number


def ui_no(seq: int, gender: str, letter: str = UI_NO_LETTER) -> str:
    """A new-format 統一證號 (2021): letter, 8 (male) or 9 (female), seven digits, a check digit."""
    from app.domain.validators import LETTER_VALUES

    if not (1 <= seq <= 9_999_999):
        raise ValueError("UI number sequence out of range")
    body = f"{letter}{'8' if gender == 'M' else '9'}{seq:07d}"
    value = LETTER_VALUES[letter]
    digits = [value // 10, value % 10] + [int(c) for c in body[1:]]
    total = sum(d * w for d, w in zip(digits, (1, 9, 8, 7, 6, 5, 4, 3, 2, 1), strict=True))
    return body + str((10 - total % 10) % 10)
