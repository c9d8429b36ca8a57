"""E-mails in the recipient's language (issue 15, item 9): the school's language follows what its user
chooses on screen, stored with the account at login and when switching."""

from __future__ import annotations

import email
import email.policy

from app.actions import review
from app.settings import settings
from tables.tables import Account
from tests.review_factories import actor, make_group, make_reviewers
from tests.support import make_school_with_accounts


def _last_mail():
    mails = sorted(settings.outbox_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime)
    return email.message_from_bytes(mails[-1].read_bytes(), policy=email.policy.default)


async def _language(account_id: int) -> str:
    return (await Account.select(Account.language).where(Account.id == account_id))[0]["language"]


async def test_switching_the_screen_language_switches_the_schools_mails(client, db):
    ids = await make_school_with_accounts()
    users = await make_reviewers()
    assert await _language(ids["main"]) == "zh_Hant_TW"
    r = await client.login("03734301")
    assert r.status_code in (200, 303)
    # Switching on screen is remembered with the account.
    r = await client.get("/lang/en?next=/", follow_redirects=False)
    assert r.status_code == 303
    assert await _language(ids["main"]) == "en"
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    await review.return_for_supplement(
        actor(users["reviewer1"]), g["cases"][0], 1, "Passport copy unreadable"
    )
    msg = _last_mail()
    assert "returned for supplement" in str(msg["Subject"])
    # And back.
    await client.get("/lang/zh_Hant_TW?next=/", follow_redirects=False)
    assert await _language(ids["main"]) == "zh_Hant_TW"
    g2 = await make_group(ids["school"], ids["main"], ["first_review"])
    await review.return_for_supplement(actor(users["reviewer1"]), g2["cases"][0], 1, "護照影本不清")
    assert "退回補正" in str(_last_mail()["Subject"])


async def test_the_login_language_is_stored_and_strangers_store_nothing(client, db):
    ids = await make_school_with_accounts()
    # Not signed in: the cookie only.
    r = await client.get("/lang/en?next=/login", follow_redirects=False)
    assert r.status_code == 303 and await _language(ids["main"]) == "zh_Hant_TW"
    # Signing in on the English login page stores English.
    client.cookies.set("lang", "en")
    await client.login("03734301")
    assert await _language(ids["main"]) == "en"
