"""The supervisor's page of failed background jobs, in both languages (issue 16)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot
from tests.browser.test_review_browser import admin_login


@pytest.mark.browser
def test_supervisor_opens_failed_jobs_in_both_languages(live_server, page):
    admin_login(page, live_server, "supervisor")
    page.goto(live_server + "/review/queue/first")
    page.get_by_role("link", name="失敗的背景作業").click()
    page.wait_for_url("**/review/jobs/")
    assert page.get_by_role("heading", name="失敗的背景作業").is_visible()
    shot(page, "review-jobs-zh")
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page.reload()
    assert page.get_by_role("heading", name="Failed background jobs").is_visible()
    assert page.get_by_text("inside the web server").is_visible()
    shot(page, "review-jobs-en")
