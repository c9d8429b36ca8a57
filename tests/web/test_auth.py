"""Login, captcha, lock-out, sessions and CSRF through the test client on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.services.sessions import token_hash
from app.web.middleware import SESSION_COOKIE
from tables.tables import Account, AuthEvent, CaptchaChallenge, UserSession
from tests.support import PASSWORD, captcha_token, make_school_with_accounts


async def test_login_success_lands_on_priority_matters(client):
    await make_school_with_accounts()
    r = await client.login("03734301")
    assert r.status_code == 200  # followed the 303 to /
    assert "優先處理事項" in r.text
    assert "測試大學" in r.text and "登出倒數" in r.text
    events = await AuthEvent.select().where(AuthEvent.result == "ok")
    assert len(events) == 1 and events[0]["login_id"] == "03734301"


async def test_session_id_is_new_at_login_and_only_its_hash_is_stored(client):
    await make_school_with_accounts()
    before = client.cookies.get(SESSION_COOKIE)
    assert before is None
    await client.login("03734301")
    token = client.cookies.get(SESSION_COOKIE)
    assert token and len(token) >= 40
    rows = await UserSession.select()
    assert len(rows) == 1
    assert rows[0]["token_hash"] == token_hash(token) != token


async def test_wrong_captcha_refused_with_new_code(client):
    await make_school_with_accounts()
    r = await client.login("03734301", captcha="WRONG")
    assert r.status_code == 400
    assert "驗證碼錯誤" in r.text
    assert client.cookies.get(SESSION_COOKIE) is None
    # A fresh challenge is on the page.
    assert captcha_token(r.text)


async def test_captcha_is_single_use(client):
    await make_school_with_accounts()
    page = await client.get("/login")
    token = captcha_token(page.text)
    first = await client.post_form(
        "/login",
        {"login_id": "03734301", "password": "wrong-password-1", "captcha": "TEST1", "captcha_token": token},
    )
    assert "帳號或密碼錯誤" in first.text
    again = await client.post_form(
        "/login", {"login_id": "03734301", "password": PASSWORD, "captcha": "TEST1", "captcha_token": token}
    )
    assert again.status_code == 400 and "驗證碼錯誤" in again.text
    assert client.cookies.get(SESSION_COOKIE) is None


async def test_expired_captcha_refused(client):
    await make_school_with_accounts()
    page = await client.get("/login")
    token = captcha_token(page.text)
    await CaptchaChallenge.update(
        {CaptchaChallenge.expires_at: datetime.now(UTC) - timedelta(seconds=1)}
    ).where(CaptchaChallenge.token == token)
    r = await client.post_form(
        "/login", {"login_id": "03734301", "password": PASSWORD, "captcha": "TEST1", "captcha_token": token}
    )
    assert "驗證碼錯誤" in r.text


async def test_captcha_image_is_a_png_served_once(client):
    page = await client.get("/login")
    token = captcha_token(page.text)
    img = await client.get(f"/captcha/{token}/image.png")
    assert img.status_code == 200 and img.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert (await client.get(f"/captcha/{token}/image.png")).status_code == 404


async def test_new_captcha_fragment_for_htmx(client):
    r = await client.get("/captcha/new", headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert 'id="captcha"' in r.text and "<html" not in r.text


async def test_unknown_account_and_wrong_password_give_one_message(client):
    await make_school_with_accounts()
    unknown = await client.login("99999999")
    wrong = await client.login("03734301", password="not-the-password-x")
    assert "帳號或密碼錯誤" in unknown.text and "帳號或密碼錯誤" in wrong.text
    assert unknown.status_code == wrong.status_code == 400


async def test_five_failures_lock_the_account_and_say_until_when(client):
    await make_school_with_accounts()
    for _ in range(4):
        r = await client.login("03734301", password="wrong-password-x")
        assert "帳號或密碼錯誤" in r.text
    r = await client.login("03734301", password="wrong-password-x")
    assert "鎖定" in r.text
    row = (await Account.select().where(Account.login_id == "03734301"))[0]
    assert row["locked_until"] is not None
    # The right password does not open it while locked.
    r = await client.login("03734301")
    assert "鎖定" in r.text and client.cookies.get(SESSION_COOKIE) is None
    # After the lock runs out, it does.
    await Account.update({Account.locked_until: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Account.login_id == "03734301"
    )
    r = await client.login("03734301")
    assert "優先處理事項" in r.text


async def test_disabled_account_cannot_log_in(client):
    ids = await make_school_with_accounts()
    await Account.update({Account.enabled: False}).where(Account.id == ids["sub2"])
    r = await client.login("03734301-02")
    assert "停用" in r.text
    assert client.cookies.get(SESSION_COOKIE) is None


async def test_missing_csrf_token_is_refused(client):
    await make_school_with_accounts()
    page = await client.get("/login")
    token = captcha_token(page.text)
    r = await client.post(
        "/login",
        data={"login_id": "03734301", "password": PASSWORD, "captcha": "TEST1", "captcha_token": token},
    )
    assert r.status_code == 403
    assert client.cookies.get(SESSION_COOKIE) is None


async def test_idle_session_expires_and_says_why(client):
    await make_school_with_accounts()
    await client.login("03734301")
    await UserSession.update({UserSession.last_seen_at: datetime.now(UTC) - timedelta(minutes=31)}).where(
        UserSession.id > 0
    )
    r = await client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?reason=expired"
    page = await client.get("/login?reason=expired")
    assert "30 分鐘" in page.text
    assert await UserSession.count() == 0


async def test_absolute_lifetime_ends_a_busy_session(client):
    await make_school_with_accounts()
    await client.login("03734301")
    await UserSession.update(
        {UserSession.absolute_expires_at: datetime.now(UTC) - timedelta(seconds=1)}
    ).where(UserSession.id > 0)
    r = await client.get("/", follow_redirects=False)
    assert r.status_code == 303


async def test_logout_ends_the_session_on_the_server(client):
    await make_school_with_accounts()
    await client.login("03734301")
    token = client.cookies.get(SESSION_COOKIE)
    r = await client.post_form("/logout")
    assert "已登出" in r.text
    assert await UserSession.count() == 0
    # Replaying the old cookie gets nowhere.
    client.cookies.set(SESSION_COOKIE, token)
    r = await client.get("/", follow_redirects=False)
    assert r.status_code == 303


async def test_extend_renews_the_session(client):
    await make_school_with_accounts()
    await client.login("03734301")
    old = datetime.now(UTC) - timedelta(minutes=20)
    await UserSession.update({UserSession.last_seen_at: old}).where(UserSession.id > 0)
    r = await client.post("/session/extend", headers={"HX-Request": "true", "x-arc-csrf": client.csrf()})
    assert r.status_code == 200 and 'id="countdown"' in r.text
    row = (await UserSession.select())[0]
    assert row["last_seen_at"] > old + timedelta(minutes=19)
    assert int(r.headers["x-session-remaining"]) > 29 * 60


async def test_htmx_request_after_expiry_redirects_via_header(client):
    await make_school_with_accounts()
    await client.login("03734301")
    await UserSession.update({UserSession.last_seen_at: datetime.now(UTC) - timedelta(minutes=31)}).where(
        UserSession.id > 0
    )
    r = await client.get("/", headers={"HX-Request": "true"})
    assert r.headers.get("hx-redirect") == "/login?reason=expired"


async def test_rate_limit_per_address(client, monkeypatch):
    from app.settings import settings

    await make_school_with_accounts()
    object.__setattr__(settings, "login_ip_max_failures", 3)
    try:
        for _ in range(3):
            await client.login("nobody-here")
        r = await client.login("03734301")
        assert r.status_code == 429
        assert client.cookies.get(SESSION_COOKIE) is None
    finally:
        object.__setattr__(settings, "login_ip_max_failures", 30)


async def test_session_survives_a_restart_and_serves_another_worker(client):
    from tests.support import make_client

    await make_school_with_accounts()
    await client.login("03734301")
    token = client.cookies.get(SESSION_COOKIE)
    # A second app instance (a restarted or another worker) knows the session from the database.
    async with make_client() as other:
        other.cookies.set(SESSION_COOKIE, token)
        r = await other.get("/", follow_redirects=False)
        assert r.status_code == 200 and "優先處理事項" in r.text
