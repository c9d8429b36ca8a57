"""A student signs in by roster match and emailed code, and files their own application."""

from __future__ import annotations

import email
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.domain.roster import academic_year
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def _latest_code(var_dir) -> str:
    mails = sorted((var_dir / "outbox").glob("*.eml"))
    for path in reversed(mails):
        msg = email.message_from_bytes(path.read_bytes())
        if msg["To"] == "student.one@example.org":
            return re.search(r"\b(\d{6})\b", msg.get_payload(decode=True).decode()).group(1)
    raise AssertionError("no code mail")


def test_student_signs_in_and_opens_their_application(live_server, page):
    page.goto(live_server + "/foreign-student/individual/login")
    expect(page.locator("h1")).to_have_text("外生、外僑生居留證申請 - 個人申請")
    # A detail that is not in the school's list: the same plain message, whichever field.
    page.select_option("#f-year", str(academic_year(date.today())))
    page.fill("#f-passport_no", "MM214587")
    page.fill("#f-name_en", "student one")
    page.fill("#f-birth_date", "1988/02/03")
    page.fill("#f-captcha", "TEST1")
    page.click("form[action='/foreign-student/individual/login'] button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("學校")
    shot(page, "student-login-nomatch-zh")
    page.fill("#f-birth_date", "1988/02/02")
    page.fill("#f-captcha", "TEST1")
    page.click("form[action='/foreign-student/individual/login'] button[type=submit]")
    expect(page.locator("h1")).to_have_text("確認您的電子郵件")
    page.fill("#f-email", "student.one@example.org")
    page.click("form[action='/foreign-student/individual/email'] button[type=submit]")
    expect(page.locator("h1")).to_have_text("輸入電子郵件中的驗證碼")
    page.fill("#f-code", _latest_code(live_server.var_dir))
    page.click("form[action='/foreign-student/individual/code'] button[type=submit]")
    page.wait_for_url(live_server + "/student")
    expect(page.locator(".session-user")).to_contain_text("STUDENT ONE")
    shot(page, "student-home-zh")
    # 線上申辦 → terms → the form prefilled from the roster.
    page.goto(live_server + "/student/apply/foreign/first")
    page.check("#f-agree")
    page.click("form[action='/student/apply/foreign/first'] button[type=submit]")
    expect(page.locator("#f-passport_no")).to_have_value("MM214587")
    expect(page.locator("#f-station_code")).to_be_visible()
    expect(page.locator("text=錄取證明").first).to_be_visible()
    shot(page, "student-apply-zh")
