"""The back office (piccolo-admin at /admin) runs under its Content-Security-Policy without a violation."""

from __future__ import annotations

import urllib.request

import pytest

from tests.browser.conftest import shot
from tests.browser.test_review_browser import admin_login


@pytest.mark.browser
def test_admin_has_a_csp_and_works_under_it(live_server, browser):
    with urllib.request.urlopen(live_server + "/admin/") as r:
        policy = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    admin_login(page, live_server, "supervisor")
    page.wait_for_selector("a:has-text('審核作業台')")
    for route in ("#/application", "#/case", "#/school", "#/school/add", "#/holiday/add"):
        page.goto(live_server + "/admin/" + route)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
    shot(page, "admin-csp-add-form")
    assert page.locator("form").count() >= 1  # the add form rendered
    # Font Awesome's icons are sized by the style sheet it adds: without it they would fill the page.
    box = page.locator("svg:visible").first.bounding_box()
    assert box is not None and box["width"] < 64
    # The one refusal allowed: core-js probes `new Function("return this")` inside a try and falls back to
    # `window`; eval stays forbidden and the back office works without it.
    assert [v for v in violations if v != "Content Security Policy violation: script-src eval"] == []
    context.close()
