"""團號 and 收件號 formats, and the capacity of their sequences (docs/decisions.md, issue 16).

The seed's formats stay: 團號 = ROC year (2) + business code (3) + sequence (4); 收件號 = ROC year (3) +
receiving office (4) + sequence (5). What makes them last:

- 收件號 are counted per receiving unit: the service station that receives the case (the group's 領證地點) has
  its own office code, so 25 stations give 25 x 99,999 a year, and 25 counters instead of one.
- 團號 are counted per (year, business line) by one running number that fills the line's primary code first
  (102: 1 - 9,999) and then the codes of its family (same first and last digit: 112, 122, ... 192), so a line
  has 10 x 9,999 = 99,990 groups a year instead of 9,999.
- At ALERT_SHARE of a counter's capacity the supervisors are told (a log warning and a line on the desk).

The numbers themselves come from `next_sequence` in app/actions/apply.py.
"""

from __future__ import annotations

import math
from datetime import date

OFFICE_CODE = "6965"  # the receiving office's code inside a receipt number, as in the seed (105696500220)


def roc_year(d: date) -> int:
    """The Republic of China year: 2026 is 115."""
    return d.year - 1911


GROUP_SEQ_MAX = 9_999  # four digits
RECEIPT_SEQ_MAX = 99_999  # five digits
ALERT_SHARE = 0.8


class Exhausted(ValueError):
    """Every number of a counter for this year is given."""


def code_family(business_code: str) -> tuple[str, ...]:
    """The primary business code first, then the others with its first and last digit (102: 112 ... 192)."""
    if len(business_code) != 3 or not business_code.isdigit():
        raise ValueError("business code must be 3 digits")
    first, middle, last = business_code
    return (business_code,) + tuple(f"{first}{m}{last}" for m in "0123456789" if m != middle)


def group_capacity(business_code: str) -> int:
    return GROUP_SEQ_MAX * len(code_family(business_code))


def group_no(d: date, business_code: str, seq: int) -> str:
    """9 digits: ROC year (last 2) + business code (3) + sequence (4): 151020001.

    `seq` is the line's running number of the year: 1 - 9,999 use the primary code, the next 9,999 the family's
    second code (10,000 -> 151120001), and so on."""
    family = code_family(business_code)
    if not (1 <= seq <= GROUP_SEQ_MAX * len(family)):
        raise Exhausted("group sequence out of range")
    block, within = divmod(seq - 1, GROUP_SEQ_MAX)
    return f"{roc_year(d) % 100:02d}{family[block]}{within + 1:04d}"


# Receiving offices: the online system's own (the seed's 6965) and one per service station (S01 -> 6901 ...
# S25 -> 6925; the agency's real unit codes replace these when it gives them).
def office_code(station_code: str | None) -> str:
    """The 4-digit receiving office of a group picking up at this service station (S01 .. S99)."""
    if station_code and len(station_code) == 3 and station_code[0] == "S" and station_code[1:].isdigit():
        n = int(station_code[1:])
        if 1 <= n <= 64:  # 6965 stays the online office's
            return f"69{n:02d}"
    return OFFICE_CODE


def receipt_no(d: date, seq: int, office: str = OFFICE_CODE) -> str:
    """12 digits: ROC year (3) + office code (4) + sequence (5): 115696500010."""
    if not (1 <= seq <= RECEIPT_SEQ_MAX):
        raise Exhausted("receipt sequence out of range")
    return f"{roc_year(d):03d}{office}{seq:05d}"


def capacity(kind: str, code: str) -> int:
    """How many numbers a counter (kind group or receipt, its code) gives in a year."""
    return group_capacity(code) if kind == "group" else RECEIPT_SEQ_MAX


def should_alert(kind: str, code: str, value: int) -> bool:
    """Tell the supervisors when a counter reaches ALERT_SHARE of its capacity, and again every 1% after."""
    cap = capacity(kind, code)
    threshold = math.ceil(cap * ALERT_SHARE)
    return value >= threshold and (value - threshold) % max(1, cap // 100) == 0


def usage(kind: str, code: str, value: int) -> float:
    return value / capacity(kind, code)


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
