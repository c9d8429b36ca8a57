"""A reviewer returns a case for supplement at the desk; the school sees it under 待補件案件 with the comment."""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import login, shot

COMMENT = "護照影本模糊，請重新上傳清晰版本（瀏覽器測試）。"


def admin_login(page, base: str, username: str) -> None:
    page.goto(base + "/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Demo-2026-pass")
    page.keyboard.press("Enter")
    deadline = time.monotonic() + 15
    while not any(c["name"] == "id" for c in page.context.cookies()):
        assert time.monotonic() < deadline, "no back-office session after signing in"
        page.wait_for_timeout(200)


@pytest.mark.browser
def test_reviewer_returns_a_case_and_the_school_sees_it(live_server, browser):
    reviewer = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    page = reviewer.new_page()
    page.set_default_timeout(15_000)
    admin_login(page, live_server, "reviewer1")
    # The back office links to the desk.
    page.wait_for_selector("a:has-text('審核作業台')")
    page.goto(live_server + "/review/")
    assert page.url.endswith("/review/queue/first")
    assert page.locator("h1").first.inner_text().startswith("待初審")
    first_row = page.locator("table.review-queue tbody tr").first
    assert "逾期" in first_row.inner_text()  # the demo's oldest group waits more than 5 working days
    shot(page, "review-queue")
    first_row.locator("a").click()
    page.wait_for_selector("#h-decide")
    group_name = page.locator("dt:has-text('申請名稱') + dd").inner_text().strip()
    receipt_no = page.locator("dt:has-text('收件號') + dd").first.inner_text().strip()
    page.fill("#f-comment", COMMENT)
    shot(page, "review-case")
    page.click("form[action^='/review/case/'] button[value=return_for_supplement]")  # not the group form's
    page.wait_for_selector(".flash")
    assert "審核決定已儲存" in page.locator(".flash").inner_text()
    assert receipt_no not in page.locator("h1").inner_text()  # moved on to the next case of the queue
    reviewer.close()

    school = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    spage = school.new_page()
    spage.set_default_timeout(15_000)
    login(spage, live_server)
    spage.wait_for_selector("#list-supplement")
    section = spage.locator("section[aria-labelledby=list-supplement]")
    text = section.inner_text()
    assert group_name in text and COMMENT in text
    shot(spage, "review-school-dashboard")
    # A school session never opens the desk.
    spage.goto(live_server + "/review/queue/first")
    assert "/admin/" in spage.url
    school.close()


@pytest.mark.browser
def test_card_collected_at_the_counter_with_receipt_and_passport(live_server, browser):
    """Issue 12, item 6: the desk checks the receipt's number, that it lists the case, and the holder's passport."""
    import sqlite3

    db = sqlite3.connect(str(live_server.var_dir.parent / "browser.sqlite"))
    case_id, passport, receipt_no = db.execute(
        'SELECT c.id, c.passport_no, r.receipt_no FROM "case" c JOIN receipt r ON r.application = c.application '
        "WHERE c.status = 'card_ready' ORDER BY c.id LIMIT 1"
    ).fetchone()
    db.close()
    for lang in ("en", "zh_Hant_TW"):
        ctx = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 1100})
        ctx.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        admin_login(page, live_server, "supervisor")
        page.goto(f"{live_server}/review/case/{case_id}?queue=collect")
        page.wait_for_selector("#f-passport_no")
        page.fill("#f-receipt_no", receipt_no)
        if lang == "en":
            assert "Passport no. of the person collecting" in page.inner_text("body")
            page.fill("#f-passport_no", "X0000000")
            page.click("button[value=card_collected]")
            page.wait_for_selector("#f-passport_no-error")
            assert "not the applicant's" in page.inner_text("#f-passport_no-error")
            assert page.input_value("#f-receipt_no") == receipt_no  # what was typed stays
            shot(page, "review-collect-en")
        else:
            assert "領證人護照號碼" in page.inner_text("body") and "外字第" in page.inner_text("body")
            page.fill("#f-passport_no", passport.lower())
            shot(page, "review-collect-zh")
            page.click("button[value=card_collected]")
            page.wait_for_selector(".flash")
            assert "審核決定已儲存" in page.locator(".flash").inner_text()
        ctx.close()
