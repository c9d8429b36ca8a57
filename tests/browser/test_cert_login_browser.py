"""憑證登入 in a real browser through the stand-in signer (the local component's place)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def test_school_logs_in_with_its_certificate(live_server, page):
    page.goto(live_server + "/login")
    page.click("text=憑證登入")
    expect(page.locator("#cert-login")).to_be_visible()
    page.click("#signer-check")
    expect(page.locator("#cert-status")).to_have_text("憑證元件運作正常。")
    page.fill("#f-business_no", "03734301")
    page.fill("#f-pin", "000000")
    page.fill("#f-cert_captcha", "TEST1")
    page.click("#cert-login button[type=submit]")
    expect(page.locator("#cert-status")).to_have_text("卡片 PIN 碼錯誤，請重新輸入。")
    shot(page, "cert-login-zh")
    page.fill("#f-pin", "123456")
    page.click("#cert-login button[type=submit]")
    page.wait_for_url(live_server + "/")
    expect(page.locator("h1").first).to_have_text("優先處理事項")
    assert "國立臺灣大學 (demo)" in page.locator(".session-user").inner_text()


def test_wrong_business_no_is_refused_in_the_browser(live_server, page):
    page.goto(live_server + "/login?tab=cert")
    page.fill("#f-business_no", "03734317")
    page.fill("#f-pin", "123456")
    page.fill("#f-cert_captcha", "TEST1")
    page.click("#cert-login button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("不符")
