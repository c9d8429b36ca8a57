"""The supervisors' warning of a number counter past 80% on the review desk, in both languages."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from app.domain import numbering
from tests.browser.conftest import shot
from tests.browser.test_review_browser import admin_login


@pytest.mark.browser
def test_supervisor_sees_the_number_capacity_warning(live_server, browser):
    year = numbering.roc_year(date.today())
    with sqlite3.connect(live_server.var_dir.parent / "browser.sqlite") as conn:
        conn.execute(
            'INSERT INTO document_counter ("key", "value") VALUES (?, 85123) '
            'ON CONFLICT ("key") DO UPDATE SET "value" = 85123',
            (f"receipt:{year}:6925",),
        )
    for lang, heading, line in (
        ("zh_Hant_TW", "號碼容量", "收件單位 6925 之收件號：本年度已配發 85,123 個，共 99,999 個（85%）"),
        (
            "en",
            "Number capacity",
            "Receipt numbers of receiving office 6925: 85,123 of 99,999 given this year (85%)",
        ),
    ):
        context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        admin_login(page, live_server, "supervisor")
        page.goto(live_server + "/review/queue/first")
        box = page.locator("#number-alerts")
        assert heading in box.inner_text() and line in box.inner_text()
        shot(page, f"review-number-capacity-{lang}")
        context.close()
    context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    admin_login(page, live_server, "reviewer1")
    page.goto(live_server + "/review/queue/first")
    assert page.locator("#number-alerts").count() == 0  # reviewers are not the ones to act on it
    context.close()
