"""Every page of the journeys on a phone (390 px) and a desk (1280 px), in both languages (issue 17).

The school's journey walks every kind of page reachable by links from the dashboard (one page per URL shape,
so a list of 30 groups costs one visit), the student's and the reviewer's their own pages. On each page: no
sideways scrolling (`scrollWidth <= clientWidth`), no axe-core violation of the WCAG 2.2 A/AA rules, no code
shown raw instead of its label (`senior_high`, `first_review`, `declined`), and on a phone every control at
least 44 px tall.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import expect

from app.domain.roster import academic_year
from tests.browser.conftest import latest_code, login
from tests.browser.test_accessibility import violations
from tests.browser.test_review_browser import admin_login

pytestmark = pytest.mark.browser

LANGS = ("zh_Hant_TW", "en")
STUDENT_MAIL = "maria.walk@example.org"
WIDTHS = (390, 1280)
# Links the walk does not follow: downloads, sign-out, language switch, confirmations of deletions, the back
# office (piccolo-admin's own pages), files and images.
SKIP = re.compile(
    r"(\.pdf$|\.zip$|\.xlsx$|/zip$|/pdf$|/logout|/lang/|/delete|^/admin|^/static/|/files/|/attachments?/|/captcha)"
)
# The school's walk must reach these kinds of page (URL shapes, digits as N).
SCHOOL_MUST_SEE = {
    "/",
    "/account/password",
    "/account/profile",
    "/account/sub-accounts",
    "/apply/foreign/first",
    "/apply/foreign/first/N/applicants",
    "/apply/foreign/first/N/applicants/N",
    "/apply/foreign/first/N/details",
    "/apply/foreign/first/N/submitter",
    "/progress",
    "/progress/groups/N",
    "/progress/groups/N/cases/N",
    "/supplement",
    "/withdraw/group",
    "/withdraw/cases",
    "/payment",
    "/roster",
    "/roster/import",
    "/downloads/permits",
    "/downloads/certificates",
    "/downloads/receipts",
    "/downloads/ic-card-pickup",
}

SMALL_TARGETS = """() => {
  const sel = 'button, .button, select, summary, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), '
    + 'nav a, .lang-switch a, .link-button';
  const out = [];
  document.querySelectorAll(sel).forEach(el => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || el.closest('dialog:not([open])')) return;
    if (el.closest('.default-submit, .visually-hidden, .skip-link')) return;
    if (r.height < 43.5) out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) + ' ' + Math.round(r.height));
  });
  return out.slice(0, 5);
}"""


def _codes() -> frozenset[str]:
    """The codes behind the labels: keys of every labelled table in app/domain and the workflow's enums."""
    import importlib
    import pkgutil
    from enum import Enum

    import app.domain

    codes: set[str] = {"declined"}  # the card gateway's answer
    for info in pkgutil.iter_modules(app.domain.__path__):
        module = importlib.import_module(f"app.domain.{info.name}")
        for value in vars(module).values():
            if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
                if all(hasattr(v, "_func") for v in value.values()):  # labels through lazy_gettext
                    codes |= {k for k in value if re.fullmatch(r"[a-z][a-z_]+", k)}
            if isinstance(value, type) and issubclass(value, Enum):
                codes |= {str(m.value) for m in value if re.fullmatch(r"[a-z][a-z_]+", str(m.value))}
    return frozenset(codes)


CODES = _codes()
VISIBLE_TEXT = """() => {
  const main = document.querySelector('main') || document.body;
  const cells = [...main.querySelectorAll('td, dd, .badge, option:checked')].map(e => e.innerText.trim());
  return [main.innerText, cells];
}"""


def raw_codes(page, lang: str) -> list[str]:
    """User-facing codes shown as they are stored (`senior_high`, `declined`, `first_review`)."""
    text, cells = page.evaluate(VISIBLE_TEXT)
    text = re.sub(r"\S+@\S+|https?://\S+|\S+\.(?:jpe?g|png|bmp|pdf|xlsx|zip)\b", " ", text, flags=re.I)
    words = set(re.findall(r"(?<![\w.-])[a-z][a-z_]+(?![\w.-])", text))
    if lang == "en":  # English words may equal a code; a code with "_" or a cell that is only a code may not
        found = {w for w in words if "_" in w} | {c for c in cells if c in CODES}
    else:
        found = words
    return sorted(found & CODES)


FULL_WIDTH_BESIDE_LATIN = re.compile(r"[A-Za-z][：，。；（）]|[：，。；（）][A-Za-z]")


def english_punctuation(page) -> list[str]:
    """On an English page, full-width punctuation beside Latin letters ("Password：", "（required）"); Chinese
    data with its own punctuation (a group named 2026 夏季外生（已撤銷一案）) is left alone."""
    text = page.evaluate("() => document.body.innerText")
    return sorted({m.group(0) for m in FULL_WIDTH_BESIDE_LATIN.finditer(text)})


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", urlparse(path).path.rstrip("/") or "/")


def problems(page, width: int, lang: str = "zh_Hant_TW") -> list[str]:
    """What is wrong with the page as shown: sideways scroll, axe violations, small touch targets, raw codes."""
    found = [f"raw code: {c}" for c in raw_codes(page, lang)]
    if lang == "en":
        found += [f"full-width punctuation in English: {p!r}" for p in english_punctuation(page)]
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll > client:
        found.append(f"scrolls sideways: {scroll} > {client}")
    found += [f"axe {v}" for v in violations(page)]
    if width < 800:
        found += [f"under 44 px: {t}" for t in page.evaluate(SMALL_TARGETS)]
    return found


def new_page(browser, base: str, lang: str, width: int):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def walk(
    page, base: str, start: list[str], width: int, lang: str, limit: int = 70
) -> tuple[set[str], list[str]]:
    """Visit the start pages and every page linked from them, one page per URL shape; checks each."""
    queue, seen, shapes, failures = list(start), set(), set(), []
    while queue and len(shapes) < limit:
        path = queue.pop(0)
        if path in seen or shape(path) in shapes:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if response is None or "html" not in (response.headers.get("content-type") or ""):
            continue
        shapes.add(shape(path))
        failures += [f"{path}: {p}" for p in problems(page, width, lang)]
        # a download link (the generated forms' `/forms/<code>`, whichever drafts earlier tests left) is no page
        links = "a[href]:not([download])"
        for href in page.eval_on_selector_all(links, "els => els.map(e => e.getAttribute('href'))"):
            if not href or href.startswith(("#", "mailto:", "tel:")):
                continue
            url = urlparse(urljoin(base + path, href))
            if url.netloc != urlparse(base).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if not SKIP.search(url.path) and target not in seen:
                queue.append(target)
    return shapes, failures


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_school_journey_fits_and_is_accessible(live_server, browser, lang, width):
    context, page = new_page(browser, live_server, lang, width)
    try:
        page.goto(live_server + "/login")
        failures = [f"/login: {p}" for p in problems(page, width, lang)]
        page.fill("#f-login_id", "03734301")
        page.click("form[action='/login'] button[type=submit]")  # no password, no captcha: the errors
        expect(page.locator(".error-summary")).to_be_visible()
        failures += [f"/login with errors: {p}" for p in problems(page, width, lang)]
        login(page, live_server)
        page.wait_for_url(live_server + "/")
        shapes, found = walk(page, live_server, ["/"], width, lang)
        failures += found
        # 線上繳費: the details of a ticked group (a GET form), without paying.
        page.goto(live_server + "/payment")
        page.locator("input[name=group]").first.check()
        page.locator("form#f-groups button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/payment/detail.*"))
        failures += [f"/payment/detail: {p}" for p in problems(page, width, lang)]
        assert SCHOOL_MUST_SEE <= shapes, sorted(SCHOOL_MUST_SEE - shapes)
        assert failures == [], "\n".join(failures)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_student_pages_fit_and_are_accessible(live_server, browser, lang, width):
    context, page = new_page(browser, live_server, lang, width)
    try:
        page.goto(live_server + "/foreign-student/individual/login")
        failures = [f"student login: {p}" for p in problems(page, width, lang)]
        page.select_option("#f-year", str(academic_year(date.today())))
        # A roster student no other test signs in as (the first sign-in stores the e-mail address).
        page.fill("#f-passport_no", "D1000009")
        page.fill("#f-name_en", "maria garcia lopez")
        page.fill("#f-birth_date", "1996/12/01")
        page.fill("#f-captcha", "TEST1")
        page.click("form[action='/foreign-student/individual/login'] button[type=submit]")
        page.wait_for_selector("#f-email, #f-code")
        if page.locator("#f-email").count():  # the first sign-in asks for the address; later ones do not
            failures += [f"student e-mail: {p}" for p in problems(page, width, lang)]
            page.fill("#f-email", STUDENT_MAIL)
            page.click("form[action='/foreign-student/individual/email'] button[type=submit]")
            page.wait_for_selector("#f-code")
        failures += [f"student code: {p}" for p in problems(page, width, lang)]
        page.fill("#f-code", latest_code(live_server.var_dir, STUDENT_MAIL))
        page.click("form[action='/foreign-student/individual/code'] button[type=submit]")
        page.wait_for_url(live_server + "/student")
        shapes, found = walk(page, live_server, ["/student"], width, lang, limit=30)
        failures += found
        assert {"/student", "/student/progress"} <= shapes, shapes
        assert failures == [], "\n".join(failures)
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_review_desk_fits_and_is_accessible(live_server, browser, lang, width):
    context, page = new_page(browser, live_server, lang, width)
    try:
        admin_login(page, live_server, "reviewer1")
        shapes, failures = walk(page, live_server, ["/review/", "/review/mfa"], width, lang, limit=20)
        assert {"/review/queue/first", "/review/case/N", "/review/mfa"} <= shapes, shapes
        assert failures == [], "\n".join(failures)
    finally:
        context.close()


def test_group_and_case_pages_print_their_content_only(live_server, page, tmp_path):
    import subprocess

    login(page, live_server)
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/progress/?search=1")
    page.locator("#progress-results a[href^='/progress/groups/']").first.click()
    page.wait_for_url(re.compile(r".*/progress/groups/\d+$"))
    group_no = re.search(r"\d{9}", page.locator("h1").inner_text()).group(0)
    case_link = page.locator("main a[href*='/cases/']").first.get_attribute("href")
    for url, must in ((page.url, group_no), (live_server + case_link, "115")):
        page.goto(url)
        page.emulate_media(media="print")
        for hidden in (
            ".site-header__session",
            ".main-menu--bar",
            ".lang-switch",
            ".site-footer",
            "main .button",
        ):
            for el in page.locator(hidden).all():
                expect(el).to_be_hidden()
        pdf = tmp_path / "printed.pdf"
        page.pdf(path=str(pdf), format="A4")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert must in text and "內政部移民署" in text
        for absent in ("登出倒數", "修改密碼", "English", "線上繳費"):
            assert absent not in text, (url, absent)
        page.emulate_media(media="screen")


def test_reduced_motion_is_honoured(live_server, browser):
    """The one transition (a document thumbnail's zoom) is off for those who ask for less motion."""
    probe = "() => { const el = document.createElement('img'); el.className = 'doc-thumb'; document.body.append(el);"
    probe += " return getComputedStyle(el).transitionDuration; }"
    for motion, expected in (("no-preference", "0.15s"), ("reduce", "0s")):
        context = browser.new_context(reduced_motion=motion)
        page = context.new_page()
        page.goto(live_server + "/login")
        assert page.evaluate(probe) == expected, motion
        context.close()


def test_the_raw_code_check_finds_codes_and_spares_words(browser):
    """The check the walks run: a stored code shown as it is fails, in Chinese or in English."""
    page = browser.new_page()
    try:
        page.set_content(
            "<main><p>卡片結果 (declined)，學歷 senior_high。信箱 student.one@example.org，檔案 photo.jpg</p>"
            "<table><tr><td>single</td><td>Paid on 2026/12/01, the group is paid.</td></tr></table></main>"
        )
        assert raw_codes(page, "zh_Hant_TW") == ["declined", "senior_high", "single"]
        assert raw_codes(page, "en") == ["senior_high", "single"]  # "paid" in a sentence is English
    finally:
        page.close()
