"""Screenshots of the pages students use most, on a 390 px phone in both languages (issue 17).

They land in test-artifacts/; with SCREENS_DIR=docs/screens they refresh the ones kept in the docs. Each page
is checked the same way as the journeys (no sideways scroll) before it is taken.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser


def _applicant_step(page, base: str) -> None:
    page.goto(base + "/apply/foreign/first")
    page.locator("main td.actions a[href^='/apply/foreign/first/']").first.click()
    page.wait_for_url(re.compile(r".*/apply/foreign/first/\d+.*"))
    page.goto(re.sub(r"(/apply/foreign/first/\d+).*", r"\1/applicants", page.url))


def _progress_list(page, base: str) -> None:
    page.goto(base + "/progress/?search=1")


def _certificates(page, base: str) -> None:
    page.goto(base + "/downloads/certificates")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector("#cert-list")


def _applicant_form(page, base: str) -> None:
    _applicant_step(page, base)
    page.locator("main a[href*='/applicants/']:not([href$='/delete'])").first.click()
    page.wait_for_selector("#f-name_en")


SCREENS = {
    "dashboard": lambda page, base: page.goto(base + "/"),
    "wizard-applicants": _applicant_step,
    "wizard-applicant-form": _applicant_form,
    "progress-list": _progress_list,
    "certificate-download": _certificates,
}


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_screens_at_390_px(live_server, browser, lang):
    out = Path(os.environ.get("SCREENS_DIR") or ARTIFACTS)
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server)
        page.wait_for_url(live_server + "/")
        for name, open_page in SCREENS.items():
            open_page(page, live_server)
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client, (name, scroll, client)
            short = "zh" if lang != "en" else "en"
            path = out / f"{name}-390-{short}.png"
            page.screenshot(path=str(path), full_page=True)
            if os.environ.get("SCREENS_DIR"):  # kept in git: 256 colours are plenty for a page of text
                with Image.open(path) as img:
                    small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
                small.save(path, optimize=True)
    finally:
        context.close()
