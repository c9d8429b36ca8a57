"""The whole wizard through the test client: terms, 送件人, 申請資料, applicants, submit."""

from __future__ import annotations

import re

from tables.tables import Application, Attachment, Case, ReviewEvent
from tests.apply_support import (
    FOREIGN_DOCS,
    SUBMITTER,
    app_id_from,
    applicant_form,
    files,
    jpeg,
    post_multipart,
)
from tests.support import make_school_with_accounts


async def start_draft(client) -> int:
    r = await client.post_form("/apply/first/terms", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return app_id_from(r.headers["location"])


async def fill_group(client, app_id: int, members: int = 1) -> None:
    r = await client.post_form(f"/apply/drafts/{app_id}/submitter", SUBMITTER, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/details",
        {
            "name": "2026外生申請第二批次",
            "member_count": str(members),
            "pickup_method": "self",
            "station_code": "S01",
            "op": "save",
        },
        files("power_of_attorney"),
    )
    assert r.status_code == 303, r.text


async def add_applicant(client, app_id: int, identity: str = "foreign") -> int:
    """新增申請人 of this identity, nothing typed for them yet: the new case's id."""
    r = await client.post_form(
        f"/apply/drafts/{app_id}/applicants", {"identity": identity}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


async def new_foreign_applicant(client) -> tuple[int, int]:
    """The demo school signed in, a draft of one with its group's steps done and a foreign applicant added:
    (draft id, case id)."""
    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id)
    return app_id, await add_applicant(client, app_id)


async def add_complete_applicant(client, app_id: int, n: int = 1, identity: str = "foreign") -> int:
    case_id = await add_applicant(client, app_id, identity)
    docs = FOREIGN_DOCS + (("placement_notice",) if identity == "overseas" else ())
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/applicants/{case_id}",
        applicant_form(n) | {"op": "save"},
        files(*docs),
    )
    assert r.status_code == 200, r.text
    return case_id


async def test_terms_must_be_ticked(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.post_form("/apply/first/terms", {})
    assert r.status_code == 400
    assert "error-summary" in r.text
    assert await Application.count() == 0


async def test_whole_wizard_to_submitted(client):
    await make_school_with_accounts()
    await client.login("03734301")
    r = await client.get("/apply/first")
    assert r.status_code == 200 and "我要申請" in r.text
    app_id = await start_draft(client)
    # the submitter is prefilled from the account
    r = await client.get(f"/apply/drafts/{app_id}/submitter")
    assert 'value="測試人"' in r.text and "A123456789" in r.text
    await fill_group(client, app_id, members=2)
    r = await client.get(f"/apply/drafts/{app_id}/applicants")
    assert "儲存成功" in r.text
    assert f'button--submit" href="/apply/foreign/first/{app_id}/check"' not in r.text  # no 送出 yet
    await add_complete_applicant(client, app_id, 1, "foreign")
    c2 = await add_complete_applicant(client, app_id, 2, "overseas")
    cases = await Case.select().order_by(Case.id)
    assert [c["complete"] for c in cases] == [True, True], cases
    r = await client.get(f"/apply/drafts/{app_id}/applicants")
    assert "已完成" in r.text and f'button--submit" href="/apply/foreign/first/{app_id}/check"' in r.text
    # 確認送件: the older address leads there; every applicant's key fields and documents, with 修改 links
    r = await client.get(f"/apply/drafts/{app_id}/submit", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/apply/foreign/first/{app_id}/check"
    r = await client.get(f"/apply/foreign/first/{app_id}/check")
    assert "確認是否送件" in r.text and "送件前確認" in r.text
    assert r.text.count(f'href="/apply/foreign/first/{app_id}/applicants/{c2}"') >= 5  # 修改 of each row
    assert f'href="/apply/foreign/first/{app_id}/submitter"' in r.text and "1,000" in r.text
    assert 'action="/apply/foreign/first/' in r.text
    r = await client.post_form(f"/apply/drafts/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303
    r = await client.get(r.headers["location"])
    app = await Application.select().where(Application.id == app_id).first()
    assert re.fullmatch(r"\d{2}1020001", app["group_no"])
    assert f"送件成功，團號：{app['group_no']}" in r.text or f"送件成功, 團號: {app['group_no']}" in r.text
    cases = await Case.select().order_by(Case.id)
    assert {c["status"] for c in cases} == {"first_review"}
    assert len({c["receipt_no"] for c in cases}) == 2
    assert await ReviewEvent.count().where(ReviewEvent.action == "submit") == 2
    # the draft left the list; the dashboard shows it under 新申請案件 with the workflow's label
    r = await client.get("/apply/first")
    assert "2026外生申請第二批次" not in r.text
    r = await client.get("/")
    assert app["group_no"] in r.text and "待初審" in r.text
    # read-only view, and the editing pages now lead there
    r = await client.get(f"/apply/groups/{app_id}")
    assert "STUDENT BBB" in r.text and app["group_no"] in r.text
    r = await client.get(f"/apply/foreign/first/{app_id}/applicants/{c2}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/apply/groups/{app_id}"


async def test_submit_sends_mail_in_the_submitters_language(client):
    from app.settings import settings

    await make_school_with_accounts()
    await client.login("03734301")
    await client.get("/lang/en")
    app_id = await start_draft(client)
    await fill_group(client, app_id, 1)
    await add_complete_applicant(client, app_id)
    before = set(settings.outbox_dir.glob("*.eml")) if settings.outbox_dir.exists() else set()
    r = await client.post_form(f"/apply/drafts/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303
    new = set(settings.outbox_dir.glob("*.eml")) - before
    assert len(new) == 1
    text = new.pop().read_text()
    group_no = (await Application.select(Application.group_no).first())["group_no"]
    assert "clerk@example.edu.tw" in text and group_no in text and "Application submitted" in text


async def test_double_submit_submits_once(client):
    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id, 1)
    await add_complete_applicant(client, app_id)
    r1 = await client.post_form(f"/apply/drafts/{app_id}/submit", {}, follow_redirects=False)
    r2 = await client.post_form(f"/apply/drafts/{app_id}/submit", {}, follow_redirects=False)
    assert r1.status_code == r2.status_code == 303
    assert await ReviewEvent.count() == 1
    from app.services import mail  # noqa: F401


async def test_save_incomplete_applicant_keeps_everything_and_says_what_is_missing(client):
    app_id, case_id = await new_foreign_applicant(client)
    form = applicant_form(
        1,
        name_en="",
        birth_date="2001/02/30",
        passport_expiry="2020/01/01",
        ui_no="A800000015",
        email="nope",
        phone="123",
    )
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/applicants/{case_id}",
        form | {"op": "save"},
        [("file_photo", ("me.jpg", jpeg(), "image/jpeg"))],
    )
    assert r.status_code == 200
    html = r.text
    assert "error-summary" in html and 'href="#f-name_en"' in html
    assert "必須填寫" in html
    assert 'value="2001/02/30"' in html  # what was typed stays
    for field in ("birth_date", "passport_expiry", "ui_no", "email", "phone", "doc_passport"):
        assert f'id="f-{field}-error"' in html, field
    case = await Case.select().where(Case.id == case_id).first()
    assert case["complete"] is False and case["department"] == "資訊管理學系"
    assert await Attachment.count().where(Attachment.kind == "photo") == 1
    # coming back shows the problems again, and the typed impossible date
    r = await client.get(f"/apply/drafts/{app_id}/applicants/{case_id}")
    assert 'value="2001/02/30"' in r.text and "error-summary" in r.text
    # the list says 未完成
    r = await client.get(f"/apply/drafts/{app_id}/applicants")
    assert "未完成" in r.text


async def test_autosave_saves_one_field_quietly(client):
    app_id, case_id = await new_foreign_applicant(client)
    r = await client.post_form(
        f"/apply/drafts/{app_id}/applicants/{case_id}/autosave",
        {"name_en": "lee  min", "department": "化學系"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "autosaved" in r.text and "<html" not in r.text
    case = await Case.select().where(Case.id == case_id).first()
    assert case["name_en"] == "LEE MIN" and case["department"] == "化學系"


async def test_submit_refused_while_incomplete_or_count_differs(client):
    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id, members=2)
    await add_complete_applicant(client, app_id)
    r = await client.post_form(f"/apply/drafts/{app_id}/submit", {})
    assert r.status_code == 400 and "2" in r.text
    assert (await Application.select(Application.group_no).first())["group_no"] is None
    r = await client.post_form(
        f"/apply/drafts/{app_id}/applicants", {"identity": "foreign"}, follow_redirects=False
    )
    r = await client.post_form(f"/apply/drafts/{app_id}/submit", {})
    assert r.status_code == 400
    assert await Case.count().where(Case.status == "draft") == 2


async def test_details_step_validates_and_keeps_uploads(client):
    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/details",
        {"name": "", "member_count": "31", "station_code": "S01", "op": "save"},
        files("power_of_attorney"),
    )
    assert r.status_code == 400
    assert "f-member_count-error" in r.text and "f-name-error" in r.text
    assert "power_of_attorney.jpg" in r.text  # the upload was kept
    att = await Attachment.select().first()
    # remove it again (the remove button of the same form)
    r = await post_multipart(
        client,
        f"/apply/drafts/{app_id}/details",
        {"name": "x", "member_count": "1", "station_code": "S01", "op": f"remove-{att['id']}"},
    )
    assert r.status_code == 200
    assert await Attachment.count() == 0


async def test_delete_applicant_and_draft(client):
    await make_school_with_accounts()
    await client.login("03734301")
    app_id = await start_draft(client)
    await fill_group(client, app_id)
    case_id = await add_complete_applicant(client, app_id)
    r = await client.get(f"/apply/drafts/{app_id}/applicants/{case_id}/delete")
    assert r.status_code == 200
    r = await client.post_form(
        f"/apply/drafts/{app_id}/applicants/{case_id}/delete", {}, follow_redirects=False
    )
    assert r.status_code == 303 and await Case.count() == 0
    r = await client.get(f"/apply/drafts/{app_id}/delete")
    assert r.status_code == 200
    r = await client.post_form(f"/apply/drafts/{app_id}/delete", {}, follow_redirects=False)
    assert r.status_code == 303 and await Application.count() == 0 and await Attachment.count() == 0


async def test_pages_in_english(client):
    await make_school_with_accounts()
    await client.login("03734301")
    await client.get("/lang/en")
    app_id = await start_draft(client)
    await fill_group(client, app_id)
    r = await client.post_form(
        f"/apply/drafts/{app_id}/applicants", {"identity": "overseas"}, follow_redirects=False
    )
    r = await client.get(r.headers["location"])
    assert "Overseas Chinese student placement notice" in r.text and "Japan" in r.text


async def test_a_main_accounts_submitter_address_is_the_schools(client):
    """A main account keeps no address of its own (基本資料維護 asks the school's): the 送件人 step comes prefilled
    with the school's address, so the clerk does not type it for every group; a sub-account's own stays."""
    from tables.tables import Account, School

    ids = await make_school_with_accounts()
    await School.update(
        {
            School.addr_county: "臺北市",
            School.addr_district: "大安區",
            School.addr_street: "羅斯福路四段",
            School.addr_number: "1號",
        }
    ).where(School.id == ids["school"])
    await Account.update({Account.addr_county: "新竹市", Account.addr_district: "東區"}).where(
        Account.id == ids["sub1"]
    )
    await client.login("03734301")
    app_id = await start_draft(client)
    r = await client.get(f"/apply/drafts/{app_id}/submitter")
    assert "羅斯福路四段" in r.text and 'value="1號"' in r.text
    await client.post_form("/logout", {})
    await client.login("03734301-01")
    app_id = await start_draft(client)
    app = (
        await Application.select(Application.submitter_addr)
        .where(Application.id == app_id)
        .output(load_json=True)
        .first()
    )
    assert app["submitter_addr"]["county"] == "新竹市" and app["submitter_addr"]["street"] == ""
