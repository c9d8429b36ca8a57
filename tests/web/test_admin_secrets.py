"""Issue 12, item 2: no back-office user reads a secret (or a secret's hash) through piccolo-admin.

Every secret-bearing table holds a row; then a reviewer and a supervisor walk every table the admin
lists, through the same JSON API its pages use, and no secret value may appear in any answer. The
students' e-mail codes are stored as an HMAC keyed with the server secret, never a plain hash.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from app.settings import settings
from tables.tables import (
    Account,
    CaptchaChallenge,
    EmailCode,
    LoginChallenge,
    PasswordHistory,
    UserSession,
)
from tests.review_factories import make_reviewers
from tests.support import make_school_with_accounts
from tests.web.test_review_admin import _admin_login
from tests.web.test_student_login import _clear_outbox, _outbox_codes, _pending, _start, add_roster

SECRET_TABLES = {"user_session", "captcha_challenge", "email_code", "login_challenge", "password_history"}


async def _secrets() -> set[str]:
    """Every secret value stored now: tokens, hashes, answers."""
    found: set[str] = set()
    for table, columns in (
        (EmailCode, (EmailCode.token, EmailCode.code_hash)),
        (LoginChallenge, (LoginChallenge.token,)),
        (CaptchaChallenge, (CaptchaChallenge.token, CaptchaChallenge.answer)),
        (UserSession, (UserSession.token_hash,)),
        (PasswordHistory, (PasswordHistory.password_hash,)),
        (Account, (Account.password_hash,)),
    ):
        for row in await table.select(*columns):
            found |= {str(v) for v in row.values() if v and len(str(v)) >= 5}
    return found


@pytest.mark.parametrize("who", ["reviewer1", "supervisor"])
async def test_no_admin_table_shows_a_secret(client, who):
    ids = await make_school_with_accounts()
    await add_roster(ids["school"])
    await make_reviewers()
    _clear_outbox()
    # A student waiting for a code (email_code), a school signed in (user_session), captchas, a
    # certificate-login challenge and a password history row.
    r = await _start(client)
    pending = _pending(r.text)
    await client.post_form(
        "/foreign-student/individual/email", {"pending": pending, "email": "one@example.org"}
    )
    ((_to, code),) = _outbox_codes()
    await client.login("03734301")
    now = datetime.now(UTC)
    await LoginChallenge(token="c" * 64, created_at=now, expires_at=now + timedelta(minutes=2)).save()
    await PasswordHistory(
        account=ids["main"], password_hash="$argon2id$secret-history", created_at=now
    ).save()
    secrets = await _secrets()
    assert len(secrets) >= 7

    # The code's hash is keyed with the server secret: the plain sha256 of token and code is not it.
    row = await EmailCode.select().where(EmailCode.token == pending).first()
    assert row["code_hash"] != hashlib.sha256(f"{pending}:{code}".encode()).hexdigest()
    keyed = hmac.new(
        settings.secret_key.encode(), f"email-code\x00{pending}\x00{code}".encode(), hashlib.sha256
    )
    assert row["code_hash"] == keyed.hexdigest()

    await _admin_login(client, who)
    listed = (await client.get("/admin/api/tables/")).json()
    assert listed and not SECRET_TABLES & set(listed), listed
    answers: list[str] = []
    for name in listed:
        r = await client.get(f"/admin/api/tables/{name}/?__page_size=100&__readable=true")
        if who != "supervisor" and name == "admin_audit":  # the audit log is the supervisor's alone
            assert r.status_code == 403, (name, r.text)
            continue
        assert r.status_code == 200, (name, r.text)
        answers.append(r.text)
        for item in r.json().get("rows", []):
            one = await client.get(f"/admin/api/tables/{name}/{item['id']}/?__readable=true")
            answers.append(one.text)
        answers.append((await client.get(f"/admin/api/tables/{name}/schema/")).text)
    for name in SECRET_TABLES:
        assert (await client.get(f"/admin/api/tables/{name}/")).status_code == 404, name
    everything = "\n".join(answers)
    leaked = [s for s in secrets if s in everything]
    assert not leaked, leaked
