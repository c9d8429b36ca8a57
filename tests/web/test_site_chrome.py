"""What every page carries beside its content (issue 17): favicon, web manifest and icons, page titles that
say where one is, the phone menu that works without script, and the session warning's announcements."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PIL import Image

from tests.support import make_school_with_accounts

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = {
    "zh": "外生與外僑生線上申辦系統",
    "en": "Online application system for foreign and overseas Chinese students",
}


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


async def test_favicon_is_served_at_the_root_as_an_icon(client):
    r = await client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    assert r.content == (ROOT / "static" / "img" / "favicon.ico").read_bytes()
    with Image.open(ROOT / "static" / "img" / "favicon.ico") as ico:
        assert ico.format == "ICO" and (32, 32) in ico.info["sizes"]
    again = await client.get("/favicon.ico", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


async def test_pages_link_the_icons_and_the_manifest_of_their_language(client):
    r = await client.get("/login")
    assert '<link rel="icon" href="/favicon.ico"' in r.text
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in r.text
    assert '<link rel="manifest" href="/static/manifest-zh.webmanifest">' in r.text
    r = await client.get("/login", headers={"Accept-Language": "en"})
    assert '<link rel="manifest" href="/static/manifest-en.webmanifest">' in r.text
    for lang, name in (("zh", "外生與外僑生線上申辦系統"), ("en", "Online applications for foreign")):
        m = await client.get(f"/static/manifest-{lang}.webmanifest")
        assert m.status_code == 200 and m.headers["content-type"].startswith("application/manifest+json")
        manifest = json.loads(m.content)
        assert manifest["name"].startswith(name) and len(manifest["short_name"]) <= 12
        assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
        for icon in manifest["icons"]:
            png = await client.get(icon["src"])
            assert png.status_code == 200 and png.headers["content-type"] == "image/png"
            size = int(icon["sizes"].split("x")[0])
            with Image.open(ROOT / icon["src"].lstrip("/")) as img:
                assert img.size == (size, size)


async def test_page_titles_say_where_one_is_then_the_system(client):
    assert title((await client.get("/login")).text) == f"登入 - {SYSTEM['zh']}"
    r = await client.get("/login", headers={"Accept-Language": "en"})
    assert title(r.text).endswith(f" - {SYSTEM['en']}")
    await make_school_with_accounts()
    r = await client.login("03734301")
    assert title(r.text) == f"優先處理事項 - {SYSTEM['zh']}"
    r = await client.get("/account/profile")
    assert title(r.text) == f"基本資料維護 - {SYSTEM['zh']}"


async def test_menu_for_phones_is_a_details_button_with_every_entry(client):
    await make_school_with_accounts()
    r = await client.login("03734301")
    mobile = re.search(r'<nav class="menu-mobile".*?</nav>', r.text, re.S).group(0)
    bar = re.search(r'<nav class="main-menu main-menu--bar".*?</nav>', r.text, re.S).group(0)
    assert "<details>" in mobile and "<summary>選單</summary>" in mobile
    links = re.findall(r'href="([^"]+)"', bar)
    assert links and re.findall(r'href="([^"]+)"', mobile) == links  # the same entries, the same order


async def test_session_warning_carries_both_announcements(client):
    await make_school_with_accounts()
    r = await client.login("03734301")
    assert 'data-announce-2="您將於 2 分鐘後被登出。"' in r.text
    assert 'data-announce-1="您將於 1 分鐘後被登出。"' in r.text
    assert 'id="session-announce" aria-live="assertive"' in r.text


async def test_brackets_and_colons_follow_the_language_of_the_page(client):
    await make_school_with_accounts()
    await client.login("03734301")
    zh = (await client.get("/")).text
    assert re.search(r'<span class="count">（\d+）</span>', zh)
    await client.get("/lang/en?next=/")
    en = (await client.get("/")).text
    assert re.search(r'<span class="count"> \(\d+\)</span>', en) and "（" not in en.split("<main", 1)[1]
