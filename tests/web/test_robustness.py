"""One connection per request, error pages for 413/500, nothing half-written on a crash."""

from __future__ import annotations

import pytest

from app import db as appdb
from tables.tables import Account
from tests.support import make_school_with_accounts


@pytest.mark.skipif(not appdb.is_sqlite(), reason="counts SQLite connections; PostgreSQL uses a pool")
async def test_a_page_uses_one_database_connection(client, monkeypatch):
    await make_school_with_accounts()
    await client.login("03734301")
    engine_class = type(appdb.engine())
    calls = {"n": 0}
    original = engine_class.get_connection

    async def counting(self):
        calls["n"] += 1
        return await original(self)

    monkeypatch.setattr(engine_class, "get_connection", counting)
    r = await client.get("/account/sub-accounts")
    assert r.status_code == 200 and "03734301-02" in r.text
    assert calls["n"] == 1


async def test_too_large_body_gets_the_413_page(client):
    r = await client.post(
        "/login",
        content=b"x" * (11 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert "上傳檔案過大" in r.text and "Traceback" not in r.text


async def test_unexpected_error_gets_the_500_page_and_rolls_back(client, monkeypatch):
    ids = await make_school_with_accounts()
    await client.login("03734301")
    from app.actions import accounts as account_actions

    original = account_actions.sessions.delete_for_account

    async def boom(account_id):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(account_actions.sessions, "delete_for_account", boom)
    r = await client.post_form(f"/account/sub-accounts/{ids['sub1']}/disable")
    assert r.status_code == 500
    assert "系統發生錯誤" in r.text and "disk on fire" not in r.text and "Traceback" not in r.text
    monkeypatch.setattr(account_actions.sessions, "delete_for_account", original)
    # The account was not half-disabled: the whole request was rolled back.
    row = (await Account.select(Account.enabled).where(Account.id == ids["sub1"]))[0]
    assert row["enabled"] is True


async def test_a_lost_database_connection_gets_the_bilingual_503_page(client, monkeypatch):
    """Issue 12, item 3: a connection error is not the user's fault nor a bug: 503, the layout's page, retry."""
    import asyncpg

    from app.actions import auth as auth_actions

    async def lost():
        raise asyncpg.exceptions.ConnectionDoesNotExistError(
            "connection was closed in the middle of operation"
        )

    monkeypatch.setattr(auth_actions, "create_captcha", lost)
    r = await client.get("/login")
    assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
    assert "請稍後再試" in r.text and r.headers["retry-after"] == "5" and "Traceback" not in r.text
    r = await client.get("/login", headers={"accept-language": "en"})
    assert r.status_code == 503 and "Please try again in a moment." in r.text
