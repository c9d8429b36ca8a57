"""The foundation's journey in a real browser: login, countdown, English, sub-account create/disable/refused."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def test_login_countdown_language_and_sub_account_lifecycle(live_server, page):
    base = live_server
    login(page, base)
    page.wait_for_url(base + "/")
    assert page.locator("h1").first.inner_text() == "優先處理事項"
    # The countdown ticks down from about 30:00.
    first = page.locator("#countdown").inner_text()
    assert re.fullmatch(r"\d\d:\d\d", first)
    page.wait_for_timeout(2200)
    second = page.locator("#countdown").inner_text()
    assert second < first, (first, second)
    assert "29:" in second or "30:" in first
    shot(page, "dashboard-zh")

    # Switch to English; the choice sticks across pages.
    page.click("text=English")
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text() == "Priority matters"
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "dashboard-en")

    # Create a sub-account.
    page.goto(base + "/account/sub-accounts/new")
    new_id = page.locator(".field--readonly .value").first.inner_text().strip()
    assert new_id.startswith("03734301-")
    page.fill("#f-name", "林小小")
    page.fill("#f-national_id", "A123456789")
    page.fill("#f-birthday", "1990/01/02")
    page.fill("#f-unit", "註冊組")
    page.fill("#f-password", "a long enough phrase 2026")
    page.fill("#f-confirm_password", "a long enough phrase 2026")
    page.fill("#f-phone", "0223456789")
    page.select_option("#f-addr_county", "臺北市")
    # htmx swaps the district list to the chosen county's districts.
    expect(page.locator("#f-addr_district optgroup")).to_have_count(0)
    expect(page.locator("#f-addr_district option", has_text="100 Zhongzheng District")).to_have_count(1)
    page.select_option("#f-addr_district", "中正區")
    page.fill("#f-addr_street", "重慶南路一段")
    page.fill("#f-addr_number", "122號")
    page.fill("#f-email", "lin@example.edu.tw")
    page.click("form[action='/account/sub-accounts/new'] button[type=submit]")
    page.wait_for_url(base + "/account/sub-accounts")
    row = page.locator("tr", has_text=new_id)
    assert row.count() == 1
    shot(page, "subaccounts-en")

    # Disable it.
    row.locator("button", has_text="Disable").click()
    page.wait_for_url(base + "/account/sub-accounts")
    assert "Disabled" in page.locator("tr", has_text=new_id).inner_text()

    # Log out, then the disabled account is refused at login.
    page.click("header button:has-text('Log out')")
    page.wait_for_url(re.compile(r".*/login\?reason=logged_out"))
    login(page, base, new_id, "a long enough phrase 2026")
    assert page.locator(".error-summary").is_visible()
    assert "disabled" in page.locator(".error-summary").inner_text()
    shot(page, "login-disabled-en")


def test_wrong_captcha_shows_summary_and_keeps_account(live_server, page):
    page.goto(live_server + "/login")
    page.fill("#f-login_id", "03734301")
    page.fill("#f-password", "Demo-2026-pass")
    page.fill("#f-captcha", "NOPE1")
    page.click("form[action='/login'] button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "驗證碼錯誤" in summary.inner_text()
    # Focus moved to the summary; what was typed stays (but not the password).
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.input_value("#f-login_id") == "03734301"
    # A new code on click, without reloading the page.
    old = page.get_attribute("#captcha img", "src")
    page.click("#captcha button")
    expect(page.locator("#captcha img")).not_to_have_attribute("src", old)
    shot(page, "login-error-zh")


def test_session_warning_dialog_extends_and_expiry_logs_out(live_server, page):
    page.clock.install()
    login(page, live_server)
    page.wait_for_url(live_server + "/")
    dialog = page.locator("#session-warning")
    expect(dialog).to_be_hidden()
    # Two minutes before the end the dialog opens with the focus on 繼續使用.
    page.clock.fast_forward("28:05")
    expect(dialog).to_be_visible()
    expect(page.locator("#session-continue")).to_be_focused()
    shot(page, "session-warning-zh")
    # Escape means stay: the session is extended on the server and the countdown starts again.
    with page.expect_response(lambda r: r.url.endswith("/session/extend") and r.status == 200):
        page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    # At zero the user lands on the login page, told why.
    page.clock.fast_forward("30:05")
    page.wait_for_url(re.compile(r".*/login\?reason=expired"))
    assert "30 分鐘" in page.locator(".notice").inner_text()


def test_tabs_of_one_browser_stay_in_step(live_server, page):
    page.clock.install()
    login(page, live_server)
    page.wait_for_url(live_server + "/")
    other = page.context.new_page()
    other.goto(live_server + "/account/profile")
    page.clock.fast_forward("28:05")
    expect(page.locator("#session-warning")).to_be_visible()
    expect(other.locator("#session-warning")).to_be_visible()
    # Continuing in one tab closes the warning in the other and resets both countdowns.
    other.click("#session-continue")
    expect(other.locator("#session-warning")).to_be_hidden()
    expect(page.locator("#session-warning")).to_be_hidden()
    expect(page.locator("#countdown")).to_have_text(re.compile(r"^(29|30):\d\d$"))
