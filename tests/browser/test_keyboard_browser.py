"""The keyboard alone, and what a screen reader hears (issue 17).

One journey without the mouse: sign in, file a one-person group from the roster, pay an approved group at the
sandbox gateway and download its certificate. Every control is reached with Tab (and shows where the focus
is), chosen with the arrow keys or Space, and pressed with Enter; a file is chosen in the file chooser that
Space opens. Then the session-timeout dialog's announcements and where the focus goes after htmx swaps.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_apply_browser import image_file
from tests.browser.test_payment_browser import pay_server  # noqa: F401 - the fixture: app + sandbox gateway

pytestmark = pytest.mark.browser

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const s = getComputedStyle(el);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
}"""


def tab_to(page, selector, limit: int = 400) -> None:
    """Press Tab until the focus is on `selector` (a CSS selector or a locator), where the focus ring shows."""

    def there() -> bool:
        if isinstance(selector, str):
            return page.evaluate(
                "s => !!document.activeElement && document.activeElement.matches(s)", selector
            )
        return selector.evaluate("el => el === document.activeElement")

    for _ in range(limit):
        page.keyboard.press("Tab")
        if there():
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page, selector: str, value: str) -> None:
    """A select: arrow keys until the value is chosen (the change event fires as on a real keyboard)."""
    tab_to(page, selector)
    page.keyboard.press("Home")
    for _ in range(400):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} not in {selector}")


def pick_file(page, selector: str, path: str) -> None:
    """Space on a file input opens the chooser (Enter does too: tried when a busy machine misses the first)."""
    tab_to(page, selector)
    for key in ("Space", "Enter", "Space"):
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(path)
        return
    raise AssertionError(f"no file chooser opened from {selector}")


def press(page, selector, key: str = "Enter") -> None:
    """Tab to a control and press a key that does not leave the page (Space on a box, Enter on a summary)."""
    tab_to(page, selector)
    page.keyboard.press(key)


def follow(page, selector=None) -> None:
    """Tab to a link or button (or stay on the focused field) and press Enter; wait for the next page."""
    if selector:
        tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_file_pay_and_download_with_the_keyboard_alone(pay_server, page, tmp_path):  # noqa: F811
    base = pay_server
    page.goto(base + "/login")
    type_into(page, "#f-login_id", "03734301")
    type_into(page, "#f-password", "Demo-2026-pass")
    type_into(page, "#f-captcha", "TEST1")
    follow(page)
    assert page.url == base + "/"

    # 線上申辦 through the menu: open the group with Enter, follow the link.
    press(page, ".main-menu--bar summary")
    follow(page, ".main-menu--bar a[href='/apply/foreign/first']")
    page.wait_for_url(base + "/apply/foreign/first")
    follow(page, "main a[href='/apply/foreign/first/terms']")
    press(page, "#f-agree", "Space")
    follow(page)
    expect(page.locator("#f-submitter_name")).to_have_value("測試人")
    follow(page, "main form button[type=submit]:not(.default-submit)")
    # 申請資料
    expect(page.locator("#f-member_count")).to_be_visible()
    type_into(page, "#f-name", "鍵盤團")
    type_into(page, "#f-member_count", "1")
    choose(page, "#f-station_code", "S01")
    pick_file(page, "input[name=file_power_of_attorney]", image_file(tmp_path, "委託書.jpg"))
    follow(page, "main form button[type=submit][value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text("儲存成功")
    # 從名冊加入: find SATO HANAKO, tick her with Space, add.
    follow(page, "main a[href$='/roster']")
    type_into(page, "#f-name", "SATO HANAKO")
    follow(page)
    assert "name=SATO" in page.url
    press(page, "main input[name=entry]", "Space")
    follow(page)
    row = page.locator("tbody tr", has_text="SATO HANAKO")
    expect(row).to_contain_text("未完成")
    follow(page, "main a[href*='/applicants/']:not([href$='/delete'])")
    expect(page.locator("#f-name_en")).to_have_value("SATO HANAKO")
    # What the roster does not know.
    pick_file(page, "input[name=file_photo]", image_file(tmp_path, "photo.jpg", (200, 180, 160)))
    tab_to(page, "input[name=enrollment_status]")
    for _ in range(4):
        if page.locator("#f-enrollment_status-R").is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#f-enrollment_status-R").is_checked()
    for doc in ("passport", "visa", "accommodation"):
        pick_file(page, f"input[name=file_{doc}]", image_file(tmp_path, f"{doc}.jpg"))
    type_into(page, "#f-passport_expiry", "2031/01/31")
    type_into(page, "#f-visa_issue_date", "2026/08/01")
    choose(page, "#f-marital_status", "single")
    choose(page, "#f-education", "senior_high")
    type_into(page, "#f-department", "資訊管理學系")
    choose(page, "#f-birthplace", "JP")
    if page.locator("#f-addr_county").input_value() != "臺北市":
        with page.expect_response(lambda r: "/address/districts" in r.url):
            choose(page, "#f-addr_county", "臺北市")
        expect(page.locator("#f-addr_district option[value='大安區']")).to_have_count(1)
    choose(page, "#f-addr_district", "大安區")
    type_into(page, "#f-addr_street", "羅斯福路四段")
    type_into(page, "#f-addr_number", "1號")
    follow(page, "button[value=save]:not(.default-submit)")
    expect(page.locator(".flash")).to_contain_text("儲存成功")
    assert page.locator(".error-summary").count() == 0
    # Back to the group: 送出, then 確定 on the confirmation page.
    page.goto(page.url.rsplit("/applicants/", 1)[0] + "/applicants")
    follow(page, "main a.button--submit")
    follow(page, "form[data-submit-once] button[type=submit]")
    expect(page.locator(".flash--big")).to_contain_text("送件成功，團號：")

    # 線上繳費: an approved group, ticked with Space; the gateway's form typed; the result read.
    page.goto(base + "/payment")
    tab_to(page, page.locator("tr", has_text="2026 春季錄取新生").locator("input[name=group]"))
    page.keyboard.press("Space")
    follow(page, "form#f-groups button[type=submit]")
    expect(page.locator("h1")).to_have_text("線上繳費 - 明細")
    follow(page, "main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("線上繳費 - 繳費方式選擇")
    tab_to(page, "input[type=radio]")
    for _ in range(6):
        if page.get_by_label("國際信用卡網路繳費").is_checked():
            break
        page.keyboard.press("ArrowDown")
    follow(page, "main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("付款 Payment")
    type_into(page, "#card", "4242 4242 4242 4242")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/payment/result/*")
    expect(page.locator(".pay-ok")).to_contain_text("交易成功")
    # 下載專區: the certificate of one person, downloaded with Enter.
    follow(page, "main a[href^='/downloads/certificates']")
    tab_to(page, page.locator("main a", has_text="SATO KEN"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")


def test_session_warning_is_announced_at_two_minutes_and_again_at_one(live_server, page):
    page.clock.install()
    login(page, live_server)
    page.wait_for_url(live_server + "/")
    announce = page.locator("#session-announce")
    expect(announce).to_have_attribute("aria-live", "assertive")
    expect(announce).to_have_text("")
    tab_to(page, "a[href='/account/password']")  # where the focus is when the warning opens
    page.clock.fast_forward("28:05")
    expect(page.locator("#session-warning")).to_be_visible()
    expect(page.locator("#session-continue")).to_be_focused()
    expect(announce).to_have_text("您將於 2 分鐘後被登出。")
    page.clock.fast_forward("00:30")  # the visible time ticks, the announcement does not repeat
    expect(announce).to_have_text("您將於 2 分鐘後被登出。")
    page.clock.fast_forward("00:30")
    expect(announce).to_have_text("您將於 1 分鐘後被登出。")
    # Continue with Enter: the dialog closes and the focus goes back where it was.
    with page.expect_response(lambda r: r.url.endswith("/session/extend") and r.status == 200):
        page.keyboard.press("Enter")
    expect(page.locator("#session-warning")).to_be_hidden()
    expect(page.locator("a[href='/account/password']").first).to_be_focused()


def test_focus_moves_to_what_htmx_swaps_in(live_server, page):
    login(page, live_server)
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/progress/")
    type_into(page, "#f-group_no", "1")
    with page.expect_response(
        lambda r: "/progress/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.keyboard.press("Enter")
    expect(page.locator("#results-title")).to_be_focused()
    # The login page's 換一張: the captcha is replaced, and the focus stays on the new 換一張 (not the page's top).
    page.context.clear_cookies()
    page.goto(live_server + "/login")
    old = page.locator("#captcha img").get_attribute("src")
    press(page, "#captcha button")
    expect(page.locator("#captcha img")).not_to_have_attribute("src", old)
    expect(page.locator("#captcha button")).to_be_focused()
