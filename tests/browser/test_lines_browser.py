"""Issue 14 in a real browser: the dashboard's five tabs in both languages on a desk and a phone, and a
reviewer deciding a 陸生單次證 case, then the school paying NT$600 and downloading its 單次證."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import demo_server, login, shot
from tests.browser.seed_lines import (
    HKMO_EXTENSION_GROUP,
    HKMO_GROUP,
    MAINLAND_GROUP,
    MAINLAND_GROUP_NO,
    MULTIPLE_GROUP,
    TRAVEL_PERMIT,
)
from tests.browser.test_phone_browser import new_page, problems
from tests.browser.test_review_browser import admin_login

pytestmark = pytest.mark.browser

TABS = {
    "zh_Hant_TW": [
        "陸生(含親屬)就學入臺單次證",
        "陸生多次證",
        "港澳生居留證",
        "外生、外僑生居留證",
        "延期申請",
    ],
    "en": [
        "Mainland students: single-entry permit",
        "Mainland students: multiple-entry permit",
        "Hong Kong and Macau students: resident certificate",
        "Foreign and overseas Chinese students: resident certificate",
        "Extension application",
    ],
}
TAB_CODES = ["mainland_single", "mainland_multiple", "hkmo", "foreign", "extension"]


@pytest.fixture(scope="module")
def lines_server():
    """The app with the demo data and the lines' groups, and the sandbox gateway beside it."""
    with demo_server("arc-lines-browser-", ("tests.browser.seed_lines",), gateway=True) as base:
        yield base


@pytest.mark.parametrize("width", (1280, 390))
@pytest.mark.parametrize("lang", ("zh_Hant_TW", "en"))
def test_the_five_tabs_fit_and_are_accessible(lines_server, browser, lang, width):
    base = lines_server
    context, page = new_page(browser, base, lang, width)
    try:
        login(page, base)
        page.wait_for_url(base + "/")
        nav = page.locator("nav.line-tabs")
        expect(nav.get_by_role("link")).to_have_text(TABS[lang])
        failures = []
        for code, label in zip(TAB_CODES, TABS[lang], strict=True):
            nav.get_by_role("link", name=label, exact=True).click()
            page.wait_for_url(f"{base}/?tab={code}")
            expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
            failures += [f"?tab={code}: {p}" for p in problems(page, width, lang)]
            if code == "extension":
                paying = page.locator("section[aria-labelledby=list-awaiting_payment]")
                expect(paying).to_contain_text(HKMO_EXTENSION_GROUP)
                shot(page, f"dashboard-extension-{lang}-{width}")
            if code == "hkmo":
                expect(page.locator("section[aria-labelledby=list-new]")).to_contain_text(HKMO_GROUP)
                expect(page.locator("body")).not_to_contain_text(HKMO_EXTENSION_GROUP)
            if code == "mainland_single":
                expect(page.locator("section[aria-labelledby=list-new]")).to_contain_text(MAINLAND_GROUP)
                shot(page, f"dashboard-mainland-single-{lang}-{width}")
        assert failures == []
    finally:
        context.close()


def _pdf(path: Path, *args: str) -> str:
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_reviewer_decides_a_mainland_case_then_the_school_pays_and_downloads_its_permit(
    lines_server, browser, tmp_path
):
    base = lines_server
    for username, action in (("reviewer1", "pass_first_review"), ("reviewer2", "approve")):
        ctx = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        admin_login(page, base, username)
        # The desk's search by business line finds the group.
        page.goto(base + "/review/find?line=mainland_single&station=all")
        row = page.locator("tr", has_text=MAINLAND_GROUP_NO).first
        expect(row).to_be_visible()
        row.locator("a").first.click()
        page.wait_for_selector("#h-decide")
        expect(page.locator("dt:has-text('核發證別') + dd")).to_have_text("單次證")
        if username == "reviewer2":
            shot(page, "review-case-mainland-single")
        page.click(f"form[action$='/decide']:has(#f-comment) button[value={action}]")
        page.wait_for_selector(".flash")
        expect(page.locator(".flash")).to_contain_text("審核決定已儲存")
        ctx.close()

    ctx = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    login(page, base)
    page.wait_for_url(base + "/")
    page.goto(base + "/payment")
    row = page.locator("tr", has_text=MAINLAND_GROUP)
    expect(row).to_contain_text("單次證")
    expect(page.locator("tr", has_text=MULTIPLE_GROUP)).to_contain_text("多次證")
    shot(page, "payment-list-lines")
    row.locator("input[name=group]").check()
    page.get_by_role("button", name="付款").click()
    expect(page.locator(".pay-summary")).to_contain_text("600")
    page.get_by_role("button", name="確認繳費").click()
    page.get_by_label("國際信用卡網路繳費").check()
    page.get_by_role("button", name="開始繳費").click()
    expect(page.locator("body")).to_contain_text("NT$ 600")
    page.fill("#card", "4242 4242 4242 4242")
    page.get_by_role("button", name="確認付款 Pay NT$ 600").click()
    page.wait_for_url(f"{base}/payment/result/*")
    expect(page.locator(".pay-ok")).to_contain_text("交易成功")

    page.goto(base + "/downloads/permits")
    permit_row = page.locator("tr", has_text="單次證").first
    expect(permit_row).to_be_visible()
    shot(page, "downloads-permits-lines")
    with page.expect_download() as got:
        permit_row.get_by_role("link").click()
    path = tmp_path / "single.pdf"
    got.value.save_as(path)
    text = _pdf(path, "pdftotext")
    assert "臺灣地區入出境許可證（單次）" in text and TRAVEL_PERMIT in text
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.splitlines()) > 2, "the applicant's photo is in the permit"

    # 下載專區 > 港澳僑生居留入出境查驗表: the Hong Kong student's record, generated for them.
    page.goto(base + "/downloads/entry-exit-check")
    record_row = page.locator("tr", has_text="151089001")
    expect(record_row).to_be_visible()
    shot(page, "downloads-entry-exit-check")
    with page.expect_download() as got:
        record_row.get_by_role("link").click()
    path = tmp_path / "check.pdf"
    got.value.save_as(path)
    text = _pdf(path, "pdftotext")
    assert "港澳僑生居留入出境查驗表" in text and "A123456(3)" in text
    ctx.close()
