"""Reviewers' second factor (TOTP): enrolment, the login that asks for the code, and the supervisors' switch."""

from __future__ import annotations

import html
import re
import time

import pyotp
import pytest
from piccolo_api.mfa.authenticator.tables import AuthenticatorSecret
from piccolo_api.session_auth.tables import SessionsBase

from app.services import mfa
from tables.tables import AuthEvent, ReviewerProfile
from tests.review_factories import REVIEWER_PASSWORD, admin_login, admin_signed_in, make_reviewers


def _field(page: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert m, f"no {name} on the page"
    return html.unescape(m.group(1))


def _key(page: str) -> str:
    m = re.search(r'class="mfa-key">([A-Z2-7 ]+)<', page)
    assert m, "no key on the page"
    return m.group(1).replace(" ", "")


async def enrol(client, username: str = "reviewer1") -> tuple[str, list[str]]:
    """Through the pages: password, scan (the key read off the page), code. Returns (secret, recovery codes)."""
    page = await client.post_form("/review/mfa/start", {"password": REVIEWER_PASSWORD})
    assert page.status_code == 200, page.text
    secret = _key(page.text)
    done = await client.post_form(
        "/review/mfa/confirm", {"pending": _field(page.text, "pending"), "code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([^<]+)</code></li>", done.text)
    return secret, codes


async def stored_secret(user_id: int) -> str:
    row = (
        await AuthenticatorSecret.objects()
        .where((AuthenticatorSecret.user_id == user_id) & AuthenticatorSecret.revoked_at.is_null())
        .first()
    )
    assert row is not None
    return mfa.stored_secret(row)


def next_code(secret: str) -> str:
    """The code of the next 30-second step (accepted; not the one just used at enrolment)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def wrong_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    valid = {totp.at(time.time() + d) for d in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


async def test_enrolment_stores_an_encrypted_secret_and_ends_the_sessions(client):
    ids = await make_reviewers()
    await admin_signed_in(client, "reviewer1")
    page = await client.get("/review/mfa")
    assert page.status_code == 200 and 'action="/review/mfa/start"' in page.text

    wrong = await client.post_form("/review/mfa/start", {"password": "not-the-password"})
    assert wrong.status_code == 400 and "mfa-key" not in wrong.text

    scan = await client.post_form("/review/mfa/start", {"password": REVIEWER_PASSWORD})
    assert scan.status_code == 200 and 'src="data:image/png;base64,' in scan.text
    secret = _key(scan.text)
    # Nothing is stored until a code proves the app has the secret.
    assert await AuthenticatorSecret.count() == 0
    bad = await client.post_form(
        "/review/mfa/confirm", {"pending": _field(scan.text, "pending"), "code": wrong_code(secret)}
    )
    assert bad.status_code == 400 and "mfa-key" in bad.text
    assert await AuthenticatorSecret.count() == 0
    # A token forged or from another user is refused.
    forged = await client.post_form(
        "/review/mfa/confirm",
        {"pending": "x" + _field(scan.text, "pending"), "code": pyotp.TOTP(secret).now()},
    )
    assert forged.status_code == 409 and await AuthenticatorSecret.count() == 0

    done = await client.post_form(
        "/review/mfa/confirm", {"pending": _field(scan.text, "pending"), "code": pyotp.TOTP(secret).now()}
    )
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([^<]+)</code></li>", done.text)
    assert len(codes) == mfa.RECOVERY_CODES

    row = await AuthenticatorSecret.objects().where(AuthenticatorSecret.user_id == ids["reviewer1"]).first()
    assert row.secret.startswith("fernet-") and secret not in row.secret  # encrypted at rest
    assert await stored_secret(ids["reviewer1"]) == secret
    assert all(c not in str(row.recovery_codes) for c in codes)  # only hashes kept
    # Every back-office session of the reviewer ended: the next one starts with the code.
    assert await SessionsBase.count().where(SessionsBase.user_id == ids["reviewer1"]) == 0
    r = await client.get("/review/queue/first", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/"
    assert await AuthEvent.exists().where(
        (AuthEvent.event == "mfa_enrolled") & (AuthEvent.login_id == "reviewer1")
    )


async def test_login_asks_for_the_code_refuses_a_wrong_one_and_accepts_the_right_one(client):
    ids = await make_reviewers()
    await admin_signed_in(client, "reviewer1")
    await enrol(client)
    client.cookies.clear()
    secret = await stored_secret(ids["reviewer1"])

    r = await admin_login(client, "reviewer1")
    assert r.status_code == 401 and r.json()["detail"] == "MFA code required"
    assert not client.cookies.get("id")
    r = await admin_login(client, "reviewer1", wrong_code(secret))
    assert r.status_code == 401 and r.json()["detail"] == "MFA failed"
    assert not client.cookies.get("id")

    code = next_code(secret)
    r = await admin_login(client, "reviewer1", code)
    assert r.status_code == 200, r.text
    assert (await client.get("/review/queue/first")).status_code == 200
    assert (await client.get("/admin/api/user/")).json()["username"] == "reviewer1"

    client.cookies.clear()
    r = await admin_login(client, "reviewer1", code)  # the same code again: a replay
    assert r.status_code == 401


async def test_a_recovery_code_signs_in_once(client):
    await make_reviewers()
    await admin_signed_in(client, "reviewer1")
    _secret, codes = await enrol(client)
    client.cookies.clear()
    assert (await admin_login(client, "reviewer1", codes[0])).status_code == 200
    client.cookies.clear()
    assert (await admin_login(client, "reviewer1", codes[0])).status_code == 401


async def test_supervisor_switches_it_on_and_the_reviewer_is_kept_out_until_enrolled(client):
    ids = await make_reviewers()
    profile = (
        await ReviewerProfile.select(ReviewerProfile.id).where(ReviewerProfile.user == ids["reviewer1"])
    )[0]
    # reviewer1 has a session from before the switch.
    await admin_signed_in(client, "reviewer1")
    assert (await client.get("/review/queue/first")).status_code == 200
    reviewer_cookies = dict(client.cookies)

    # A reviewer cannot switch it for anyone (themself included); the supervisor can.
    token = client.cookies.get("csrftoken")
    r = await client.patch(
        f"/admin/api/tables/reviewer_profile/{profile['id']}/",
        json={"mfa_required": True},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 403
    client.cookies.clear()
    token = await admin_signed_in(client, "supervisor")
    r = await client.patch(
        f"/admin/api/tables/reviewer_profile/{profile['id']}/",
        json={"mfa_required": True},
        headers={"X-CSRFToken": token},
    )
    assert r.status_code == 200, r.text
    assert (
        await ReviewerProfile.select(ReviewerProfile.mfa_required).where(ReviewerProfile.id == profile["id"])
    )[0]["mfa_required"] is True
    # The supervisor is not affected.
    assert (await client.get("/admin/api/tables/case/")).status_code == 200

    # reviewer1's old session: the desk and the admin send them to enrolment; only that page is open.
    client.cookies.clear()
    for k, v in reviewer_cookies.items():
        client.cookies.set(k, v)
    r = await client.get("/review/queue/first", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review/mfa"
    r = await client.get("/review/case/1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review/mfa"
    r = await client.get("/admin/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review/mfa"
    r = await client.get("/admin/api/tables/case/")
    assert r.status_code == 403 and "/review/mfa" in r.json()["detail"]
    r = await client.get("/admin/api/forms/")
    assert r.status_code == 403
    r = await client.post(
        "/admin/api/forms/初審通過-pass-first-review/",
        json={"receipt_no": "1", "comment": ""},
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert r.status_code == 403
    assert (await client.get("/admin/api/user/")).status_code == 200
    r = await client.get("/admin/api/mfa-setup/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review/mfa"
    page = await client.get("/review/mfa")
    assert page.status_code == 200 and "/review/mfa/start" in page.text

    # A fresh password-only sign-in is kept out the same way.
    client.cookies.clear()
    await admin_signed_in(client, "reviewer1")
    assert (await client.get("/review/queue/first", follow_redirects=False)).headers.get(
        "location"
    ) == "/review/mfa"

    # Enrolled and signed in again with the code: the desk and the admin open.
    secret, _codes = await enrol(client)
    client.cookies.clear()
    assert (await admin_login(client, "reviewer1")).status_code == 401
    await admin_signed_in(client, "reviewer1", next_code(secret))
    assert (await client.get("/review/queue/first")).status_code == 200
    assert (await client.get("/admin/api/tables/case/")).status_code == 200
    # Required: it cannot be turned off by the reviewer.
    r = await client.post_form("/review/mfa/disable", {"password": REVIEWER_PASSWORD})
    assert r.status_code == 409
    assert await mfa.is_enrolled(ids["reviewer1"])


async def test_turning_it_off_when_not_required_needs_the_password(client):
    ids = await make_reviewers()
    await admin_signed_in(client, "reviewer2")
    secret, _codes = await enrol(client, "reviewer2")
    client.cookies.clear()
    await admin_signed_in(client, "reviewer2", next_code(secret))
    page = await client.get("/review/mfa")
    assert "/review/mfa/disable" in page.text
    r = await client.post_form("/review/mfa/disable", {"password": "wrong-password-here"})
    assert r.status_code == 400 and await mfa.is_enrolled(ids["reviewer2"])
    r = await client.post_form("/review/mfa/disable", {"password": REVIEWER_PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    assert not await mfa.is_enrolled(ids["reviewer2"])
    client.cookies.clear()
    assert (await admin_login(client, "reviewer2")).status_code == 200  # password only again


async def test_mfa_pages_need_a_back_office_session(client):
    await make_reviewers()
    r = await client.get("/review/mfa", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/"
    r = await client.post_form("/review/mfa/start", {"password": REVIEWER_PASSWORD}, follow_redirects=False)
    assert r.status_code == 303 and await AuthenticatorSecret.count() == 0


def test_production_refuses_a_missing_or_malformed_key(monkeypatch):
    from app.settings import _mfa_key

    monkeypatch.delenv("MFA_ENCRYPTION_KEY", raising=False)
    with pytest.raises(RuntimeError, match="MFA_ENCRYPTION_KEY"):
        _mfa_key("production", "s" * 48)
    assert len(_mfa_key("dev", "s" * 48)) == 44  # derived in dev/test
    monkeypatch.setenv("MFA_ENCRYPTION_KEY", "too-short")
    with pytest.raises(RuntimeError, match="Fernet"):
        _mfa_key("production", "s" * 48)
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("MFA_ENCRYPTION_KEY", key)
    assert _mfa_key("production", "s" * 48) == key
