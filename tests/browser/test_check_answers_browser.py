"""確認送件 (check your answers) in a real browser, in both languages: a clerk sees what is missing with 修改
links, completes the applicant, checks every answer and document, and submits to the result page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot
from tests.browser.test_apply_browser import fill_applicant, image_file, upload

pytestmark = pytest.mark.browser


def test_check_answers_before_submitting_in_both_languages(live_server, page, tmp_path):
    login(page, live_server)
    page.goto(live_server + "/apply/foreign/first/terms")
    page.check("#f-agree")
    page.click("form[action='/apply/foreign/first/terms'] button[type=submit]")
    page.click("text=下一步")
    page.fill("#f-name", "確認送件測試團")
    page.fill("#f-member_count", "1")
    page.select_option("#f-station_code", "S01")
    upload(page, "power_of_attorney", image_file(tmp_path, "委託書.jpg"))
    page.click("text=下一步並儲存資料")
    app_url = page.url
    app_id = re.search(r"/apply/foreign/first/(\d+)/", app_url).group(1)
    page.click("summary:has-text('新增申請人')")
    page.check("#f-identity-foreign")
    page.click(".add-dialog button[type=submit]")
    form_url = page.url
    page.fill("#f-name_en", "CHECK ANSWERS")
    page.click("button[value=save]:not(.default-submit)")
    # the 確認送件 step says what is still missing, each with its 修改 link
    page.click("nav.wizard-steps >> text=確認送件")
    expect(page.locator("h2", has_text="送件前確認")).to_be_visible()
    expect(page.locator(".todo[role=status]")).to_contain_text("尚無法送件")
    expect(page.locator(".todo", has_text="其他待修正欄位")).to_contain_text("護照有效日期")
    expect(page.locator(".summary-list__row", has_text="照片")).to_contain_text("尚未上傳")
    expect(page.locator("form[data-submit-once]")).to_have_count(0)  # no 送出 yet
    shot(page, "check-answers-incomplete-zh")
    page.locator(".summary-list__row", has_text="護照").first.locator("a", has_text="修改").click()
    assert page.url.endswith(form_url.split(live_server)[-1])
    fill_applicant(page, tmp_path, name_en="CHECK ANSWERS")
    page.goto(app_url)
    page.click("a.button--submit")
    expect(page).to_have_url(re.compile(rf"/apply/foreign/first/{app_id}/check$"))
    for text in ("CHECK ANSWERS", "資訊管理學系", "日本", "已上傳", "確認是否送件", "1,000"):
        expect(page.locator("main")).to_contain_text(text)
    expect(page.locator(".missing")).to_have_count(0)
    shot(page, "check-answers-zh")
    # the same page in English
    page.goto(live_server + f"/lang/en?next=/apply/foreign/first/{app_id}/check")
    expect(page.locator("h2", has_text="Check your answers before submitting")).to_be_visible()
    expect(page.locator(".summary-list__change").first).to_contain_text("Change")
    expect(page.locator("main")).to_contain_text("Japan")
    shot(page, "check-answers-en")
    page.goto(live_server + f"/lang/zh_Hant_TW?next=/apply/foreign/first/{app_id}/check")
    page.click("form[data-submit-once] button[type=submit]")
    flash = page.locator(".flash--big")
    expect(flash).to_contain_text("送件成功，團號：")
    expect(flash).to_contain_text("1,000")
    expect(flash).to_contain_text("收件號")
    shot(page, "check-answers-result-zh")
