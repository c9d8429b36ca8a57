"""The roster in a real browser: a clerk downloads the template, fills it, uploads it, and reads the result."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from app.services import excel
from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

GOOD = [
    "",
    "Tanaka Taro",
    "20020401",
    "FG_外生",
    "JP_日本",
    "0_男",
    "",
    "TK7654321",
    "外國與外僑學生進入臺灣地區就學",
    "學士",
    "2年級",
    "A_已錄取未註冊",
]
BAD = [
    "",
    "Bad Date",
    "19990231",
    "FG_外生",
    "JP_日本",
    "0_男",
    "",
    "TK7654322",
    "外國與外僑學生進入臺灣地區就學",
    "學士",
    "2年級",
    "A_已錄取未註冊",
]


def test_upload_a_filled_template_and_see_the_result_table(live_server, page, tmp_path):
    base = live_server
    # The import report and the list run under the pages' CSP (no inline style) without a violation.
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile"
        " + ':' + e.lineNumber));"
    )
    login(page, base, "03734302")  # the second demo school, so other tests' data stays as the demo made it
    page.wait_for_url(base + "/")
    page.click("summary:has-text('帳號維護')")
    page.click("a:has-text('匯入錄取/註冊資料')")
    page.wait_for_url(base + "/roster/import")
    expect(page.locator("h1")).to_have_text("學生錄取/註冊資料 - 匯入資料")

    # 下載範例檔, fill it as a clerk would, save it.
    with page.expect_download() as info:
        page.click("text=下載範例檔")
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    wb = openpyxl.load_workbook(template)
    ws = wb[excel.SHEET_TITLE]
    ws.append(GOOD)
    ws.append(BAD)
    filled = tmp_path / "Student_List.xlsx"
    wb.save(filled)

    page.select_option("#f-semester", "1")
    page.set_input_files("#f-file", str(filled))
    page.click("#roster-import button[type=submit]")
    result = page.locator(".roster-result")
    expect(result).to_be_visible()
    expect(result.locator("h2")).to_have_text("Student_List.xlsx: 成功, 匯入資料: 1筆")
    errors = page.locator("table.roster-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("19990231")
    expect(errors.first).to_contain_text("不是有效的日期")
    assert "/roster/imports/" in page.url
    shot(page, "roster-import-result-zh")

    # The rejected rows download as .xlsx with the message.
    with page.expect_download() as info:
        page.click("text=下載未匯入資料列")
    rejected = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))[excel.SHEET_TITLE]
    # The message stands after the data columns A..N and the row number.
    assert rejected["B2"].value == "Bad Date" and "不是有效的日期" in rejected["P2"].value

    # The roster list shows the imported student next to the demo rows, and finds it.
    page.goto(base + "/roster")
    expect(page.locator("#roster-results")).to_contain_text("TANAKA TARO")
    page.fill("#q-passport", "TK765")
    page.click(".roster-filters button[type=submit]")
    expect(page.locator("#roster-results tbody tr")).to_have_count(1)
    shot(page, "roster-list-zh")

    # The same result page in English.
    page.goto(base + "/lang/en?next=/roster/import")
    page.click("text=View")
    expect(page.locator(".roster-result h2")).to_have_text("Student_List.xlsx: success, rows imported: 1")
    expect(page.locator("table.roster-errors")).to_contain_text("Not a real date")
    shot(page, "roster-import-result-en")
    assert violations == []


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_roster_pages_have_no_serious_accessibility_violations(live_server, browser, lang, tmp_path):
    from tests.browser.test_accessibility import violations

    context = browser.new_context(bypass_csp=True, locale="zh-TW" if lang != "en" else "en-US")
    page = context.new_page()
    try:
        login(page, live_server, "03734302")
        page.wait_for_url(live_server + "/")
        for path in ("/roster/import", "/roster"):
            page.goto(live_server + path)
            assert violations(page) == [], path
        edit = page.locator("a[href$='/edit']").first.get_attribute("href")
        for path in (edit, edit.replace("/edit", "/delete")):
            page.goto(live_server + path)
            assert violations(page) == [], path
        # The import form with its errors, then a result with a table of problems.
        page.goto(live_server + "/roster/import")
        page.click("#roster-import button[type=submit]")
        expect(page.locator(".error-summary")).to_be_visible()
        assert violations(page) == []
        wb = openpyxl.Workbook()
        wb.active.append(
            [c.value for c in openpyxl.load_workbook(io.BytesIO(excel.template_xlsx()))[excel.SHEET_TITLE][1]]
        )
        wb.active.append(BAD)
        file = tmp_path / "a11y.xlsx"
        wb.save(file)
        page.set_input_files("#f-file", str(file))
        page.click("#roster-import button[type=submit]")
        expect(page.locator(".roster-result")).to_be_visible()
        assert violations(page) == []
    finally:
        context.close()
