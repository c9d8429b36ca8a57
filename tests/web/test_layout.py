"""Every page: layout, languages, security headers, error pages, dashboard scope."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from app.actions.cases import after_transitions
from tables.tables import Application, Case
from tests.support import make_account, make_school, make_school_with_accounts

ROOT = Path(__file__).resolve().parents[2]


def test_vendored_htmx_is_2_0_11_by_sha256():
    path = ROOT / "static" / "vendor" / "htmx-2.0.11.min.js"
    data = path.read_bytes()
    assert (
        hashlib.sha256(data).hexdigest() == "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
    )
    assert b'version:"2.0.11"' in data


async def test_login_page_layout_and_htmx_config(client):
    r = await client.get("/login")
    assert r.status_code == 200
    assert "內政部移民署" in r.text and "NATIONAL IMMIGRATION AGENCY" in r.text
    assert "外國與外僑、大陸與港澳學生線上申辦系統" in r.text
    assert '"historyCacheSize":0' in r.text and '"allowEval":false' in r.text
    assert '"allowScriptTags":false' in r.text and '"selfRequestsOnly":true' in r.text
    assert 'src="/static/vendor/htmx-2.0.11.min.js"' in r.text
    assert "<script>" not in r.text  # no inline script (CSP)


async def test_security_headers_on_pages_errors_and_unknown_routes(client):
    for url in ("/login", "/no-such-page"):
        r = await client.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["cache-control"] == "no-store"


async def test_error_pages_in_both_languages_without_traces(client):
    r = await client.get("/no-such-page")
    assert r.status_code == 404 and "找不到頁面" in r.text and "Traceback" not in r.text
    r = await client.get("/no-such-page", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Page not found" in r.text


async def test_language_follows_accept_language_then_cookie(client):
    r = await client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in r.text and "Log in" in r.text
    r = await client.get("/login", headers={"Accept-Language": "zh-TW,zh;q=0.9,en;q=0.5"})
    assert '<html lang="zh-Hant-TW">' in r.text and "帳號登入" in r.text
    r = await client.get("/lang/en?next=/login")
    assert r.status_code == 200 and "Account login" in r.text
    # The cookie wins over the browser's preference now.
    r = await client.get("/login", headers={"Accept-Language": "zh-TW"})
    assert "Account login" in r.text


async def test_language_switch_refuses_foreign_redirects(client):
    r = await client.get("/lang/en?next=//evil.example", follow_redirects=False)
    assert r.headers["location"] == "/"
    r = await client.get("/lang/xx", follow_redirects=False)
    assert r.status_code == 404


async def test_header_shows_login_time_countdown_school_and_user(client):
    await make_school_with_accounts()
    r = await client.login("03734301")
    assert "登入時間" in r.text and "登出倒數" in r.text and 'id="countdown"' in r.text
    assert "29:5" in r.text or "30:00" in r.text
    assert "測試大學 測試人" in r.text
    assert "帳號維護" in r.text and "優先處理事項" in r.text
    assert 'data-remaining="' in r.text


async def test_htmx_csrf_header_is_accepted(client):
    await make_school_with_accounts()
    await client.login("03734301")
    ok = await client.post("/session/extend", headers={"HX-Request": "true", "x-arc-csrf": client.csrf()})
    assert ok.status_code == 200
    bad = await client.post("/session/extend", headers={"HX-Request": "true", "x-arc-csrf": "forged"})
    assert bad.status_code == 403


async def _group(school: int, account: int, name: str, statuses: list[str], group_no: str) -> None:
    now = datetime.now(UTC)
    app = Application(
        school=school,
        created_by=account,
        name=name,
        group_no=group_no,
        status="first_review",
        member_count=len(statuses),
        submitted_at=now,
        created_at=now,
        updated_at=now,
    )
    await app.save()
    for s in statuses:
        await Case.insert(Case(application=app.id, status=s, created_at=now, updated_at=now))
    await after_transitions({(app.id, None)})  # as the workflow keeps it


async def test_dashboard_lists_by_status_and_scope(client):
    ids = await make_school_with_accounts()
    other = await make_school(name="別的大學", business_no="03734317")
    other_main = await make_account("03734317", other, main=True)
    await _group(ids["school"], ids["main"], "主帳號新案", ["first_review"], "151020001")
    await _group(ids["school"], ids["sub1"], "子帳號一補件", ["supplement_first"], "151020002")
    await _group(ids["school"], ids["sub2"], "子帳號二待繳", ["awaiting_payment"], "151020003")
    await _group(ids["school"], ids["main"], "全團不受理", ["not_accepted", "rejected"], "151020004")
    await _group(other, other_main, "別校的案", ["first_review"], "151020005")
    r = await client.login("03734301")
    for name in ("主帳號新案", "子帳號一補件", "子帳號二待繳", "全團不受理"):
        assert name in r.text
    assert "別校的案" not in r.text
    await client.post_form("/logout")
    r = await client.login("03734301-01")
    assert "子帳號一補件" in r.text
    for name in ("主帳號新案", "子帳號二待繳", "全團不受理", "別校的案"):
        assert name not in r.text
    assert r.text.count("目前沒有資料") == 4


async def test_static_files_are_served_from_memory_with_an_etag(client):
    css = (ROOT / "static" / "css" / "app.css").read_bytes()
    r = await client.get("/static/css/app.css")
    assert r.status_code == 200 and r.content == css
    assert r.headers["content-type"] == "text/css; charset=utf-8"
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-cache"
    again = await client.get("/static/css/app.css", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    js = await client.get("/static/vendor/htmx-2.0.11.min.js")
    assert (
        js.headers["content-type"] == "text/javascript; charset=utf-8" and b'version:"2.0.11"' in js.content
    )
    assert (await client.get("/static/img/emblem.svg")).headers["content-type"] == "image/svg+xml"


async def test_static_serves_only_the_static_folder(client):
    for url in (
        "/static/no-such.css",
        "/static/../app/main.py",
        "/static/%2e%2e/piccolo_conf.py",
        "/static/css/../../app/settings.py",
        "/static/",
    ):
        r = await client.get(url)
        assert r.status_code == 404, url
        assert b"import " not in r.content
