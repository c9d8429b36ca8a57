"""Issue 12 item 15: forms say every problem, in the page's order, naming the part of an address."""

from __future__ import annotations

import re

from tests.support import PASSWORD, make_school_with_accounts


def _summary(html: str) -> list[str]:
    box = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", box, re.S)]


async def test_password_change_reports_every_problem_at_once(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form(
        "/account/password",
        {"current_password": "wrong one here", "new_password": "short", "confirm_password": "x"},
    )
    assert r.status_code == 400
    assert 'id="f-current_password-error"' in r.text and "目前密碼錯誤" in r.text
    assert (
        'id="f-new_password-error"' in r.text and "12" in r.text.split('id="f-new_password-error"')[1][:200]
    )
    assert 'id="f-confirm_password-error"' in r.text and "兩次輸入的新密碼不一致" in r.text
    assert len(_summary(r.text)) == 3
    # With a wrong current password the history is not consulted: whether a guess is the current password
    # must not show.
    r = await client.post_form(
        "/account/password",
        {
            "current_password": "wrong one here",
            "new_password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert "目前密碼錯誤" in r.text and "新密碼不可與前 3 次密碼相同" not in r.text


def _summary_targets(html: str) -> list[str]:
    box = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="#([^"]+)"', box)


def assert_summary_in_page_order(html: str) -> None:
    """Every summary line links to a field of the page, and the lines come in the fields' order."""
    body = html.split('class="error-summary"', 1)[1].split("</div>", 1)[1]
    targets = _summary_targets(html)
    positions = []
    for target in targets:
        at = body.find(f'id="{target}"')
        assert at >= 0, f"the summary links to #{target}, which is not on the page"
        positions.append(at)
    assert positions == sorted(positions), targets


async def test_address_errors_name_the_part_and_the_summary_follows_the_page(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form("/account/sub-accounts/new", {})
    assert r.status_code == 400
    lines = _summary(r.text)
    address_lines = [line for line in lines if line.startswith("聯絡地址")]
    assert len(address_lines) == len(set(address_lines)) == 4, lines
    assert not any(line == "聯絡地址：必須填寫" for line in lines)
    for part in ("縣市", "鄉鎮市區", "街、路段", "門牌號"):
        assert any(part in line for line in address_lines), (part, address_lines)
    # Above the address each message names its part; no bare 「必須填寫」.
    fieldset = r.text.split('id="f-addr"', 1)[1].split('class="address-row"', 1)[0]
    messages = re.findall(r'class="error-message"[^>]*>(.*?)</p>', fieldset, re.S)
    assert len(messages) == 4 and not any(m.endswith("必須填寫") for m in messages), messages
    assert_summary_in_page_order(r.text)


async def test_profile_summaries_follow_the_page(client):
    await make_school_with_accounts()
    await client.login("03734301-01")
    r = await client.post_form("/account/profile", {"phone": "12", "national_id": "X", "email": "bad"})
    assert r.status_code == 400
    assert_summary_in_page_order(r.text)
    await client.get("/logout")
    async with __import__("tests.support", fromlist=["make_client"]).make_client() as main:
        await main.login("03734301")
        r = await main.post_form(
            "/account/profile", {"school_phone": "1", "school_email": "x", "email": "bad", "phone": "1"}
        )
        assert r.status_code == 400
        assert_summary_in_page_order(r.text)


async def test_wizard_summaries_follow_the_page(client):
    from tests.apply_support import applicant_form, post_multipart
    from tests.web.test_apply_wizard import fill_group, start_draft

    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    r = await client.post_form(f"/apply/drafts/{app_id}/submitter", {"submitter_email": "bad"})
    assert r.status_code == 400
    assert_summary_in_page_order(r.text)
    assert not any(line.endswith("必須填寫") and line.startswith("地址") for line in _summary(r.text))
    await fill_group(client, app_id)
    r = await client.post_form(
        f"/apply/drafts/{app_id}/applicants", {"identity": "foreign"}, follow_redirects=False
    )
    case_id = int(r.headers["location"].rsplit("/", 1)[1])
    form = {k: "" for k in applicant_form(1)} | {"identity": "foreign", "op": "save", "email": "bad"}
    r = await post_multipart(client, f"/apply/drafts/{app_id}/applicants/{case_id}", form)
    assert 'class="error-summary"' in r.text
    assert_summary_in_page_order(r.text)


async def test_the_submit_page_of_an_incomplete_group_says_what_is_missing(client):
    from tests.web.test_apply_wizard import add_complete_applicant, fill_group, start_draft

    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id, members=2)
    await add_complete_applicant(client, app_id)
    r = await client.get(f"/apply/drafts/{app_id}/submit")
    assert r.status_code == 200
    assert "尚無法送件" in r.text and "團員人數為 2 人，但目前有 1 位申請人" in r.text
    assert "將送至" not in r.text and f'action="/apply/drafts/{app_id}/submit"' not in r.text
    # Once complete, the page asks for the confirmation as before.
    await add_complete_applicant(client, app_id, n=2)
    r = await client.get(f"/apply/drafts/{app_id}/submit")
    assert "尚無法送件" not in r.text and f'action="/apply/drafts/{app_id}/submit"' in r.text


async def test_dashboard_more_opens_the_progress_list_filtered_to_that_list(client):
    import html as htmllib

    from app.queries.dashboard import PER_LIST
    from tests.progress_support import make_group, return_case

    ids = await make_school_with_accounts()
    returned = []
    for i in range(PER_LIST + 1):
        g = await make_group(ids["school"], ids["main"], ["first_review"], name=f"待補件團{i:02d}")
        await return_case(g["application"], g["cases"][0])
        returned.append(g["group_no"])
    others = [
        (await make_group(ids["school"], ids["main"], ["awaiting_payment"]))["group_no"],
        (await make_group(ids["school"], ids["main"], ["first_review"]))["group_no"],
    ]
    await client.login("03734301")
    home = await client.get("/")
    section = home.text.split('aria-labelledby="list-supplement"', 1)[1].split("</section>", 1)[0]
    more = re.search(r'class="more" href="([^"]+)"', section)
    assert more, "no MORE on the supplement list"
    r = await client.get(htmllib.unescape(more.group(1)))
    assert r.status_code == 200
    results = r.text.split('id="progress-results"', 1)[1]
    assert f"（{PER_LIST + 1}）" in results
    assert all(no in results for no in returned) and not any(no in results for no in others)
    assert "僅顯示：待補件案件" in r.text


async def test_a_disabled_account_is_told_it_was_disabled_not_that_its_session_expired(client):
    from tables.tables import Account

    ids = await make_school_with_accounts()
    await client.login("03734301")
    assert (await client.get("/", follow_redirects=False)).status_code == 200
    # The supervisor disables the school's account in the back office while it is signed in.
    await Account.update({Account.enabled: False}).where(Account.id == ids["main"])
    r = await client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?reason=disabled"
    page = await client.get("/login?reason=disabled")
    assert "帳號已被停用" in page.text and "30 分鐘" not in page.text
    # htmx requests are sent the same way.
    await Account.update({Account.enabled: True}).where(Account.id == ids["main"])
    await client.login("03734301")
    await Account.update({Account.enabled: False}).where(Account.id == ids["main"])
    r = await client.get("/progress/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert r.headers.get("hx-redirect") == "/login?reason=disabled"


async def test_every_mail_subject_has_the_one_prefix(client):
    """Read as written to the outbox: the submit mail, a withdrawal mail and the review notices."""
    from email import message_from_bytes, policy

    from app.actions import notices
    from app.settings import settings
    from tests.progress_support import make_group
    from tests.web.test_apply_wizard import add_complete_applicant, fill_group, start_draft

    def subjects() -> dict:
        if not settings.outbox_dir.exists():
            return {}
        return {
            p: message_from_bytes(p.read_bytes(), policy=policy.default)["Subject"]
            for p in settings.outbox_dir.glob("*.eml")
        }

    before = subjects()
    ids = await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id, 1)
    await add_complete_applicant(client, app_id)
    assert (await client.post_form(f"/apply/drafts/{app_id}/submit", {})).status_code == 200
    g = await make_group(ids["school"], ids["main"], ["first_review"])
    r = await client.post_form(f"/withdraw/group/{g['application']}", {}, follow_redirects=False)
    assert r.status_code == 303
    new = [s for p, s in subjects().items() if p not in before]
    assert len(new) == 2, new
    facts = notices.NoticeFacts(
        action="approve",
        group_no="151020001",
        group_name="團",
        school_name="測試大學",
        comment="",
        applicants=(("1", "A"),),
    )
    for language in ("zh_Hant_TW", "en"):
        new.append(notices.render_notice(facts, language)[0])
    for subject in new:
        assert subject.startswith(("【居留證線上申辦】", "[Resident certificate online] ")), subject
        assert (
            "【居留證】" not in subject
            and subject.count("【") <= 1
            and "[Resident certificate]" not in subject
        )


async def test_the_submit_page_of_an_incomplete_group_of_another_kind_says_what_is_missing(client):
    from tests.web.test_kinds import _draft

    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await _draft(client, "extension", members=2)
    await client.post_form(f"/apply/kinds/{app_id}/applicants", {"identity": "foreign"})
    r = await client.get(f"/apply/kinds/{app_id}/submit")
    assert r.status_code == 200 and "尚無法送件" in r.text
    assert "團員人數為 2 人，但目前有 1 位申請人" in r.text and "位申請人資料未完成" in r.text
    assert f'action="/apply/kinds/{app_id}/submit"' not in r.text
