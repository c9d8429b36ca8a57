"""Issue 14 in a real browser: a school clerk adds a 陸生 applicant, saves, and downloads the 申請書 the system
filled from what was saved (下載系統產生之表單), then the group's 保證書 from 申請資料."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def _text(path) -> str:
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_clerk_downloads_the_application_form_filled_from_the_saved_applicant(live_server, page):
    base = live_server
    login(page, base)
    page.goto(base + "/apply/mainland_single/mainland-single/terms")
    page.check("input[name=agree]")
    page.click("form[action$='/terms'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/submitter$"))
    page.click("form[action$='/submitter'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/details$"))
    group = page.url.removesuffix("/details")
    page.goto(group + "/applicants")
    page.click("summary.button")
    page.check("#f-identity-cn")
    page.click("form.add-dialog__body button[type=submit]")
    page.wait_for_url(re.compile(r".*/applicants/\d+$"))
    for name, value in {
        "name_zh": "王小明",
        "name_en": "WANG XIAOMING",
        "birth_date": "1999/12/31",
        "prc_id": "11010519491231002X",
        "passport_no": "L12345678",
        "department": "資訊工程學系",
    }.items():
        page.fill(f"#f-{name}", value)
    page.click("button[value=save]:not(.default-submit)")
    page.wait_for_load_state()
    link = page.get_by_role("link", name=re.compile("下載系統產生之表單"))
    assert link.count() == 1
    shot(page, "wizard-forms-applicant-zh")
    with page.expect_download() as download:
        link.click()
    text = _text(download.value.path())
    assert "王小明" in text and "11010519491231002X" in text and "L12345678" in text

    page.goto(group + "/details")
    links = page.get_by_role("link", name=re.compile("下載系統產生之"))
    assert links.count() == 3  # 保證書; 團體名冊 as PDF and as Excel
    with page.expect_download() as download:
        links.first.click()
    text = _text(download.value.path())
    assert "保證書" in text and "王小明" in text
