"""Issue 14's "Done when" in a real browser for the new offerings not covered elsewhere:

- a school files a 陸生多次證 group starting from the lookup of a single-entry permit issued here (zh, en); two
  reviewers decide it (four eyes), the school pays NT$1,000 with the sandbox card and downloads the 多次證;
- a 港澳生 files a 港澳生居留證 for themself (zh, en); two reviewers decide it, the school pays NT$2,600 and
  downloads the 居留證 of its admitted, not yet registered student;
- a school files a 港澳延期 group (zh, en), and a registered Hong Kong student files their own (en)."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.domain.roster import academic_year
from tests.browser.conftest import LiveServer, check_and_submit, demo_server, latest_code, login, shot
from tests.browser.seed_lines import SINGLE_PERMITS
from tests.browser.test_apply_browser import image_file, upload
from tests.browser.test_review_browser import admin_login

pytestmark = pytest.mark.browser

TEXT = {
    "zh": {"lang": "zh_Hant_TW", "check": "確認是否送件", "done": "送件成功，團號：", "saved": "儲存成功"},
    "en": {
        "lang": "en",
        "check": "Check your answers before submitting",
        "done": "group no.",
        "saved": "Saved",
    },
}
MULTIPLE = "/apply/mainland_multiple/mainland-multiple"


@pytest.fixture(scope="module")
def journey_server():
    """The app with the demo data and the school's issued single-entry permits, the sandbox gateway beside it."""
    with demo_server("arc-journeys-browser-", ("tests.browser.seed_lines", "issued"), gateway=True) as base:
        yield base


def _start(page, base: str, wizard: str, lang: str, name: str, tmp_path) -> str:
    """Terms, 送件人 (prefilled from the account), 申請資料 with the 委託書; returns the draft's id."""
    page.goto(f"{base}/lang/{TEXT[lang]['lang']}?next={wizard}/terms")
    page.check("#f-agree")
    page.click(f"form[action='{wizard}/terms'] button[type=submit]")
    page.click("form button.button[type=submit]")
    page.fill("#f-name", name)
    page.fill("#f-member_count", "1")
    page.select_option("#f-station_code", "S01")
    upload(page, "power_of_attorney", image_file(tmp_path, "power_of_attorney.jpg"))
    page.click("button[value=save]:not(.default-submit)")
    expect(page).to_have_url(re.compile(rf"{wizard}/\d+/applicants$"))
    return re.search(rf"{wizard}/(\d+)/", page.url).group(1)


def _submit(page, base: str, wizard: str, app_id: str, lang: str, fee: str, name: str) -> str:
    """確認送件, 送出: the result page names the 團號 and the fee; returns its message."""
    text = TEXT[lang]
    url = f"{base}{wizard}/{app_id}/check"
    return check_and_submit(page, url, text["check"], fee, f"b14-{name}-{{}}-{lang}", text["done"])


def _decide(browser, base: str, line: str, group_no: str, permit_label: str) -> None:
    """First review by reviewer1, second review and approval by reviewer2 (four eyes)."""
    for username, action in (("reviewer1", "pass_first_review"), ("reviewer2", "approve")):
        ctx = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        admin_login(page, base, username)
        page.goto(f"{base}/review/find?line={line}&station=all")
        page.locator("tr", has_text=group_no).first.locator("a").first.click()
        page.wait_for_selector("#h-decide")
        expect(page.locator("dt:has-text('核發證別') + dd")).to_have_text(permit_label)
        page.click(f"form[action$='/decide']:has(#f-comment) button[value={action}]")
        expect(page.locator(".flash")).to_contain_text("審核決定已儲存")
        shot(page, f"b14-review-{line}-{username}")
        ctx.close()


def _pay(page, base: str, group: str, fee: int) -> None:
    """繳費: the group's row, the fee to pay, the sandbox card, 交易成功."""
    page.goto(base + "/payment")
    page.locator("tr", has_text=group).locator("input[name=group]").check()
    page.get_by_role("button", name="付款").click()
    expect(page.locator(".pay-summary")).to_contain_text(str(fee))
    page.get_by_role("button", name="確認繳費").click()
    page.get_by_label("國際信用卡網路繳費").check()
    page.get_by_role("button", name="開始繳費").click()
    amount = f"{fee:,}"
    expect(page.locator("body")).to_contain_text(f"NT$ {amount} TWD")
    page.fill("#card", "4242 4242 4242 4242")
    page.get_by_role("button", name=f"確認付款 Pay NT$ {amount}").click()
    page.wait_for_url(f"{base}/payment/result/*")
    expect(page.locator(".pay-ok")).to_contain_text("交易成功")


def _download_permit(page, base: str, row_text: str, path: Path) -> str:
    """下載專區 > the permit's row: the PDF saved, its text returned."""
    page.goto(base + "/downloads/permits")
    row = page.locator("tr", has_text=row_text).first
    expect(row).to_be_visible()
    shot(page, f"b14-downloads-{path.stem}")
    with page.expect_download() as got:
        row.get_by_role("link").click()
    got.value.save_as(path)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_school_files_a_multiple_entry_group_from_an_issued_single_entry_permit(
    journey_server, browser, page, tmp_path, lang
):
    base = journey_server
    login(page, base)
    name = f"多次證旅程 {lang}"
    app_id = _start(page, base, MULTIPLE, lang, name, tmp_path)
    # 新增申請人 starts with the single-entry permit issued here and the date of entry
    entered = date.today() - timedelta(days=20)
    page.fill("#f-permit_no", SINGLE_PERMITS[lang])
    page.fill("#f-entry_date", entered.strftime("%Y/%m/%d"))
    shot(page, f"b14-mainland-multiple-lookup-{lang}")
    page.click("form.lookup-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"{MULTIPLE}/{app_id}/applicants/\d+$"))
    # prefilled from the single-entry case
    expect(page.locator("#f-name_en")).to_have_value(f"WANG XIAOMING {lang.upper()}")
    expect(page.locator("#f-name_zh")).to_have_value("王小明")
    expect(page.locator("#f-prc_id")).to_have_value("11010519491231002X")
    expect(page.locator("main")).to_contain_text(SINGLE_PERMITS[lang])
    shot(page, f"b14-mainland-multiple-prefilled-{lang}")
    page.select_option("#f-student_status", "continuing")
    for doc in ("enrolment_or_student_card", "taiwan_travel_permit", "single_entry_permit"):
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))
    if page.locator("input[name='file_photo']").count():
        upload(page, "photo", image_file(tmp_path, "photo.jpg", (200, 180, 160)))
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text(TEXT[lang]["saved"])
    shot(page, f"b14-mainland-multiple-applicant-{lang}")
    done = _submit(page, base, MULTIPLE, app_id, lang, "1,000", "mainland-multiple")
    group_no = re.search(r"\d{2}116\d{4}", done)
    assert group_no, done  # 陸生: business code 116
    if lang != "zh":
        return
    # one language is enough for the rest: four eyes decide, the school pays NT$1,000 and gets its 多次證
    _decide(browser, base, "mainland_multiple", group_no.group(0), "多次證")
    _pay(page, base, name, 1000)
    text = _download_permit(page, base, "多次證", tmp_path / "multiple.pdf")
    assert "臺灣地區入出境許可證（多次）" in text and group_no.group(0) in text, text
    assert "WANG XIAOMING ZH" in text, text  # the applicant prefilled from the single-entry case


# the demo roster's admitted (not yet registered) Hong Kong and Macau students of the demo school
HKMO_STUDENTS = {
    "zh": ("D1000003", "chan ka ho", "2005/01/08", "K1234560"),
    "en": ("D1000005", "lei ka ian", "2005/11/02", "12345678"),
}
HKMO_DOCS = (
    "hkmo_permanent_id",
    "placement_notice_overseas",
    "enrolment_certificate",
    "police_record",
    "health_certificate_b",
    "entry_exit_permit",
    "hkmo_identity_confirmation",
    "residence_declaration",
)


def _student_login(page, base: LiveServer, passport_no: str, name_en: str, born: str) -> None:
    """個人登入 of a roster student, with the code mailed to them."""
    mail = f"{passport_no.lower()}@example.org"
    page.goto(base + "/foreign-student/individual/login")
    page.select_option("#f-year", str(academic_year(date.today())))
    page.fill("#f-passport_no", passport_no)
    page.fill("#f-name_en", name_en)
    page.fill("#f-birth_date", born)
    page.fill("#f-captcha", "TEST1")
    page.click("form[action='/foreign-student/individual/login'] button[type=submit]")
    page.wait_for_selector("#f-email, #f-code")
    if page.locator("#f-email").count():
        page.fill("#f-email", mail)
        page.click("form[action='/foreign-student/individual/email'] button[type=submit]")
    page.fill("#f-code", latest_code(base.var_dir, mail))
    page.click("form[action='/foreign-student/individual/code'] button[type=submit]")
    page.wait_for_url(base + "/student")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_hkmo_student_files_a_resident_certificate_for_themself(
    journey_server, browser, page, tmp_path, lang
):
    base = journey_server
    passport_no, name_en, born, card_no = HKMO_STUDENTS[lang]
    _student_login(page, base, passport_no, name_en, born)
    wizard = "/student/apply/hkmo/hkmo"
    expect(page.locator(f".main-menu a[href='{wizard}']")).to_have_count(1)
    page.goto(f"{base}/lang/{TEXT[lang]['lang']}?next={wizard}")
    page.check("#f-agree")
    page.click(f"form[action='{wizard}'] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"{wizard}/\d+$"))
    expect(page.locator("#f-hkmo_id")).to_have_value(card_no)  # prefilled from the roster
    expect(page.locator("input[name='file_power_of_attorney']")).to_have_count(0)  # no 委託書 of their own
    page.select_option("#f-station_code", "S01")
    upload(page, "photo", image_file(tmp_path, "photo.jpg", (200, 180, 160)))
    for doc in HKMO_DOCS:
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))
    page.fill("#f-passport_no", f"K{passport_no[1:]}")
    page.fill("#f-entry_permit_no", "HK1234567")
    page.fill("#f-entry_date", (date.today() - timedelta(days=7)).strftime("%Y/%m/%d"))
    page.fill("#f-department", "電機工程學系")
    page.select_option("#f-addr_county", "臺北市")
    expect(page.locator("#f-addr_district option[value='大安區']")).to_have_count(1)
    page.select_option("#f-addr_district", "大安區")
    page.fill("#f-addr_street", "羅斯福路四段")
    page.fill("#f-addr_number", "1號")
    shot(page, f"b14-student-hkmo-form-{lang}")
    page.click("button[value=submit]")
    expect(page).to_have_url(re.compile(rf"{wizard}/\d+/check$"))
    expect(page.locator("main")).to_contain_text(TEXT[lang]["check"])
    expect(page.locator("main")).to_contain_text("2,600")
    expect(page.locator("main")).to_contain_text(name_en.upper())
    shot(page, f"b14-student-hkmo-check-{lang}")
    page.click("form[data-submit-once] button[type=submit]")
    page.wait_for_url(base + "/student")
    expect(page.locator(".flash")).to_be_visible()
    shot(page, f"b14-student-hkmo-sent-{lang}")
    if lang != "zh":
        return
    # one language is enough for the rest: four eyes decide, the school pays NT$2,600 and gets the 居留證 of
    # its admitted, not yet registered student
    with sqlite3.connect(base.var_dir.parent / "browser.sqlite") as conn:
        (group_no,) = conn.execute(
            "SELECT group_no FROM application WHERE business_line = 'hkmo' AND kind = 'first' "
            "AND group_no IS NOT NULL ORDER BY id DESC"
        ).fetchone()
    _decide(browser, base, "hkmo", group_no, "居留證")
    ctx = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    school = ctx.new_page()
    school.set_default_timeout(15_000)
    login(school, base)
    school.wait_for_url(base + "/")
    _pay(school, base, group_no, 2600)
    text = _download_permit(school, base, name_en.upper(), tmp_path / "hkmo.pdf")
    ctx.close()
    assert "中華民國居留證" in text and name_en.upper() in text and group_no in text, text


EXTENSION = "/apply/hkmo/hkmo-extension"
MACAU_EXTENSION = {
    "#f-ui_no": "A800000014",
    "#f-name_zh": "何家明",
    "#f-name_en": "HO KA MENG",
    "#f-birth_date": "2004/04/04",
    "#f-hkmo_id": "1234567(8)",
    "#f-passport_no": "MA1234567",
    "#f-department": "法律學系",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_school_files_a_hkmo_extension_group(journey_server, page, tmp_path, lang):
    base = journey_server
    login(page, base)
    app_id = _start(page, base, EXTENSION, lang, f"港澳延期旅程 {lang}", tmp_path)
    page.locator("details.add-dialog summary").click()
    page.check("#f-identity-mo")
    page.click("form.add-dialog__body button[type=submit]")
    expect(page).to_have_url(re.compile(rf"{EXTENSION}/{app_id}/applicants/\d+$"))
    for field, value in MACAU_EXTENSION.items():
        page.fill(field, value)
    page.fill("#f-current_expiry", (date.today() + timedelta(days=20)).strftime("%Y/%m/%d"))
    page.check("#f-first_online_extension")
    for doc in ("resident_certificate", "enrolment_certificate"):
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))
    page.click("button[value=save]:not(.default-submit)")
    # the first extension filed online needs a photo: said by its field and in the summary, typed values stay
    expect(page.locator("#f-doc_extension_photo-error")).to_be_visible()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#f-name_en")).to_have_value("HO KA MENG")
    shot(page, f"b14-hkmo-extension-photo-missing-{lang}")
    upload(page, "extension_photo", image_file(tmp_path, "extension_photo.jpg", (200, 180, 160)))
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text(TEXT[lang]["saved"])
    shot(page, f"b14-hkmo-extension-applicant-{lang}")
    done = _submit(page, base, EXTENSION, app_id, lang, "300", "hkmo-extension")
    assert re.search(r"\d{2}108\d{4}", done), done  # 港澳: business code 108


# Two registered students of the demo roster, one per language: (passport, name, birth date, 統一證號, card no.)
EXTENSION_STUDENTS = {
    "en": ("D1000004", "wong wing sze", "2003/06/21", "A990000022", "Y654321(7)", "WONG WING SZE"),
    "zh": ("D1000006", "ho chi wai", "2002/04/17", "A890000011", "5215299(8)", "HO CHI WAI"),
}
SENT = {
    "en": ("Your application has been submitted", "Awaiting first review"),
    "zh": ("送件成功", "待初審"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_registered_hkmo_student_files_their_own_extension(journey_server, page, tmp_path, lang):
    base = journey_server
    passport, name, born, ui_no, card_no, name_en = EXTENSION_STUDENTS[lang]
    _student_login(page, base, passport, name, born)  # a registered student: the roster names the 統一證號
    wizard = "/student/apply/hkmo/hkmo-extension"
    expect(page.locator(f".main-menu a[href='{wizard}']")).to_have_count(1)
    page.goto(f"{base}/lang/{TEXT[lang]['lang']}?next={wizard}")
    page.check("#f-agree")
    page.click(f"form[action='{wizard}'] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"{wizard}/\d+$"))
    expect(page.locator("#f-ui_no")).to_have_value(ui_no)  # prefilled from the roster
    page.select_option("#f-station_code", "S01")
    page.fill("#f-hkmo_id", card_no)
    page.fill("#f-passport_no", "KJ6543217")
    page.fill("#f-department", "法律學系")
    page.fill("#f-current_expiry", (date.today() + timedelta(days=20)).strftime("%Y/%m/%d"))
    for doc in ("resident_certificate", "enrolment_certificate"):
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))
    shot(page, f"b14-student-hkmo-extension-form-{lang}")
    page.click("button[value=submit]")
    expect(page).to_have_url(re.compile(rf"{wizard}/\d+/check$"))
    expect(page.locator("main")).to_contain_text(TEXT[lang]["check"])
    expect(page.locator("main")).to_contain_text(name_en)
    expect(page.locator("main")).to_contain_text("300")
    shot(page, f"b14-student-hkmo-extension-check-{lang}")
    page.click("form[data-submit-once] button[type=submit]")
    page.wait_for_url(base + "/student")
    expect(page.locator(".flash")).to_contain_text(SENT[lang][0])
    new = page.locator("tr", has_text=name_en)
    expect(new).to_contain_text(SENT[lang][1])
    expect(new).to_contain_text(re.compile(r"\d{2}108\d{4}"))  # 港澳: business code 108
    shot(page, f"b14-student-hkmo-extension-sent-{lang}")
