"""The screens issue 12 (items 13-15) changed, in both languages, checked as a user sees them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_changed_screens_in_both_languages(live_server, browser, lang):
    en = lang == "en"
    context = browser.new_context(locale="en-US" if en else "zh-TW", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server)
        page.wait_for_url(live_server + "/")
        if en:
            page.goto(live_server + "/lang/en?next=/")
        # The sub-account form with every error: each address part named, in the page's order.
        page.goto(live_server + "/account/sub-accounts/new")
        page.click("form[action='/account/sub-accounts/new'] button[type=submit]")
        summary = page.locator(".error-summary")
        expect(summary).to_contain_text(
            "Contact address: Choose the county or city." if en else "聯絡地址：請選擇縣市。"
        )
        assert "：" not in summary.inner_text() if en else "聯絡地址：請選擇縣市。" in summary.inner_text()
        shot(page, f"i12-subaccount-errors-{lang}")
        # The IC-card page's sentence.
        page.goto(live_server + "/downloads/ic-card-pickup")
        expect(page.locator("main")).to_contain_text(
            "Download the receipt under Receipts." if en else "收據請至收據下載下載。"
        )
        shot(page, f"i12-ic-card-pickup-{lang}")
        # A dashboard list's MORE lands on the progress search of that list.
        page.goto(live_server + "/progress/?search=1&list=supplement&line=foreign")
        expect(page.locator(".notice")).to_contain_text("Showing only" if en else "僅顯示")
        shot(page, f"i12-progress-list-{lang}")
    finally:
        context.close()
