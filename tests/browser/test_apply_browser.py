"""A clerk files a group of 3 (one from the roster) with uploads, from 我要申請 to 送件成功, and sees it
on the dashboard."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def image_file(tmp: Path, name: str, color=(120, 30, 30)) -> str:
    path = tmp / name
    out = io.BytesIO()
    Image.new("RGB", (120, 160), color).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def upload(page, doc: str, path: str) -> None:
    page.set_input_files(f"input[name='file_{doc}']", path)


def fill_applicant(page, tmp: Path, *, name_en: str | None, overseas: bool = False) -> None:
    """Fill what the roster does not know (or everything), upload the documents and save."""
    upload(page, "photo", image_file(tmp, "photo.jpg", (200, 180, 160)))
    expect(page.locator("#photo-preview")).to_be_visible()  # the preview shows before upload
    page.check("#f-enrollment_status-R")
    for doc in ("passport", "visa", "accommodation") + (("placement_notice",) if overseas else ()):
        upload(page, doc, image_file(tmp, f"{doc}.jpg"))
    if name_en is not None:
        page.check("#f-no_chinese_name")
        page.fill("#f-name_en", name_en)
        page.fill("#f-birth_date", "20010502")  # typed without slashes
        page.fill("#f-passport_no", "P" + str(abs(hash(name_en)))[:8])
        page.select_option("#f-gender", "F")
        page.select_option("#f-program", "bachelor")
        page.select_option("#f-nationality", "JP")
    page.fill("#f-passport_expiry", "2031/01/31")
    page.fill("#f-visa_issue_date", "2026/08/01")
    page.select_option("#f-marital_status", "single")
    page.select_option("#f-education", "senior_high")
    page.fill("#f-department", "資訊管理學系")
    page.select_option("#f-birthplace", "JP")
    if page.locator("#f-addr_county").input_value() != "臺北市":
        with page.expect_response(lambda r: "/address/districts" in r.url):
            page.select_option("#f-addr_county", "臺北市")
        page.wait_for_timeout(100)  # the swapped select settles
    page.locator("#f-addr_district").select_option("大安區")
    page.fill("#f-addr_street", "羅斯福路四段")
    page.fill("#f-addr_number", "1號")
    page.click("button[value=save]:not(.default-submit)")
    summary = page.locator(".error-summary")
    assert summary.count() == 0, summary.inner_text()
    expect(page.locator(".flash")).to_contain_text("儲存成功")


def test_file_a_group_of_three(live_server, page, tmp_path):
    login(page, live_server)
    page.goto(live_server + "/apply/foreign/first")
    page.click("text=我要申請")
    page.click("form[action='/apply/foreign/first/terms'] button[type=submit]")  # not ticked: refused
    expect(page.locator(".error-summary")).to_be_visible()
    page.check("#f-agree")
    page.click("form[action='/apply/foreign/first/terms'] button[type=submit]")
    # 送件人: prefilled from the account
    expect(page.locator("#f-submitter_name")).to_have_value("測試人")
    page.click("text=下一步")
    # 申請資料
    page.fill("#f-name", "瀏覽器測試團")
    page.fill("#f-member_count", "3")
    page.select_option("#f-station_code", "S01")
    upload(page, "power_of_attorney", image_file(tmp_path, "委託書.jpg"))
    page.click("text=下一步並儲存資料")
    expect(page.locator(".flash")).to_contain_text("儲存成功")
    app_url = page.url
    # 1: from the roster
    page.click("text=從名冊加入")
    page.fill("#f-name", "SATO")
    page.click("form.filters button[type=submit]")
    page.locator("tr", has_text="SATO HANAKO").locator("input[name=entry]").check()
    page.click("text=加入勾選的學生")
    row = page.locator("tbody tr", has_text="SATO HANAKO")
    expect(row).to_contain_text("外生")
    expect(row).to_contain_text("未完成")
    row.locator("text=編輯").click()
    expect(page.locator("#f-name_en")).to_have_value("SATO HANAKO")
    shot(page, "apply-roster-applicant")
    fill_applicant(page, tmp_path, name_en=None)
    page.goto(app_url)
    # 2 and 3: 新增申請人 asks the identity first
    for name, overseas in (("BROWSER FOREIGN", False), ("BROWSER OVERSEAS", True)):
        page.click("summary:has-text('新增申請人')")
        page.check("#f-identity-overseas" if overseas else "#f-identity-foreign")
        page.click(".add-dialog button[type=submit]")
        fill_applicant(page, tmp_path, name_en=name, overseas=overseas)
        page.goto(app_url)
    expect(page.locator("tbody tr", has_text="已完成")).to_have_count(3)
    shot(page, "apply-ready")
    page.click("text=送出")
    expect(page.locator("text=確認是否送件?")).to_be_visible()
    page.click("form[data-submit-once] button[type=submit]")
    flash = page.locator(".flash--big")
    expect(flash).to_contain_text("送件成功，團號：")
    group_no = re.search(r"\d{9}", flash.inner_text()).group(0)
    expect(page.locator(".student-card")).to_have_count(3)
    shot(page, "apply-submitted")
    page.goto(live_server + "/")
    new = page.locator("section", has_text="新申請案件")
    expect(new.locator("tr", has_text=group_no)).to_contain_text("待初審")
    page.goto(live_server + "/apply/foreign/first")
    expect(page.locator("text=瀏覽器測試團")).to_have_count(0)
