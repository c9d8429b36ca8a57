"""No per-process state (issue 16): two app instances on one database behave as one service.

A captcha drawn by one server is answered on the other, a session opened on one is valid on the other, and
piccolo-admin's sign-in limit counts failures in the database, per client address as the trusted proxy
forwarded it, so neither a second server nor a forged X-Forwarded-For escapes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import timedelta

import pytest

from app.main import create_app
from app.services.sessions import now
from app.settings import settings
from app.web import middleware
from tables.tables import AuthEvent, CaptchaChallenge
from tests.support import PASSWORD, Client, captcha_token, make_school_with_accounts


@contextlib.asynccontextmanager
async def two_nodes():
    async with (
        Client(app=create_app(), base_url="http://testserver.local") as a,
        Client(app=create_app(), base_url="http://testserver.local") as b,
    ):
        yield a, b


async def test_captcha_drawn_on_one_node_is_answered_on_the_other(db):
    await make_school_with_accounts()
    async with two_nodes() as (a, b):
        page = await a.get("/login")
        token = captcha_token(page.text)
        assert (await a.get(f"/captcha/{token}/image.png")).status_code == 200
        answer = (
            await CaptchaChallenge.select(CaptchaChallenge.answer).where(CaptchaChallenge.token == token)
        )[0]["answer"]
        await b.get("/login")  # b's own CSRF cookie
        r = await b.post_form(
            "/login",
            {"login_id": "03734301", "password": PASSWORD, "captcha": answer, "captcha_token": token},
            follow_redirects=False,
        )
        assert r.status_code in (302, 303), r.text
        # The session opened by node b is good on node a.
        for name, value in b.cookies.items():
            a.cookies.set(name, value)
        home = await a.get("/", follow_redirects=False)
        assert home.status_code == 200 and 'data-signed-in="1"' in home.text and "測試大學" in home.text


@pytest.fixture
def behind_proxy(monkeypatch):
    monkeypatch.setattr(middleware, "settings", dataclasses.replace(settings, trusted_proxies=("127.0.0.1",)))
    middleware._trusted_networks.cache_clear()
    # The test client's peer is named "testclient": here it stands for the proxy at 127.0.0.1.
    trusted = middleware._is_trusted
    monkeypatch.setattr(middleware, "_is_trusted", lambda a: a == "testclient" or trusted(a))
    yield
    middleware._trusted_networks.cache_clear()


async def _admin_login(client: Client, forwarded: str):
    await client.get("/admin/")
    return await client.post(
        "/admin/public/login/",
        json={"username": "nobody", "password": "wrong-password"},
        headers={"X-CSRFToken": client.cookies.get("csrftoken") or "", "X-Forwarded-For": forwarded},
    )


async def test_admin_login_limit_is_shared_by_nodes_and_per_forwarded_address(db, behind_proxy):
    t = now()
    await AuthEvent.insert(
        *[
            AuthEvent(
                created_at=t - timedelta(minutes=1), event="admin_login", ip="198.51.100.7", result="invalid"
            )
            for _ in range(settings.login_ip_max_failures - 1)
        ]
    )
    async with two_nodes() as (a, b):
        # The 30th failure (on node a), then the address is refused on node b too.
        assert (await _admin_login(a, "198.51.100.7")).status_code == 401
        assert (await _admin_login(b, "198.51.100.7")).status_code == 429
        # A client writing another address in front of the proxy's entry is still the same client.
        assert (await _admin_login(b, "203.0.113.1, 198.51.100.7")).status_code == 429
        # Someone else behind the same proxy is not lumped into that bucket.
        assert (await _admin_login(a, "198.51.100.8")).status_code == 401
    rows = await AuthEvent.select(AuthEvent.ip, AuthEvent.result).where(AuthEvent.event == "admin_login")
    assert {(r["ip"], r["result"]) for r in rows} >= {
        ("198.51.100.7", "rate_limited"),
        ("198.51.100.8", "invalid"),
    }
