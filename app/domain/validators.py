"""Identifier validators with their check digits, and the shapes of phones, emails and passports.

Each `is_*` returns a bool; none raises. Input is upper-cased and stripped by `clean_id`.
"""

from __future__ import annotations

import re
from datetime import date

# Letter values of Taiwan's national ID and resident certificate (UI) numbers.
LETTER_VALUES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34,
    "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25,
    "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)

_NATIONAL_ID = re.compile(r"^[A-Z][12]\d{8}$")
_UI_NEW = re.compile(r"^[A-Z][89]\d{8}$")
_UI_OLD = re.compile(r"^[A-Z][A-D]\d{8}$")
_BUSINESS_NO = re.compile(r"^\d{8}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+\-']+@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)+$"
)
_LANDLINE = re.compile(r"^0[2-8]\d?-?\d{6,8}$")
_MOBILE = re.compile(r"^09\d{2}-?\d{3}-?\d{3}$")
_EXT = re.compile(r"^\d{1,6}$")


def clean_id(value: str | None) -> str:
    return (value or "").strip().upper()


def _weighted_ok(digits: list[int]) -> bool:
    return sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 10 == 0


def _letter_digits(letter: str) -> list[int]:
    v = LETTER_VALUES[letter]
    return [v // 10, v % 10]


def is_national_id(value: str | None) -> bool:
    """身分證號: a letter, 1 or 2, eight digits; the last is the check digit (A123456789)."""
    v = clean_id(value)
    if not _NATIONAL_ID.match(v):
        return False
    return _weighted_ok(_letter_digits(v[0]) + [int(c) for c in v[1:]])


def is_ui_no_new(value: str | None) -> bool:
    """統一證號, 2021 format: a letter, 8 or 9, eight digits, the national ID's check digit (A800000014)."""
    v = clean_id(value)
    if not _UI_NEW.match(v):
        return False
    return _weighted_ok(_letter_digits(v[0]) + [int(c) for c in v[1:]])


def is_ui_no_old(value: str | None) -> bool:
    """統一證號, old format: two letters and eight digits; the second letter counts by its last digit (AD30265881)."""
    v = clean_id(value)
    if not _UI_OLD.match(v):
        return False
    second = LETTER_VALUES[v[1]] % 10
    return _weighted_ok(_letter_digits(v[0]) + [second] + [int(c) for c in v[2:]])


def is_ui_no(value: str | None) -> bool:
    return is_ui_no_new(value) or is_ui_no_old(value)


def is_business_no(value: str | None) -> bool:
    """統一編號: eight digits, weights 1,2,1,2,1,2,4,1, digit sums added; divisible by 5 (the 2023 rule).

    When the seventh digit is 7 its product 28 counts as 10, that is 1 or 0: either sum may divide.
    """
    v = (value or "").strip()
    if not _BUSINESS_NO.match(v):
        return False
    weights = (1, 2, 1, 2, 1, 2, 4, 1)
    total = 0
    for d, w in zip((int(c) for c in v), weights, strict=True):
        p = d * w
        total += p // 10 + p % 10
    if total % 5 == 0:
        return True
    return v[6] == "7" and (total + 1) % 5 == 0


def is_passport_no(value: str | None) -> bool:
    """Letters and digits, 5 to 20 characters."""
    return bool(_PASSPORT.match(clean_id(value)))


def is_email(value: str | None) -> bool:
    v = (value or "").strip()
    return len(v) <= 254 and bool(_EMAIL.match(v))


def is_landline(value: str | None) -> bool:
    """市內電話 such as 0287654321 or 02-23456789."""
    return bool(_LANDLINE.match((value or "").strip()))


def is_mobile(value: str | None) -> bool:
    """手機 such as 0912345678."""
    return bool(_MOBILE.match((value or "").strip()))


def is_phone(value: str | None) -> bool:
    return is_landline(value) or is_mobile(value)


def is_extension(value: str | None) -> bool:
    return bool(_EXT.match((value or "").strip()))


# ---------------------------------------------------------------------------------------------
# Identifiers of mainland China, Hong Kong and Macau residents (陸生 and 港澳生, issue 14)

_PRC_RIC = re.compile(r"^\d{17}[\dX]$")
_HKID = re.compile(r"^([A-Z]{1,2})(\d{6})([\dA])$")
_MACAU_ID = re.compile(r"^([157])(\d{6})(\d)$")
_TAIWAN_PERMIT = re.compile(r"^[A-Z]\d{8}$")
_ID_PUNCTUATION = re.compile(r"[\s()/\-]")


def compact_id(value: str | None) -> str:
    """An identifier as stored: upper case, without spaces, brackets, slashes or hyphens.

    `A123456(3)` → `A1234563`, `1/234567/8` → `12345678`, `110101 19900307 7676` → `110101199003077676`.
    """
    return _ID_PUNCTUATION.sub("", clean_id(value))


def is_prc_resident_id(value: str | None, today: date | None = None) -> bool:
    """居民身分證號碼 of the PRC: 6-digit area, birth date YYYYMMDD, 3-digit order, and an ISO 7064
    MOD 11-2 check character (0-9 or X), computed by python-stdnum.

    The birth date must be a real date, not in the future. The area code is only
    checked for its shape: python-stdnum's list of counties would refuse the numbers of districts
    created after its release, and the check character already catches a mistyped digit.
    """
    from stdnum.iso7064 import mod_11_2

    v = compact_id(value)
    if not _PRC_RIC.match(v):
        return False
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    if born > (today or date.today()):
        return False
    return mod_11_2.is_valid(v)


def hkid_check_digit(prefix: str, digits: str) -> str:
    """The HKID check digit: letters count A=10..Z=35, a missing first letter 36; weights 9..2 from the
    left over the eight positions; 11 minus the sum mod 11, where 10 is written A and 11 is 0."""
    chars = prefix.rjust(2) + digits
    values = [36 if c == " " else (ord(c) - 55 if c.isalpha() else int(c)) for c in chars]
    total = sum(val * w for val, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def is_hkid(value: str | None) -> bool:
    """香港身份證號碼: one or two letters, six digits, the check digit (0-9 or A), e.g. A123456(3)."""
    m = _HKID.match(compact_id(value))
    return bool(m) and hkid_check_digit(m.group(1), m.group(2)) == m.group(3)


def is_macau_id(value: str | None) -> bool:
    """澳門居民身份證號碼: 1, 5 or 7, six digits and a check digit, written 1234567(8) or 1/234567/8.

    The Macau Identification Bureau does not publish how the check digit is computed, so only the
    shape is checked (the number is confirmed against the card by the reviewer).
    """
    return bool(_MACAU_ID.match(compact_id(value)))


def is_hk_or_macau_id(value: str | None) -> bool:
    return is_hkid(value) or is_macau_id(value)


def is_taiwan_travel_permit(value: str | None) -> bool:
    """大陸居民往來台灣通行證 number: a letter and eight digits (the card form: L12345678).

    No check digit is published for it; the shape is checked.
    """
    return bool(_TAIWAN_PERMIT.match(compact_id(value)))
