"""A student pays for and downloads their own approved application; never another's."""

from __future__ import annotations

from datetime import UTC, datetime

from tables.tables import Application, Case, Payment, Student
from tests.support import make_school_with_accounts
from tests.web.test_student_apply import _student_session


async def _approved(
    school: int, *, student: int | None, created_by: int | None, name: str, gno: str, rno: str
) -> int:
    now = datetime.now(UTC)
    app = Application(
        school=school,
        student=student,
        created_by=created_by,
        name=name,
        group_no=gno,
        status="first_review",
        member_count=1,
        submitted_at=now,
        created_at=now,
        updated_at=now,
    )
    await app.save()
    await Case.insert(
        Case(
            application=app.id,
            status="awaiting_payment",
            receipt_no=rno,
            enrollment_status="A",
            name_en=name,
            created_at=now,
            updated_at=now,
        )
    )
    return app.id


async def test_student_sees_and_starts_paying_only_their_own_group(client):
    ids = await make_school_with_accounts()
    await _student_session(client, ids["school"])
    student = (await Student.select())[0]
    mine = await _approved(
        ids["school"],
        student=student["id"],
        created_by=None,
        name="STUDENT ONE",
        gno="151020201",
        rno="115696500201",
    )
    others = await _approved(
        ids["school"],
        student=None,
        created_by=ids["main"],
        name="SCHOOL GROUP",
        gno="151020202",
        rno="115696500202",
    )
    home = await client.get("/student")
    assert "線上繳費" in home.text and "下載專區" in home.text
    page = await client.get("/payment")
    assert page.status_code == 200 and "151020201" in page.text and "151020202" not in page.text
    detail = await client.get(f"/payment/detail?group={mine}")
    assert detail.status_code == 200 and "1000" in detail.text.replace(",", "")
    r = await client.post_form(
        "/payment/start", {"group": str(mine), "method": "card"}, follow_redirects=False
    )
    assert r.status_code in (302, 303)
    pay = (await Payment.select())[0]
    assert pay["student"] == student["id"] and pay["created_by"] is None
    # Another group of the school cannot be paid by the student.
    r = await client.post_form(
        "/payment/start", {"group": str(others), "method": "card"}, follow_redirects=False
    )
    assert await Payment.count() == 1
    assert (await client.get("/downloads/receipts")).status_code == 200
