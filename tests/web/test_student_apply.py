"""A student's own application: terms, one form prefilled from the roster, 送出申請, visible to the school."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from tables.tables import Application, Attachment, Case, Student
from tests.apply_support import FOREIGN_DOCS, applicant_form, files, post_multipart
from tests.support import make_school, make_school_with_accounts
from tests.web.test_student_login import YEAR, _clear_outbox, _outbox_codes, _pending, _start, add_roster


async def _student_session(client, school: int, **roster) -> None:
    await add_roster(school, **roster)
    _clear_outbox()
    r = await _start(client)
    pending = _pending(r.text)
    r = await client.post_form(
        "/foreign-student/individual/email", {"pending": pending, "email": "one@example.org"}
    )
    ((_to, code),) = _outbox_codes()
    r = await client.post_form("/foreign-student/individual/code", {"pending": pending, "code": code})
    assert "優先處理事項" in r.text


async def _start_application(client) -> tuple[int, str]:
    r = await client.get("/student/apply/foreign/first")
    assert "同意" in r.text
    r = await client.post_form("/student/apply", {"agree": "1"}, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    return int(url.rsplit("/", 1)[1]), url


async def test_terms_must_be_ticked(client):
    ids = await make_school_with_accounts()
    await _student_session(client, ids["school"])
    r = await client.post_form("/student/apply", {})
    assert r.status_code == 400 and "error-summary" in r.text
    assert await Application.count() == 0


async def test_student_files_their_own_application_to_submission(client):
    ids = await make_school_with_accounts()
    await _student_session(client, ids["school"])
    app_id, url = await _start_application(client)
    page = await client.get(url)
    # Prefilled from the roster row; the admission certificate is asked for; no submitter step.
    assert 'value="STUDENT ONE"' in page.text and 'value="MM214587"' in page.text
    assert "錄取證明" in page.text and "領證地點" in page.text and "送出申請" in page.text
    assert "委託書" not in page.text
    form = applicant_form(
        1,
        name_en="STUDENT ONE",
        passport_no="MM214587",
        birth_date="1988/02/02",
        email="one@example.org",
        nationality="LS",
    )
    # Without the admission certificate and the station: saved, but not sent.
    r = await post_multipart(client, url, form | {"op": "submit"}, files(*FOREIGN_DOCS))
    assert r.status_code == 400
    assert "必須填寫" in r.text
    assert (await Application.select(Application.group_no).where(Application.id == app_id))[0][
        "group_no"
    ] is None
    r = await post_multipart(client, url, form | {"op": "submit", "station_code": "S01"}, files("admission"))
    assert r.status_code == 303, r.text
    # 確認送件 first: the student's key fields and documents, 修改 leading back to the form
    assert r.headers["location"] == f"/student/apply/foreign/first/{app_id}/check"
    check = await client.get(r.headers["location"])
    assert "送件前確認" in check.text and "STUDENT ONE" in check.text and "錄取證明" in check.text
    assert f'href="/student/apply/foreign/first/{app_id}"' in check.text and "委託書" not in check.text
    r = await client.post_form(f"/student/apply/{app_id}/submit", {}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/student"
    app = (await Application.select().where(Application.id == app_id))[0]
    assert (
        re.fullmatch(r"\d{9}", app["group_no"]) and app["member_count"] == 1 and app["station_code"] == "S01"
    )
    case = (await Case.select().where(Case.application == app_id))[0]
    assert case["status"] == "first_review" and re.fullmatch(r"\d{12}", case["receipt_no"])
    assert await Attachment.count().where(Attachment.application == app_id) == 5
    home = await client.get("/student")
    assert app["group_no"] in home.text and "待初審" in home.text
    # The school sees it too.
    await client.post_form("/logout")
    r = await client.login("03734301")
    assert app["group_no"] in r.text


async def test_one_draft_at_a_time_and_files_scoped(client):
    ids = await make_school_with_accounts()
    await _student_session(client, ids["school"])
    app_id, url = await _start_application(client)
    # Coming back to 線上申辦 opens the same draft.
    again = await client.get("/student/apply/foreign/first", follow_redirects=False)
    assert again.headers["location"] == url and await Application.count() == 1
    r = await post_multipart(client, url, applicant_form(1) | {"op": "save"}, files("photo"))
    att = (await Attachment.select().where(Attachment.application == app_id))[0]
    assert (await client.get(f"/student/apply/files/{att['id']}")).status_code == 200
    # The school does not see the student's draft (only what the student submits).
    from tests.support import make_client

    async with make_client() as school:
        await school.login("03734301")
        drafts = await school.get("/apply/first")
        assert "STUDENT ONE" not in drafts.text
        assert (
            await school.get(f"/apply/drafts/{app_id}/applicants", follow_redirects=False)
        ).status_code == 404
        assert (await school.get(f"/apply/files/{att['id']}")).status_code == 404
    # Another student of another school cannot open it, nor the form.
    other = await make_school(name="別的大學", business_no="03734317")
    now = datetime.now(UTC)
    await Student.insert(
        Student(
            school=other,
            year=YEAR,
            passport_no="ZZ999999",
            name_en="OTHER ONE",
            birth_date=date(1990, 1, 1),
            created_at=now,
        )
    )
    from tests.support import make_client

    async with make_client() as other_client:
        await add_roster(other, name_en="OTHER ONE", passport="ZZ999999", born=date(1990, 1, 1))
        _clear_outbox()
        r = await _start(other_client, passport_no="ZZ999999", name_en="OTHER ONE", birth_date="1990/01/01")
        pending = _pending(r.text)
        await other_client.post_form(
            "/foreign-student/individual/email", {"pending": pending, "email": "o@x.org"}
        )
        ((_to, code),) = _outbox_codes()
        await other_client.post_form("/foreign-student/individual/code", {"pending": pending, "code": code})
        assert (await other_client.get(url)).status_code == 404
        assert (await other_client.get(f"/student/apply/files/{att['id']}")).status_code == 404
        assert (
            await other_client.get(f"/apply/files/{att['id']}", follow_redirects=False)
        ).status_code == 303
