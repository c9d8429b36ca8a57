"""Password rules (NIST SP 800-63B style, with the agency's history rule).

At least 12 characters, at most 128; not a common or breached password; not containing the
account id or the school's name; not one of the last three (checked by the action, which holds
the hashes). No composition rules, no forced rotation.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from app.i18n import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128
HISTORY = 3
_DATA = Path(__file__).parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    words = set()
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def _squash(value: str) -> str:
    return "".join(ch for ch in _norm(value).lower() if ch.isalnum())


def password_problems(
    password: str, *, login_id: str = "", school_name: str = "", confirm: str | None = None
):
    """The reasons a new password is refused (empty when it is fine), as translatable messages."""
    problems = []
    pw = _norm(password or "")
    if len(pw) < MIN_LENGTH:
        problems.append(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    elif len(pw) > MAX_LENGTH:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = pw.lower()
    squashed = _squash(pw)
    if _is_common(lowered, squashed) or _is_repetitive(pw) or _is_sequence(squashed):
        problems.append(_l("This password is too common or has appeared in data breaches; choose another."))
    if login_id and _squash(login_id) and _squash(login_id.split("-")[0]) in squashed:
        problems.append(_l("The password must not contain the account id."))
    if school_name and _squash(school_name) and _squash(school_name) in squashed:
        problems.append(_l("The password must not contain the school's name."))
    if confirm is not None and _norm(confirm) != pw:
        problems.append(_l("The two new passwords do not match."))
    return problems


_SEQUENCES = (
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
)


def _is_common(lowered: str, squashed: str) -> bool:
    """In the list as typed, without separators, or a listed word with only digits and signs added."""
    words = common_passwords()
    if lowered in words or squashed in words:
        return True
    base = squashed.rstrip("0123456789")
    return len(base) >= 4 and base in words and len(squashed) - len(base) <= 6


def _is_sequence(squashed: str) -> bool:
    """A run along the keyboard, the alphabet or the digits (forwards or backwards)."""
    if len(squashed) < 6:
        return False
    for seq in _SEQUENCES:
        if squashed in seq or squashed in seq[::-1]:
            return True
    return False


def _is_repetitive(pw: str) -> bool:
    """aaaaaaaaaaaa, 121212121212, abcabcabcabc: one short unit repeated."""
    for size in range(1, 4):
        unit = pw[:size]
        if unit and unit * (len(pw) // size) + unit[: len(pw) % size] == pw:
            return True
    return False
