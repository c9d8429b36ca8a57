"""A student files 換證, 延期申請 and 資料異動 for themself (a group of one); the renewal lookup finds only their
own valid e-certificate; scope."""

from __future__ import annotations

import email
import re
from datetime import date, timedelta

import pytest

from app.actions import kinds as actions
from app.i18n import use_locale
from app.settings import settings
from tables.tables import Application, Attachment, Case, ReviewEvent, RosterEntry, Student
from tests.apply_support import jpeg, post_multipart
from tests.progress_support import login_student, make_group, make_permit, make_student, student_actor
from tests.support import make_client, make_school, make_school_with_accounts
from tests.web.test_student_apply import _student_session
from tests.web.test_student_login import _clear_outbox, add_roster

OWN = "No valid electronic resident certificate issued to you"


def _outbox_recipients() -> list[str]:
    return [email.message_from_bytes(p.read_bytes())["To"] for p in sorted(settings.outbox_dir.glob("*.eml"))]


def _files(*kinds: str):
    return [(f"file_{k}", (f"{k}.jpg", jpeg(), "image/jpeg")) for k in kinds]


async def _draft(client, slug: str) -> tuple[int, str]:
    r = await client.get(f"/student/apply/foreign/{slug}")
    assert r.status_code == 200 and 'name="agree"' in r.text, r.text[:500]
    r = await client.post_form(f"/student/kinds/{slug}", {}, follow_redirects=False)
    assert r.status_code == 400 and "error-summary" in r.text  # the terms must be ticked
    r = await client.post_form(f"/student/kinds/{slug}", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    url = r.headers["location"]
    # coming back through the menu opens the same draft
    again = await client.get(f"/student/apply/foreign/{slug}", follow_redirects=False)
    assert again.headers["location"] == url
    return int(url.rsplit("/", 1)[1]), url


async def _confirm(client, app_id: int, r) -> None:
    """送出申請 leads to 確認送件 (the group of one, 修改 back to the form); its 送出 submits."""
    assert r.status_code == 303, r.text[:3000]
    assert re.fullmatch(rf"/student/apply/foreign/[a-z-]+/{app_id}/check", r.headers["location"])
    check = await client.get(r.headers["location"])
    assert check.status_code == 200 and "送件前確認" in check.text and "修改" in check.text
    assert await Application.exists().where((Application.id == app_id) & Application.group_no.is_null())
    r = await client.post_form(f"/student/apply/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/student"


async def _assert_submitted(app_id: int, student_id: int) -> dict:
    app = (await Application.select().where(Application.id == app_id))[0]
    assert app["group_no"] and app["status"] == "first_review" and app["student"] == student_id
    assert app["member_count"] == 1 and app["station_code"] == "S01" and app["created_by"] is None
    cases = await Case.select().where(Case.application == app_id)
    assert len(cases) == 1 and cases[0]["status"] == "first_review" and cases[0]["receipt_no"]
    events = await ReviewEvent.select().where(ReviewEvent.application == app_id)
    assert [(e["action"], e["to_status"], e["actor_kind"]) for e in events] == [
        ("submit", "first_review", "student")
    ]
    assert not await Attachment.exists().where(
        (Attachment.application == app_id) & (Attachment.kind == "power_of_attorney")
    )
    return app


async def test_student_files_an_extension_end_to_end(client):
    """Signed in through /foreign-student/individual/login; the form is prefilled from the roster row."""
    ids = await make_school_with_accounts()
    await _student_session(client, ids["school"])
    student_id = (await Student.select(Student.id))[0]["id"]
    await RosterEntry.update({RosterEntry.national_id: "A810000044"}).where(
        RosterEntry.passport_no == "MM214587"
    )  # the student's own certificate, on the school's roster
    home = await client.get("/student")
    for text in ("延期申請", "換證", "資料異動"):
        assert text in home.text
    assert 'href="/student/apply/foreign/extension"' in home.text
    assert 'href="/student/apply/foreign/data-change"' in home.text
    app_id, url = await _draft(client, "extension")
    page = await client.get(url)
    assert 'value="STUDENT ONE"' in page.text and 'value="MM214587"' in page.text
    assert 'value="1988/02/02"' in page.text
    assert "領證地點" in page.text and "送出申請" in page.text and "委託書" not in page.text
    assert "送件人" not in page.text
    today = date.today()
    form = {
        "ui_no": "A810000044",
        "name_en": "STUDENT ONE",
        "passport_no": "MM214587",
        "birth_date": "1988/02/02",
        "current_expiry": (today + timedelta(days=30)).strftime("%Y/%m/%d"),
        "new_expiry": (today + timedelta(days=400)).strftime("%Y/%m/%d"),
        "reason": "延長修業",
        "email": "one@example.org",
    }
    # Without the station and two documents: saved, not sent; what was typed stays.
    r = await post_multipart(client, url, form | {"op": "submit"}, _files("passport"))
    assert r.status_code == 400
    assert 'id="f-station_code-error"' in r.text and 'id="f-doc_resident_card-error"' in r.text
    assert 'value="A810000044"' in r.text and "延長修業" in r.text
    assert (await Application.select(Application.group_no).where(Application.id == app_id))[0][
        "group_no"
    ] is None
    _clear_outbox()
    r = await post_multipart(
        client,
        url,
        form | {"op": "submit", "station_code": "S01"},
        _files("resident_card", "enrolment_proof"),
    )
    await _confirm(client, app_id, r)
    app = await _assert_submitted(app_id, student_id)
    case = (await Case.select().where(Case.application == app_id).output(load_json=True))[0]
    assert case["data"]["kind"]["new_expiry"] == form["new_expiry"]
    assert "one@example.org" in _outbox_recipients()  # the confirmation, sent after the commit
    home = await client.get("/student")
    assert app["group_no"] in home.text
    # the page of a submitted draft now leads to its progress
    r = await client.get(url, follow_redirects=False)
    assert r.headers["location"] == f"/progress/groups/{app_id}"
    r = await client.get(f"/progress/groups/{app_id}")
    assert r.status_code == 200 and app["group_no"] in r.text
    # the school sees it too
    await client.post_form("/logout", {})
    r = await client.login("03734301")
    assert app["group_no"] in (await client.get(f"/progress/groups/{app_id}")).text


async def test_student_files_a_data_change_end_to_end(client):
    ids = await make_school_with_accounts()
    student_id = await make_student(ids["school"])
    await add_roster(ids["school"], name_en="STUDENT SELF", passport="P7777777", national_id="A810000053")
    await login_student(client, student_id)
    app_id, url = await _draft(client, "data-change")
    page = await client.get(url)
    assert 'value="P7777777"' in page.text and 'value="STUDENT SELF"' in page.text and "異動項目" in page.text
    token = await client.ensure_csrf()
    data = {
        "ui_no": "A810000053",
        "name_en": "STUDENT SELF",
        "passport_no": "P7777777",
        "birth_date": "2003/01/01",
        "changes": ["address"],
        "new_addr_county": "臺北市",
        "new_addr_district": "中正區",
        "new_addr_street": "重慶南路一段",
        "new_addr_number": "1號",
        "station_code": "S01",
        "op": "submit",
        "_csrf_token": token,
    }
    r = await client.post(url, data=data, files=_files("resident_card"), follow_redirects=False)
    assert r.status_code == 400 and 'id="f-doc_accommodation-error"' in r.text
    assert 'value="重慶南路一段"' in r.text
    r = await client.post(url, data=data, files=_files("accommodation"), follow_redirects=False)
    await _confirm(client, app_id, r)
    await _assert_submitted(app_id, student_id)
    case = (await Case.select().where(Case.application == app_id).output(load_json=True))[0]
    assert case["data"]["kind"]["changes"] == ["address"]


async def _own_permit(school: int, account: int, ui_no: str, passport: str, born: date, **kw) -> dict:
    """An e-certificate the school filed for this person (its case carries their passport and birth date)."""
    permit = await make_permit(school, account, ui_no, **kw)
    await Case.update(
        {Case.passport_no: passport, Case.birth_date: born, Case.name_en: "STUDENT SELF"}
    ).where(Case.id == permit["case"])
    return permit


async def test_renewal_lookup_finds_only_the_students_own_valid_certificate(db):
    ids = await make_school_with_accounts()
    student_id = await make_student(ids["school"])
    actor = student_actor(ids["school"], student_id)
    mine = await _own_permit(ids["school"], ids["main"], "A810000008", "P7777777", date(2003, 1, 1))
    await _own_permit(
        ids["school"],
        ids["main"],
        "A810000017",
        "P7777777",
        date(2003, 1, 1),
        issued=date.today() - timedelta(days=200),
        expires=date.today() - timedelta(days=17),
    )
    # the school's other student, and a student of another school with the same passport number
    await make_permit(ids["school"], ids["main"], "A810000026")
    other_school = await make_school(name="他校", business_no="03734317")
    await _own_permit(other_school, None, "A810000035", "P7777777", date(2003, 1, 1))
    # another student's own (self-filed) certificate at the same school
    other_student = await make_student(ids["school"], passport_no="Q1234567", name_en="OTHER STUDENT")
    g = await make_group(ids["school"], None, ["issued"], student_id=other_student)
    theirs = await make_permit(ids["school"], ids["main"], "A810000044")
    await Case.update({Case.application: g["application"]}).where(Case.id == theirs["case"])
    match = await actions.find_permit(actor, "a810000008")
    assert match.permit_no == mine["permit_no"]
    messages = set()
    for ui in ("A810000017", "A810000026", "A810000035", "A810000044", "A810000053"):
        with use_locale("en"), pytest.raises(actions.Refused) as exc:
            await actions.find_permit(actor, ui)
        messages.add(exc.value.problems[0])
    assert len(messages) == 1 and OWN in messages.pop()


async def test_student_files_a_renewal_end_to_end(client):
    ids = await make_school_with_accounts()
    student_id = await make_student(ids["school"])
    permit = await _own_permit(ids["school"], ids["main"], "A810000008", "P7777777", date(2003, 1, 1))
    await make_permit(ids["school"], ids["main"], "A810000026")  # the school's other student
    await login_student(client, student_id)
    app_id, url = await _draft(client, "renewal")
    page = await client.get(url)
    assert "統一(居留)證號" in page.text and "查詢" in page.text and 'name="ui_no"' in page.text
    for ui in ("A810000026", "A810000035"):
        r = await client.post_form(f"{url}/lookup", {"ui_no": ui}, follow_redirects=False)
        assert r.status_code == 400 and 'id="f-ui_no-error"' in r.text and f'value="{ui}"' in r.text
    assert await Case.count().where(Case.application == app_id) == 0
    r = await client.post_form(f"{url}/lookup", {"ui_no": "A810000008"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == url
    case = (await Case.select().where(Case.application == app_id))[0]
    assert (
        case["ui_no"] == "A810000008"
        and case["enrollment_status"] == "R"
        and case["name_en"] == "STUDENT SELF"
    )
    assert case["email"] == "self@example.com"
    assert await Attachment.exists().where((Attachment.case == case["id"]) & (Attachment.kind == "photo"))
    page = await client.get(url)
    assert "已註冊" in page.text and permit["permit_no"] in page.text and "領證地點" in page.text
    from app.domain import applicant as rules

    form = rules.form_from_record(case) | {"op": "submit"}
    r = await post_multipart(client, url, form, _files("passport"))
    assert r.status_code == 400 and 'id="f-station_code-error"' in r.text
    r = await post_multipart(client, url, form | {"station_code": "S01"}, [])
    await _confirm(client, app_id, r)
    await _assert_submitted(app_id, student_id)
    # renewed once: a second renewal of the same certificate is refused
    app2, url2 = await _draft(client, "renewal")
    r = await client.post_form(f"{url2}/lookup", {"ui_no": "A810000008"}, follow_redirects=False)
    assert r.status_code == 400


async def test_scope_students_and_school(client):
    ids = await make_school_with_accounts()
    me = await make_student(ids["school"])
    other = await make_student(ids["school"], passport_no="Q1234567", name_en="OTHER STUDENT")
    school_group = await make_group(ids["school"], ids["main"], ["first_review"], kind="extension")
    await login_student(client, me)
    app_id, url = await _draft(client, "extension")
    # the school's own applications of a kind are not the student's
    assert (await client.get(f"/progress/groups/{school_group['application']}")).status_code == 404
    assert (await client.get(f"/student/kinds/extension/{school_group['application']}")).status_code == 404
    # the school's pages of the kinds are not for a student
    r = await client.get(f"/apply/kinds/{app_id}/applicants", follow_redirects=False)
    assert r.status_code in (302, 303, 401)
    # the slug must be the draft's kind
    assert (await client.get(f"/student/kinds/data-change/{app_id}")).status_code == 404
    async with make_client() as other_client:
        await login_student(other_client, other)
        assert (await other_client.get(url)).status_code == 404
        r = await post_multipart(other_client, url, {"op": "save", "name_en": "HIJACK"}, [])
        assert r.status_code == 404
        assert (
            await other_client.get("/student/extension")
        ).status_code == 200  # their own terms, not my draft
    assert (await Case.select(Case.name_en).where(Case.application == app_id))[0]["name_en"] == "STUDENT SELF"
    # the school sees its student's submitted application but not a draft (and never edits it)
    assert await Application.count().where(Application.student == me) == 1


async def test_a_students_own_filing_names_their_own_certificate(client):
    """Issue 12, item 4: a student's 資料異動 must name the student's own resident certificate; a classmate's
    number (on the same school's roster) or an unknown one is refused beside the field."""
    ids = await make_school_with_accounts()
    student_id = await make_student(ids["school"])
    await add_roster(ids["school"], name_en="CLASS MATE", passport="CM555555", national_id="A810000044")
    await add_roster(ids["school"], name_en="STUDENT SELF", passport="P7777777", national_id="A810000053")
    await login_student(client, student_id)
    app_id, url = await _draft(client, "data-change")
    data = {
        "name_en": "STUDENT SELF",
        "passport_no": "P7777777",
        "birth_date": "2003/01/01",
        "changes": ["passport"],
        "new_passport_no": "K99887766",
        "new_passport_expiry": "2034/05/01",
        "station_code": "S01",
        "op": "submit",
    }
    for ui in ("A810000044", "A800000014"):
        r = await post_multipart(client, url, data | {"ui_no": ui}, _files("resident_card", "change_proof"))
        assert r.status_code == 400 and 'id="f-ui_no-error"' in r.text, ui
        assert (await Application.select(Application.group_no).where(Application.id == app_id).first())[
            "group_no"
        ] is None
    r = await post_multipart(client, url, data | {"ui_no": "A810000053"}, [])
    await _confirm(client, app_id, r)  # 確認送件, then 送出
    assert (await Application.select(Application.group_no).where(Application.id == app_id).first())[
        "group_no"
    ]
