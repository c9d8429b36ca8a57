"""Password rules: length, common passwords, context words, confirmation."""

from __future__ import annotations

from app.domain import passwords
from app.domain.passwords import password_problems


def msgs(*args, **kw):
    return [str(p) for p in password_problems(*args, **kw)]


def test_a_long_unusual_phrase_passes():
    assert msgs("river lantern 2026 quiet", login_id="03734301", school_name="國立臺灣大學") == []


def test_too_short_and_too_long():
    assert any("12" in m for m in msgs("short-pass1"))
    assert any("128" in m for m in msgs("x" * 60 + "y" * 69))
    assert msgs("z" * 5 + "q" * 4 + "w" * 3 + "e" * 116) == []  # 128 is fine


def test_common_list_is_large_and_refused():
    assert len(passwords.common_passwords()) >= 10_000
    assert msgs("password1234")
    assert msgs("qwertyuiopas")
    assert msgs("aaaaaaaaaaaaaaaa")  # repetition
    assert msgs("abcabcabcabcabc")
    assert msgs("dragon2026!!!!")  # a listed word with digits and signs added
    assert msgs("Password-123456")


def test_account_id_and_school_name_refused():
    assert msgs("my-03734301-pass-x", login_id="03734301-02")
    assert msgs("國立臺灣大學 is my school", school_name="國立臺灣大學")


def test_confirmation_must_match():
    assert msgs("river lantern 2026 quiet", confirm="river lantern 2026 quiet!")
