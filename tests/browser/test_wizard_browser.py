"""The one wizard in a real browser: a clerk files each of the four kinds (首次申請, 換證, 延期, 資料異動)
through the same steps at /apply/foreign/<kind>/…, checks the answers on 確認送件 in Chinese and English,
and sends; a student goes through the same wizard for a group of one (延期 up to its checks, and the
first application to 確認送件 and 送出)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.domain.roster import academic_year
from tests.browser.conftest import latest_code, login, shot
from tests.browser.test_apply_browser import fill_applicant, image_file, upload

pytestmark = pytest.mark.browser

# 換證 looks up a valid e-certificate of the demo school; 延期 and 資料異動 name one this system knows: both
# are read from the demo's data (`LiveServer.valid_certificates`), whose numbers come from the counters.


def _start_group(page, base: str, slug: str, tmp_path, name: str) -> str:
    """我要申請 → 同意條款 → 送件人 → 申請資料: the group's steps, the same for every kind."""
    page.goto(f"{base}/apply/foreign/{slug}")
    page.click("text=我要申請")
    page.check("#f-agree")
    page.click(f"form[action='/apply/foreign/{slug}/terms'] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/apply/foreign/{slug}/\d+/submitter$"))
    expect(page.locator("nav.wizard-steps li.current")).to_contain_text("送件人")
    page.click("text=下一步")
    page.fill("#f-name", name)
    page.fill("#f-member_count", "1")
    page.select_option("#f-station_code", "S01")
    upload(page, "power_of_attorney", image_file(tmp_path, "委託書.jpg"))
    page.click("text=下一步並儲存資料")
    expect(page).to_have_url(re.compile(rf"/apply/foreign/{slug}/\d+/applicants$"))
    expect(page.locator("nav.wizard-steps li.current")).to_contain_text("申請人")
    return page.url


def _add_by_identity(page) -> None:
    page.click("summary:has-text('新增申請人')")
    page.check("#f-identity-foreign")
    page.click(".add-dialog button[type=submit]")


def _fill_short_form(page, tmp_path, docs: tuple[str, ...], ui_no: str) -> None:
    """延期 / 資料異動: the certificate's holder and the documents."""
    page.fill("#f-ui_no", ui_no)
    page.fill("#f-name_en", "WIZARD BROWSER")
    page.fill("#f-passport_no", "WB1234567")
    page.fill("#f-birth_date", "2002/03/04")
    page.fill("#f-phone", "0912345678")
    for doc in docs:
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))


def _check_and_send(page, base: str, slug: str, applicants_url: str, expected: tuple[str, ...]) -> None:
    """The applicants step's 送出 leads to 確認送件; checked in both languages, then sent."""
    page.goto(applicants_url)
    expect(page.locator("tbody tr", has_text="已完成")).to_have_count(1)
    page.click("a.button--submit")
    expect(page).to_have_url(re.compile(rf"/apply/foreign/{slug}/\d+/check$"))
    check_path = page.url.split(base, 1)[1]
    expect(page.locator("h2", has_text="送件前確認")).to_be_visible()
    for text in expected:
        expect(page.locator("main")).to_contain_text(text)
    expect(page.locator(".missing")).to_have_count(0)
    shot(page, f"wizard-{slug}-check-zh")
    page.goto(f"{base}/lang/en?next={check_path}")
    expect(page.locator("h2", has_text="Check your answers before submitting")).to_be_visible()
    expect(page.locator(".summary-list__change").first).to_contain_text("Change")
    expect(page.locator("nav.wizard-steps li.current")).to_contain_text("Check and submit")
    shot(page, f"wizard-{slug}-check-en")
    page.goto(f"{base}/lang/zh_Hant_TW?next={check_path}")
    page.click("form[data-submit-once] button[type=submit]")
    flash = page.locator(".flash--big")
    expect(flash).to_contain_text("送件成功，團號：")
    expect(flash).to_contain_text("收件號")
    expect(page).to_have_url(re.compile(r"/apply/groups/\d+/submitted$"))


def test_a_school_files_the_four_kinds_through_one_wizard(live_server, page, tmp_path):
    certificates = live_server.valid_certificates()
    renewal_ui, known_ui = certificates[0], certificates[-1]
    login(page, live_server)
    # 首次申請: the identity, the 外(僑)生申請書
    url = _start_group(page, live_server, "first", tmp_path, "精靈首次申請團")
    expect(
        page.locator("a", has_text="從名冊加入")
    ).to_be_visible()  # the first application draws on the roster
    _add_by_identity(page)
    fill_applicant(page, tmp_path, name_en="WIZARD FIRST")
    _check_and_send(page, live_server, "first", url, ("WIZARD FIRST", "資訊管理學系", "1,000"))

    # 換證: the same applicants step asks the UI no. and 查詢 instead
    url = _start_group(page, live_server, "renewal", tmp_path, "精靈換證團")
    expect(page.locator("a", has_text="從名冊加入")).to_have_count(0)
    page.fill("#f-ui_no", "A800000014")
    page.click("form.lookup-form button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()  # not an e-certificate of this school
    expect(page.locator("#f-ui_no")).to_have_value("A800000014")  # what was typed stays
    page.fill("#f-ui_no", renewal_ui)
    page.click("form.lookup-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/apply/foreign/renewal/\d+/applicants/\d+$"))
    expect(page.locator(".notice")).to_contain_text("帶入資料")  # prefilled from the e-certificate
    upload(page, "passport", image_file(tmp_path, "passport.jpg"))
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text("儲存成功")
    shot(page, "wizard-renewal-applicant-zh")
    _check_and_send(page, live_server, "renewal", url, (renewal_ui, "護照"))

    # 延期: the identity, then the short form
    url = _start_group(page, live_server, "extension", tmp_path, "精靈延期團")
    _add_by_identity(page)
    _fill_short_form(page, tmp_path, ("passport", "resident_card", "enrolment_proof"), known_ui)
    page.fill("#f-current_expiry", "2026/12/31")
    page.fill("#f-new_expiry", "2027/07/31")
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text("儲存成功")
    _check_and_send(page, live_server, "extension", url, ("WIZARD BROWSER", "2027/07/31"))

    # 資料異動: the items that change decide the documents asked for
    url = _start_group(page, live_server, "data-change", tmp_path, "精靈資料異動團")
    _add_by_identity(page)
    _fill_short_form(page, tmp_path, ("resident_card",), known_ui)
    page.check("#f-changes-department")
    page.fill("#f-new_department", "電機工程學系")
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator("input[name='file_enrolment_proof']")).to_be_attached()  # asked once ticked
    upload(page, "enrolment_proof", image_file(tmp_path, "enrolment_proof.jpg"))
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text("儲存成功")
    _check_and_send(page, live_server, "data-change", url, ("WIZARD BROWSER", "電機工程學系"))

    # the older address of the first application's drafts leads to the wizard
    page.goto(live_server + "/apply/first")
    expect(page).to_have_url(live_server + "/apply/foreign/first")


def _student_login(page, base: str) -> None:
    page.goto(base + "/foreign-student/individual/login")
    page.select_option("#f-year", str(academic_year(date.today())))
    page.fill("#f-passport_no", "MM214587")
    page.fill("#f-name_en", "student one")
    page.fill("#f-birth_date", "1988/02/02")
    page.fill("#f-captcha", "TEST1")
    page.click("form[action='/foreign-student/individual/login'] button[type=submit]")
    page.wait_for_selector("#f-email, #f-code")
    if page.locator("#f-email").count():
        page.fill("#f-email", "student.one@example.org")
        page.click("form[action='/foreign-student/individual/email'] button[type=submit]")
    page.fill("#f-code", latest_code(base.var_dir, "student.one@example.org"))
    page.click("form[action='/foreign-student/individual/code'] button[type=submit]")
    page.wait_for_url(base + "/student")


def test_a_student_files_through_the_same_wizard(live_server, page, tmp_path):
    known_ui = live_server.valid_certificates()[-1]  # a certificate, but not this student's own
    _student_login(page, live_server)
    # 延期, in English: the menu leads to the student's wizard of the offering: terms, then the one form
    expect(page.locator(".main-menu a[href='/student/apply/foreign/extension']")).to_have_count(1)
    page.goto(f"{live_server}/lang/en?next=/student/extension")  # the older address leads there too
    page.check("#f-agree")
    page.click("form[action='/student/apply/foreign/extension'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/student/apply/foreign/extension/\d+$"))
    expect(page.locator("nav.wizard-steps")).to_have_count(0)  # a group of one: no group steps
    _fill_short_form(page, tmp_path, ("passport", "resident_card", "enrolment_proof"), known_ui)
    page.fill("#f-current_expiry", "2026/12/31")
    page.fill("#f-new_expiry", "2027/07/31")
    page.click("button[value=submit]")
    # not the student's own certificate, no 領證地點: said by the fields and in the summary; typed values stay
    expect(page.locator(".error-summary")).to_contain_text("Where the card is collected")
    expect(page.locator("#f-ui_no-error")).to_be_visible()
    expect(page.locator("#f-new_expiry")).to_have_value("2027/07/31")
    shot(page, "wizard-student-extension-en")
    # 首次申請, in Chinese: the form prefilled from the roster, 確認送件, 送出
    page.goto(f"{live_server}/lang/zh_Hant_TW?next=/student/apply/foreign/first")
    if page.locator("#f-agree").count():
        page.check("#f-agree")
        page.click("form[action='/student/apply/foreign/first'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/student/apply/foreign/first/\d+$"))
    page.select_option("#f-station_code", "S01")
    upload(page, "admission", image_file(tmp_path, "admission.jpg"))
    fill_applicant(page, tmp_path, name_en=None)
    page.click("button[value=submit]")
    expect(page).to_have_url(re.compile(r"/student/apply/foreign/first/\d+/check$"))
    check_path = page.url.split(live_server, 1)[1]
    expect(page.locator("h2", has_text="送件前確認")).to_be_visible()
    for text in ("STUDENT ONE", "錄取證明", "1,000"):
        expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("main")).not_to_contain_text("委託書")
    shot(page, "wizard-student-first-check-zh")
    page.goto(f"{live_server}/lang/en?next={check_path}")
    expect(page.locator("h2", has_text="Check your answers before submitting")).to_be_visible()
    shot(page, "wizard-student-first-check-en")
    page.goto(f"{live_server}/lang/zh_Hant_TW?next={check_path}")
    page.click("form[data-submit-once] button[type=submit]")
    page.wait_for_url(live_server + "/student")
    expect(page.locator(".flash")).to_be_visible()
