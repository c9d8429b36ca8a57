"""After submission in a real browser: a returned case is corrected and sent back (變更資料), its history shows the
reply and the change; a case is withdrawn after the confirmation page (是否撤銷案件?)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from app.domain import numbering
from tests.browser.conftest import login, shot

RETURNED_GROUP = numbering.group_no(date.today(), "102", 9301)  # app.demo.progress
OPEN_GROUP = numbering.group_no(date.today(), "102", 9303)
REPLY = "已重新上傳清晰的護照資料頁，並更正護照號碼（瀏覽器測試）。"


@pytest.mark.browser
def test_returned_case_is_corrected_and_sent_back(live_server, page):
    login(page, live_server)
    page.goto(live_server + "/supplement/")
    row = page.locator("tr", has_text=RETURNED_GROUP)
    expect(row).to_be_visible()
    shot(page, "progress-supplement-list")
    row.locator("a", has_text="檢視").click()
    expect(page.locator("h1")).to_contain_text("補正")
    page.locator("a.button", has_text="補正").last.click()
    expect(page.locator(".supplement-notice")).to_contain_text("護照影本不清晰")
    page.fill("#f-passport_no", "GB7781299")
    page.set_input_files(
        "input[name=file_passport]",
        files=[{"name": "passport-new.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}],
    )
    page.click("button[value=send]")  # no reply yet: refused, the typed value stays
    expect(page.locator(".error-summary")).to_contain_text("審核意見回覆")
    expect(page.locator("#f-passport_no")).to_have_value("GB7781299")
    page.fill("#f-reply", REPLY)
    shot(page, "progress-supplement-case")
    page.click("button[value=send]")
    expect(page.locator(".flash")).to_contain_text("補正資料已送回審核")
    page.goto(live_server + f"/progress/?search=1&group_no={RETURNED_GROUP}")
    page.locator("a", has_text="檢視").first.click()
    page.locator("table a", has_text="檢視").first.click()
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text(REPLY)
    expect(timeline).to_contain_text("GB7781299")
    expect(page.locator(".next-step h2")).to_contain_text("待初審")
    shot(page, "progress-case-timeline")


@pytest.mark.browser
def test_a_case_is_withdrawn(live_server, page):
    login(page, live_server)
    page.goto(live_server + "/withdraw/cases")
    page.fill("#f-group_no", OPEN_GROUP)
    page.click("form.search-form button[type=submit]")
    first = page.locator("table tbody tr").nth(
        1
    )  # the applicant list's first row (the group table comes first)
    receipt = page.locator("table").nth(1).locator("tbody tr").first.locator("td").nth(1).inner_text().strip()
    assert first  # the list is shown
    page.locator("table").nth(1).locator("tbody tr").first.locator("a", has_text="撤銷").click()
    expect(page.locator("h2#h-confirm")).to_have_text("是否撤銷案件?")
    shot(page, "progress-withdraw-confirm")
    page.click("form[method=post] button.button--danger")
    expect(page.locator(".flash")).to_contain_text("撤銷成功!")
    row = page.locator("table").nth(1).locator("tr", has_text=receipt)
    expect(row).to_contain_text("撤銷")
    expect(row.locator("a", has_text="撤銷")).to_have_count(0)
    shot(page, "progress-withdrawn")


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 210, 230)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
@pytest.mark.browser
def test_after_submission_pages_are_accessible(live_server, browser, lang):
    """axe-core WCAG 2.1 AA (serious and critical) on the progress, supplement, withdrawal and kinds pages."""
    from tests.browser.test_accessibility import violations

    context = browser.new_context(bypass_csp=True, locale="zh-TW" if lang != "en" else "en-US")
    page = context.new_page()
    try:
        login(page, live_server)
        page.wait_for_url(live_server + "/")
        page.goto(live_server + f"/lang/{lang}")
        open_group = numbering.group_no(date.today(), "102", 9304)
        group_return = numbering.group_no(date.today(), "102", 9302)
        paths = [
            "/progress/",
            "/progress/?search=1",
            "/progress/?search=1&birth_date=2020/02/31",
            "/supplement/",
            f"/withdraw/group?group_no={open_group}",
            f"/withdraw/cases?group_no={open_group}",
            "/apply/foreign/renewal",
            "/apply/foreign/extension",
            "/apply/foreign/data-change",
        ]
        for path in paths:
            page.goto(live_server + path)
            assert violations(page) == [], (path, violations(page))
        page.goto(live_server + f"/progress/?search=1&group_no={group_return}")
        page.locator("#progress-results a", has_text="檢視" if lang != "en" else "View").first.click()
        assert violations(page) == [], page.url
        page.locator("a.button", has_text="補正" if lang != "en" else "Supplement").first.click()
        assert violations(page) == [], page.url
        page.locator("a.button", has_text="補正" if lang != "en" else "Supplement").first.click()  # 送件人
        assert violations(page) == [], page.url
        page.locator("form[action$=submitter] button[type=submit]").click()  # → 申請資料
        assert violations(page) == [], page.url
        page.locator("button[value=send]").click()  # no reply: the errors
        assert violations(page) == [], page.url
    finally:
        context.close()


@pytest.mark.browser
def test_progress_date_filter_error_shows_under_htmx(live_server, page):
    login(page, live_server)
    page.goto(live_server + "/progress/")
    page.fill("#f-date_from", "2026/13/45")
    page.locator("form.progress-search button[type=submit]").click()
    expect(page.locator("#f-date_from-error")).to_contain_text("請以 YYYY/MM/DD 輸入正確日期")
    expect(page.locator(".error-summary")).to_be_visible()
    shot(page, "progress-date-error")
    page.fill("#f-date_from", "")
    page.locator("form.progress-search button[type=submit]").click()
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("#progress-results")).to_be_visible()
