"""A student signs in by roster match and emailed code, and files their own application."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from app.domain.roster import academic_year
from tests.browser.conftest import latest_code, shot

pytestmark = pytest.mark.browser

MAIL = "student.first@example.org"


def test_student_signs_in_and_opens_their_application(live_server, page):
    # The test's own registered 外生 of the demo school: no other test has signed in as them, so this is
    # their first sign-in, whichever tests ran before on the same server.
    live_server.roster_student(
        name_zh="外生初",
        name_en="STUDENT FIRST",
        birth_date="1990-04-05",
        category="FG",
        nationality="LS",
        gender="F",
        passport_no="MM300415",
        qualification="FOREIGN",
        program="A",
        grade="1",
        status="R",
    )
    page.goto(live_server + "/foreign-student/individual/login")
    expect(page.locator("h1")).to_have_text("外生、外僑生居留證申請 - 個人申請")
    # A detail that is not in the school's list: the same plain message, whichever field.
    page.select_option("#f-year", str(academic_year(date.today())))
    page.fill("#f-passport_no", "MM300415")
    page.fill("#f-name_en", "student first")
    page.fill("#f-birth_date", "1990/04/06")
    page.fill("#f-captcha", "TEST1")
    page.click("form[action='/foreign-student/individual/login'] button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("學校")
    shot(page, "student-login-nomatch-zh")
    page.fill("#f-birth_date", "1990/04/05")
    page.fill("#f-captcha", "TEST1")
    page.click("form[action='/foreign-student/individual/login'] button[type=submit]")
    expect(page.locator("h1")).to_have_text("確認您的電子郵件")
    page.fill("#f-email", MAIL)
    page.click("form[action='/foreign-student/individual/email'] button[type=submit]")
    expect(page.locator("h1")).to_have_text("輸入電子郵件中的驗證碼")
    page.fill("#f-code", latest_code(live_server.var_dir, MAIL))
    page.click("form[action='/foreign-student/individual/code'] button[type=submit]")
    page.wait_for_url(live_server + "/student")
    expect(page.locator(".session-user")).to_contain_text("STUDENT FIRST")
    shot(page, "student-home-zh")
    # 線上申辦 → terms → the form prefilled from the roster.
    page.goto(live_server + "/student/apply/foreign/first")
    page.check("#f-agree")
    page.click("form[action='/student/apply/foreign/first'] button[type=submit]")
    expect(page.locator("#f-passport_no")).to_have_value("MM300415")
    expect(page.locator("#f-station_code")).to_be_visible()
    expect(page.locator("text=錄取證明").first).to_be_visible()
    shot(page, "student-apply-zh")
