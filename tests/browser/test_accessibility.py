"""WCAG 2.2 AA checks (every violation, whatever its impact) with axe-core (vendored for tests only, MPL-2.0) on the foundation's pages, both languages.

axe is injected into a context that bypasses the CSP only for the injection; the pages themselves are the
real ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import login

pytestmark = pytest.mark.browser
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
PAGES = ["/", "/account/password", "/account/profile", "/account/sub-accounts", "/account/sub-accounts/new"]


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']}})).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
    )
    return result


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_foundation_pages_have_no_serious_accessibility_violations(live_server, browser, lang):
    context = browser.new_context(bypass_csp=True, locale="zh-TW" if lang != "en" else "en-US")
    page = context.new_page()
    try:
        page.goto(live_server + "/login")
        assert violations(page) == []
        # The login page with errors too.
        page.fill("#f-login_id", "03734301")
        page.click("form[action='/login'] button[type=submit]")
        assert violations(page) == []
        login(page, live_server)
        page.wait_for_url(live_server + "/")
        for path in PAGES:
            page.goto(live_server + path)
            found = violations(page)
            assert found == [], (path, found)
        # A form with errors.
        page.goto(live_server + "/account/sub-accounts/new")
        page.click("form[action='/account/sub-accounts/new'] button[type=submit]")
        assert violations(page) == []
    finally:
        context.close()
