"""The reviewers' case management in a real browser (issue 15's acceptance tests), in both languages:
find by passport no., claim, held for another reviewer; a group of 5 passed in one decision and approved by
another reviewer while the first is refused at second review; 330 waiting cases all reachable; a lapsed
supplement closed and the school mailed; the supervisor's view counts the seeded data."""

from __future__ import annotations

import email
import email.policy
import sqlite3
import time
from pathlib import Path

import pytest

from tests.browser.conftest import demo_server, shot
from tests.browser.seed_case_management import FIND_PASSPORT, GROUP_OF_FIVE, LAPSED_GROUP

PASSWORD = "Demo-2026-pass"


@pytest.fixture(scope="module")
def desk_server():
    """A server of its own (demo data plus the seed), so the other browser tests' data stay as they were."""
    with demo_server("arc-browser-i15-", ("tests.browser.seed_case_management",)) as base:
        yield base


def _context(browser, lang: str):
    ctx = browser.new_context(
        locale="zh-TW" if lang == "zh_Hant_TW" else "en-US", viewport={"width": 1280, "height": 900}
    )
    return ctx


def _login(browser, base: str, username: str, lang: str):
    ctx = _context(browser, lang)
    ctx.add_cookies([{"name": "lang", "value": lang, "url": base}])
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    deadline = time.monotonic() + 15
    while not any(c["name"] == "id" for c in ctx.cookies()):
        assert time.monotonic() < deadline, "no back-office session after signing in"
        page.wait_for_timeout(200)
    return ctx, page


def _db(base) -> sqlite3.Connection:
    return sqlite3.connect(base.db_path)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_find_by_passport_claim_and_held_for_another(desk_server, browser, lang):
    zh = lang == "zh_Hant_TW"
    ctx, page = _login(browser, desk_server, "reviewer1", lang)
    page.goto(desk_server + "/review/find")
    page.fill("#f-q", FIND_PASSPORT.lower())
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("table.review-queue")
    rows = page.locator("table.review-queue tbody tr")
    assert rows.count() == 1
    shot(page, f"i15-find-{lang}")
    rows.first.locator("a").click()
    page.wait_for_selector("#h-claim")
    case_url = page.url
    if page.locator("button[value=release]").count():  # the other language's run claimed it already
        page.click("button[value=release]")
        page.wait_for_selector("button[value=claim]")
    page.click("button[value=claim]")
    page.wait_for_selector(".flash")
    assert ("您已認領此案件" if zh else "You hold this case now") in page.locator(".flash").inner_text()
    assert ("由 初審 王小明 認領" if zh else "Held by 初審 王小明") in page.locator(
        ".claim-holder"
    ).inner_text()
    shot(page, f"i15-claimed-{lang}")
    ctx.close()

    ctx, page = _login(browser, desk_server, "reviewer1b", lang)
    page.goto(case_url)
    notice = page.locator("#held-notice")
    assert notice.is_visible()
    assert ("此案件由 初審 王小明 認領中" if zh else "初審 王小明 holds this case") in notice.inner_text()
    assert page.locator("#f-comment").count() == 0  # nothing to type a decision into
    shot(page, f"i15-held-{lang}")
    ctx.close()
    # Release for the next run.
    ctx, page = _login(browser, desk_server, "reviewer1", lang)
    page.goto(case_url)
    page.click("button[value=release]")
    page.wait_for_selector("button[value=claim]")
    ctx.close()


@pytest.mark.browser
def test_group_of_five_passed_at_once_approved_by_another_four_eyes_refused(desk_server, browser):
    ctx, page = _login(browser, desk_server, "supervisor", "zh_Hant_TW")
    page.goto(desk_server + "/review/find?q=" + "SEED")
    con = _db(desk_server)
    case_ids = [
        r[0]
        for r in con.execute(
            'SELECT c.id FROM "case" c JOIN application a ON a.id = c.application WHERE a.name = ? ORDER BY c.id',
            (GROUP_OF_FIVE,),
        )
    ]
    assert len(case_ids) == 5
    page.goto(f"{desk_server}/review/case/{case_ids[0]}?queue=first")
    assert page.locator("input[name=cases]:checked").count() == 5
    page.fill("#f-group_decision_comment", "五人資料齊全")
    shot(page, "i15-group-decide-zh_Hant_TW")
    page.click("#group-decision button[value=pass_first_review]")
    page.wait_for_selector(".flash")
    statuses = [
        r[0] for r in con.execute(f'SELECT status FROM "case" WHERE id IN ({",".join("?" * 5)})', case_ids)
    ]
    assert statuses == ["second_review"] * 5
    # The same supervisor at second review: told, and no decision offered.
    page.goto(f"{desk_server}/review/case/{case_ids[0]}?queue=second")
    assert "四眼原則" in page.locator("#h-decide + p").inner_text()
    assert page.locator("button[value=approve]").count() == 0
    shot(page, "i15-four-eyes-zh_Hant_TW")
    ctx.close()

    ctx, page = _login(browser, desk_server, "reviewer2", "en")
    page.goto(f"{desk_server}/review/case/{case_ids[0]}?queue=second")
    assert page.locator("input[name=cases]:checked").count() == 5
    page.click("#group-decision button[value=approve]")
    page.wait_for_selector(".flash")
    assert "The decision has been saved" in page.locator(".flash").inner_text()
    statuses = [
        r[0] for r in con.execute(f'SELECT status FROM "case" WHERE id IN ({",".join("?" * 5)})', case_ids)
    ]
    assert statuses == ["awaiting_payment"] * 5
    marks = ",".join("?" * 5)
    sql = f"SELECT actor_label FROM review_event WHERE action = 'approve' AND \"case\" IN ({marks})"  # noqa: S608
    actors = {r[0] for r in con.execute(sql, case_ids)}
    assert actors == {"reviewer2 複審 李美華"}
    con.close()
    ctx.close()


@pytest.mark.browser
def test_330_waiting_cases_all_reachable(desk_server, browser):
    ctx, page = _login(browser, desk_server, "reviewer1", "en")
    page.goto(desk_server + "/review/queue/first?station=S02")
    heading = page.locator("#queue-title").inner_text()
    assert "330" in heading
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        seen += [
            t.strip() for t in page.locator("table.review-queue tbody tr td:nth-child(2)").all_inner_texts()
        ]
        nxt = page.locator("nav.pager a[rel=next]")
        if not nxt.count():
            break
        nxt.click()
        page.wait_for_load_state()
    assert pages == 7 and len(seen) == 330 and len(set(seen)) == 330
    shot(page, "i15-queue-last-page-en")
    ctx.close()


def _mails_to(base, address: str) -> list[tuple[str, str]]:
    out = []
    for p in sorted((base.var_dir / "outbox").glob("*.eml")):
        msg = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        if address in str(msg["To"] or ""):
            part = msg.get_body(preferencelist=("plain",))
            out.append((str(msg["Subject"]), (part or msg).get_content()))
    return out


@pytest.mark.browser
def test_lapsed_supplement_closed_and_school_mailed(desk_server, browser):
    ctx, page = _login(browser, desk_server, "supervisor", "zh_Hant_TW")
    page.goto(desk_server + "/review/queue/supplement")
    row = page.locator("table.review-queue tbody tr").first
    assert "逾期" in row.inner_text()
    shot(page, "i15-supplement-queue-zh_Hant_TW")
    con = _db(desk_server)
    case_id = con.execute(
        'SELECT c.id FROM "case" c JOIN application a ON a.id = c.application WHERE a.name = ?',
        (LAPSED_GROUP,),
    ).fetchone()[0]
    page.goto(f"{desk_server}/review/case/{case_id}")
    page.fill("#f-lapse_comment", "已電話聯繫未回覆")
    page.click("text=以不受理結案")
    page.wait_for_selector("#confirm")
    shot(page, "i15-confirm-close-zh_Hant_TW")
    page.click("#confirm button[type=submit]")
    page.wait_for_selector(".flash")
    assert con.execute('SELECT status FROM "case" WHERE id = ?', (case_id,)).fetchone()[0] == "not_accepted"
    con.close()
    deadline = time.monotonic() + 10
    while not _mails_to(desk_server, "lapsed@demo.example.edu.tw"):
        assert time.monotonic() < deadline, "no mail to the school"
        time.sleep(0.2)
    subject, body = _mails_to(desk_server, "lapsed@demo.example.edu.tw")[-1]
    assert "逾期未補正" in subject and "訴願" in body and "已電話聯繫未回覆" in body
    ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh_Hant_TW"])
def test_supervisor_view_counts_the_seeded_data(desk_server, browser, lang):
    con = _db(desk_server)
    waiting = {
        "first": con.execute(
            "SELECT COUNT(*) FROM \"case\" c WHERE c.status = 'first_review' AND COALESCE((SELECT e.action FROM "
            "review_event e WHERE e.\"case\" = c.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1), '') "
            "NOT IN ('resubmit', 'resubmit_group')"
        ).fetchone()[0],
        "second": con.execute("SELECT COUNT(*) FROM \"case\" WHERE status = 'second_review'").fetchone()[0]
        - con.execute(
            "SELECT COUNT(*) FROM \"case\" c WHERE c.status = 'second_review' AND (SELECT e.action FROM review_event e "
            "WHERE e.\"case\" = c.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1) IN ('resubmit', 'resubmit_group')"
        ).fetchone()[0],
        "card": con.execute("SELECT COUNT(*) FROM \"case\" WHERE status = 'card_production'").fetchone()[0],
    }
    con.close()
    assert waiting["first"] >= 330
    ctx, page = _login(browser, desk_server, "supervisor", lang)
    page.goto(desk_server + "/review/supervisor")
    for key, n in waiting.items():
        cells = page.locator(f"#stats-queues tr[data-key={key}] td").all_inner_texts()
        assert cells[0] == str(n), (key, cells)
    assert page.locator("svg[role=img] rect").count() >= 12
    title = page.locator("h1").inner_text()
    assert title == ("主管檢視" if lang == "zh_Hant_TW" else "Supervisor's view")
    shot(page, f"i15-supervisor-{lang}")
    ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_admin_change_and_failed_login_appear_in_the_audit_log(desk_server, browser, lang):
    day = "2026-09-03" if lang == "zh_Hant_TW" else "2026-09-04"
    ctx = _context(browser, lang)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto(desk_server + "/admin/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", "not-the-password-2026")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    assert not any(c["name"] == "id" for c in ctx.cookies())
    ctx.close()

    ctx, page = _login(browser, desk_server, "supervisor", lang)
    page.wait_for_selector("text=supervisor")  # the admin's shell has loaded for the signed-in user
    page.goto(desk_server + "/admin/#/holiday/add")
    try:
        page.wait_for_selector("input[name=day]")
    except Exception:
        shot(page, f"i15-admin-add-holiday-failed-{lang}")
        raise
    # piccolo-admin's compiled form sets its defaults (today's date) once its schema has loaded, which may be
    # after a first fill: fill until what was typed stays.
    for _attempt in range(5):
        page.fill("input[name=day]", day)
        page.select_option("select[name=kind]", "holiday")
        page.fill("input[name=name]", "颱風假（瀏覽器測試）")
        page.wait_for_timeout(700)
        if page.input_value("input[name=day]") == day and page.input_value("input[name=name]"):
            break
    shot(page, f"i15-admin-add-holiday-{lang}")
    con = _db(desk_server)

    def saved() -> bool:
        return bool(con.execute("SELECT COUNT(*) FROM holiday WHERE day = ?", (day,)).fetchone()[0])

    # piccolo-admin's compiled form: let it bind what was typed, then submit (once more if its first click
    # landed before the form was ready; the row is unique by day, so a second save cannot duplicate it).
    for _attempt in range(2):
        page.wait_for_timeout(500)
        page.locator("form button").last.click()
        deadline = time.monotonic() + 8
        while not saved() and time.monotonic() < deadline:
            time.sleep(0.2)
        if saved():
            break
    if not saved():
        shot(page, f"i15-admin-add-holiday-unsaved-{lang}")
        raise AssertionError("the holiday was not saved")
    page.goto(desk_server + "/admin/#/admin_audit")
    page.wait_for_selector("td:has-text('holiday')")
    text = page.locator("body").inner_text()
    assert "holiday" in text and "supervisor" in text
    assert (
        "登入失敗" if lang == "zh_Hant_TW" else "Sign-in failed"
    ) in text  # the back office speaks the reader's
    shot(page, f"i15-admin-audit-{lang}")
    rows = con.execute(
        "SELECT event, username, target FROM admin_audit WHERE event IN ('login_failed', 'create') ORDER BY id"
    ).fetchall()
    con.close()
    assert ("login_failed", "supervisor", "back office") in rows and (
        "create",
        "supervisor",
        "holiday",
    ) in rows
    ctx.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh_Hant_TW"])
@pytest.mark.parametrize("width", [1280, 390])
def test_supervisor_chart_labels_fit_as_drawn(desk_server, browser, lang, width):
    """As Chromium draws it: every queue name ends before the bars start, every value label ends inside the
    view box (the English "Waiting for the school's supplement" and the 330-case bar included)."""
    ctx, page = _login(browser, desk_server, "supervisor", lang)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(desk_server + "/review/supervisor")
    geometry = page.evaluate(
        """() => {
            const svg = document.querySelector('figure.stats-chart svg');
            const box = svg.viewBox.baseVal;
            const barX = Math.min(...[...svg.querySelectorAll('rect')].map(r => r.x.baseVal.value));
            const texts = [...svg.querySelectorAll('text')].map(t => {
                const b = t.getBBox();
                return {text: t.textContent, x: b.x, right: b.x + b.width};
            });
            return {width: box.width, barX, texts, scrollWidth: document.documentElement.scrollWidth,
                    clientWidth: document.documentElement.clientWidth};
        }"""
    )
    labels = [t for t in geometry["texts"] if t["x"] < geometry["barX"]]
    values = [t for t in geometry["texts"] if t["x"] >= geometry["barX"]]
    assert len(labels) == len(values) == 6
    for t in labels:
        assert t["right"] <= geometry["barX"], (t, geometry["barX"])
    for t in values:
        assert t["right"] <= geometry["width"], (t, geometry["width"])
    if lang == "en":
        assert any("Waiting for the school" in t["text"] for t in labels)
    assert geometry["scrollWidth"] <= geometry["clientWidth"]
    page.locator("figure.stats-chart").screenshot(path=str(shot_path(f"c15-supervisor-chart-{lang}-{width}")))
    ctx.close()


def shot_path(name: str) -> Path:
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
