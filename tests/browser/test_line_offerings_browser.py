"""Issue 14 in a real browser: a school files a 陸生(含親屬)就學入臺單次證 group and a 港澳生居留證 group through
the one wizard, in zh-Hant-TW and in English: terms (degree students only, 花蓮縣服務站), the group's own
documents, the offering's fields and documents, a refused identifier shown beside its field, the deadline
note, 確認送件 and the result page with the 團號 of the line's business code and the fee."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_and_submit, login, shot
from tests.browser.test_apply_browser import image_file, upload

pytestmark = pytest.mark.browser

TEXT = {
    "zh": {
        "lang": "zh_Hant_TW",
        "terms": ("學位生", "花蓮縣服務站"),
        "single_title": "陸生(含親屬)就學入臺單次證",
        "prc_error": "請輸入18碼大陸居民身分證號碼",
        "saved": "儲存成功",
        "check": "確認是否送件",
        "done": "送件成功，團號：",
        "hkmo_note": "入境後三個月內",
        "apply_menu": "線上申辦",
        "no_permit": "查無本系統核發給貴校陸生的此號單次證",
    },
    "en": {
        "lang": "en",
        "terms": ("degree students", "Hualien County Service Center"),
        "single_title": "Mainland students (and relatives): single-entry permit to study",
        "prc_error": "Enter the 18-character resident identity number",
        "saved": "Saved successfully",
        "check": "Check your answers before submitting",
        "done": "group no.",
        "hkmo_note": "three months after entry",
        "apply_menu": "Apply online",
        "no_permit": "No single-entry permit issued by this system",
    },
}


LINES = {"mainland-single": "mainland_single", "mainland-multiple": "mainland_multiple", "hkmo": "hkmo"}


def _wizard(slug: str) -> str:
    return f"/apply/{LINES[slug]}/{slug}"


def _start(page, base: str, slug: str, lang: str, name: str, group_docs: tuple[str, ...], tmp_path) -> str:
    page.goto(f"{base}/lang/{TEXT[lang]['lang']}?next={_wizard(slug)}/terms")
    for words in TEXT[lang]["terms"] if slug.startswith("mainland") else ():
        expect(page.locator("main")).to_contain_text(words)
    shot(page, f"l14a-{slug}-terms-{lang}")
    page.check("#f-agree")
    page.click(f"form[action='{_wizard(slug)}/terms'] button[type=submit]")
    page.click("form button.button[type=submit]")  # 送件人: 下一步 (prefilled from the account)
    page.fill("#f-name", name)
    page.fill("#f-member_count", "1")
    page.select_option("#f-station_code", "S01")
    for doc in group_docs:
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))
    shot(page, f"l14a-{slug}-details-{lang}")
    page.click("button[value=save]:not(.default-submit)")
    # 下一步並儲存資料 leads to the offering's own applicants step
    expect(page).to_have_url(re.compile(r"/apply/[a-z_]+/[a-z-]+/\d+/applicants$"))
    return re.search(r"/apply/[a-z_]+/[a-z-]+/(\d+)/", page.url).group(1)


def _add_applicant(page, base: str, app_id: str, identity: str) -> None:
    page.goto(f"{base}/apply/kinds/{app_id}/applicants")  # the older address leads to the wizard's step
    page.locator("details.add-dialog summary").click()
    page.check(f"#f-identity-{identity}")
    page.click("form.add-dialog__body button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/apply/[a-z_]+/[a-z-]+/{app_id}/applicants/\d+$"))


def _submit(page, base: str, line: str, slug: str, app_id: str, lang: str, fee: str) -> str:
    url = f"{base}/apply/{line}/{slug}/{app_id}/check"
    return check_and_submit(page, url, TEXT[lang]["check"], fee, f"l14a-{slug}-{{}}-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_school_files_a_mainland_single_entry_group(live_server, page, tmp_path, lang):
    login(page, live_server)
    app_id = _start(
        page,
        live_server,
        "mainland-single",
        lang,
        f"陸生單次證 {lang}",
        ("guarantee", "group_roster", "power_of_attorney"),
        tmp_path,
    )
    _add_applicant(page, live_server, app_id, "cn")
    upload(page, "photo", image_file(tmp_path, "photo.jpg", (200, 180, 160)))
    for doc in ("mainland_entry_form", "mainland_resident_id", "admission_letter"):
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))
    page.fill("#f-name_zh", "王小明")
    page.fill("#f-name_en", "WANG XIAOMING")
    page.select_option("#f-gender", "M")
    page.fill("#f-birth_date", "1949/12/31")
    page.fill("#f-prc_id", "110105194912310021")  # a wrong check character
    page.fill("#f-passport_no", "L12345678")
    page.select_option("#f-student_status", "new")
    page.fill("#f-department", "資訊工程學系")
    page.select_option("#f-program", "master")
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator("#f-prc_id-error")).to_contain_text(TEXT[lang]["prc_error"])
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#f-name_en")).to_have_value("WANG XIAOMING")  # what was typed stays
    shot(page, f"l14a-mainland-single-applicant-error-{lang}")
    page.fill("#f-prc_id", "11010519491231002X")
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text(TEXT[lang]["saved"])
    shot(page, f"l14a-mainland-single-applicant-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"l14a-mainland-single-applicant-{lang}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    done = _submit(page, live_server, "mainland_single", "mainland-single", app_id, lang, "600")
    assert re.search(r"\d{2}116\d{4}", done), done  # 陸生: business code 116
    # 陸生多次證 starts with the single-entry permit: an unknown number is refused beside its field
    page.locator("nav.main-menu--bar summary", has_text=TEXT[lang]["apply_menu"]).click()
    shot(page, f"l14a-menu-{lang}")
    page.click("nav.main-menu--bar a[href='/apply/mainland_multiple/mainland-multiple']")
    shot(page, f"l14a-mainland-multiple-drafts-{lang}")
    multiple_id = _start(
        page, live_server, "mainland-multiple", lang, f"多次證 {lang}", ("power_of_attorney",), tmp_path
    )
    page.goto(f"{live_server}{_wizard('mainland-multiple')}/{multiple_id}/applicants")
    page.fill("#f-permit_no", "S000000000")
    page.fill("#f-entry_date", (date.today() - timedelta(days=5)).strftime("%Y/%m/%d"))
    page.click("form.lookup-form button[type=submit]")
    expect(page.locator("#f-permit_no-error")).to_contain_text(TEXT[lang]["no_permit"])
    expect(page.locator(".error-summary")).to_be_visible()
    shot(page, f"l14a-mainland-multiple-lookup-refused-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_school_files_a_hkmo_resident_certificate_group(live_server, page, tmp_path, lang):
    login(page, live_server)
    app_id = _start(page, live_server, "hkmo", lang, f"港澳生 {lang}", ("power_of_attorney",), tmp_path)
    _add_applicant(page, live_server, app_id, "hk")
    upload(page, "photo", image_file(tmp_path, "photo.jpg", (200, 180, 160)))
    for doc in (
        "hkmo_permanent_id",
        "placement_notice_overseas",
        "enrolment_certificate",
        "police_record",
        "health_certificate_b",
        "entry_exit_permit",
        "hkmo_identity_confirmation",
        "residence_declaration",
    ):
        upload(page, doc, image_file(tmp_path, f"{doc}.jpg"))
    page.fill("#f-name_zh", "陳大文")
    page.fill("#f-name_en", "CHAN TAI MAN")
    page.select_option("#f-gender", "M")
    page.fill("#f-birth_date", "2005/01/02")
    page.fill("#f-hkmo_id", "A123456(3)")
    page.fill("#f-passport_no", "K12345678")
    page.fill("#f-entry_permit_no", "HK1234567")
    entered = date.today() - timedelta(days=10)
    page.fill("#f-entry_date", entered.strftime("%Y/%m/%d"))
    page.fill("#f-department", "電機工程學系")
    page.select_option("#f-program", "bachelor")
    page.select_option("#f-addr_county", "臺北市")
    # the district list follows the county (htmx swaps it): 大安區 then names Taipei's alone
    expect(page.locator("#f-addr_district option[value='大安區']")).to_have_count(1)
    page.select_option("#f-addr_district", "大安區")
    page.fill("#f-addr_street", "羅斯福路四段")
    page.fill("#f-addr_number", "1號")
    page.click("button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text(TEXT[lang]["saved"])
    expect(page.locator("#f-entry_date-note")).to_contain_text(TEXT[lang]["hkmo_note"])
    shot(page, f"l14a-hkmo-applicant-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll on a phone
    shot(page, f"l14a-hkmo-applicant-{lang}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    done = _submit(page, live_server, "hkmo", "hkmo", app_id, lang, "2,600")
    assert re.search(r"\d{2}108\d{4}", done), done  # 港澳: business code 108
