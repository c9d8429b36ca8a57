"""環境檢查 and 附件下載 of the login page in a real browser, in both languages."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def test_environment_check_finds_the_browser_and_the_component_ready(live_server, page):
    page.goto(live_server + "/login")
    shot(page, "login-attachments-zh")
    page.click("text=環境檢查 >> nth=0")
    page.wait_for_url(live_server + "/environment-check")
    expect(page.locator("#env-summary")).to_have_text("環境皆已就緒：可使用帳號登入或憑證登入。")
    for check in ("javascript", "cookies", "modern", "storage", "secure", "signer"):
        expect(page.locator(f'[data-check="{check}"] [data-result]')).to_have_text("已就緒")
    expect(page.locator("#env-signer-help")).to_be_hidden()
    shot(page, "environment-check-zh")


def test_environment_check_without_the_component_says_what_to_install(live_server, browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page = context.new_page()
    page.route("**/status", lambda route: route.abort())  # the local component does not answer
    page.goto(live_server + "/environment-check")
    expect(page.locator('[data-check="signer"] [data-result]')).to_have_text("Not ready")
    expect(page.locator('[data-check="cookies"] [data-result]')).to_have_text("Ready")
    expect(page.locator("#env-summary")).to_contain_text("you can log in with an account")
    expect(page.locator("#env-signer-help")).to_be_visible()
    shot(page, "environment-check-en")
    page.goto(live_server + "/login")
    shot(page, "login-attachments-en")
    context.close()


def test_downloading_the_guarantee_from_the_login_page(live_server, page, tmp_path):
    page.goto(live_server + "/login")
    with page.expect_download() as info:
        page.click("text=保證書(陸生就學專用)")
    download = info.value
    assert download.suggested_filename == "保證書(陸生就學專用).pdf"
    path = tmp_path / "g.pdf"
    download.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "保證書" in text


def test_roster_edit_of_a_mainland_student_checks_the_resident_id(live_server, browser):
    from tests.browser.conftest import login

    for lang, required in (
        ("zh_Hant_TW", "大陸居民身分證號碼不正確"),
        ("en", "Not a valid mainland resident ID"),
    ):
        context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        page = context.new_page()
        login(page, live_server)
        page.goto(live_server + "/roster/?category=CN")
        page.locator("a[href$='/edit']").first.click()
        expect(page.locator("#f-resident_id")).to_have_value("310104200109300024")  # LI HUA of the demo
        page.fill("#f-resident_id", "310104200109300025")
        page.locator("form[action$='/edit'] button[type=submit]").click()
        expect(page.locator("#f-resident_id-error")).to_contain_text(required)
        expect(page.locator(".error-summary")).to_contain_text(required)
        expect(page.locator("#f-resident_id")).to_have_value("310104200109300025")  # what was typed stays
        shot(page, f"roster-edit-cn-{lang}")
        page.goto(live_server + "/roster/?category=CN")
        expect(page.locator("table.roster-table")).to_contain_text("310104200109300024")
        # The wide table scrolls inside its box; the page itself does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"roster-list-cn-{lang}")
        context.close()


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_environment_check_has_no_serious_accessibility_violations(live_server, browser, lang):
    from tests.browser.test_accessibility import violations

    context = browser.new_context(bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    try:
        page.goto(live_server + "/environment-check")
        expect(page.locator("#env-summary")).to_be_visible()
        assert violations(page) == []
    finally:
        context.close()
