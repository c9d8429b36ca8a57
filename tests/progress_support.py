"""Factories for the after-submission tests: submitted groups with cases, events, files and permits."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PIL import Image

from app.actions.cases import after_transitions
from app.actions.roster import refresh_tally
from app.domain.actor import Actor
from app.domain.roster import normalise_name_en
from app.services import uploads
from tables.tables import Application, Attachment, Case, Payment, Permit, ReviewEvent, RosterEntry, Student

_seq = {"group": 0, "case": 0}

PEOPLE = [
    ("山田花子", "YAMADA HANAKO", date(2004, 3, 9), "F", "JP"),
    ("阮文安", "NGUYEN VAN AN", date(2003, 7, 21), "M", "VN"),
    ("", "JOHN SMITH", date(2001, 11, 23), "M", "US"),
]


def jpeg(color=(180, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(out, format="JPEG")
    return out.getvalue()


async def add_file(application_id: int, case_id: int | None, kind: str, name: str = "") -> int:
    image = uploads.check_image(jpeg(), name or f"{kind}.jpg")
    a = Attachment(
        application=application_id,
        case=case_id,
        kind=kind,
        original_name=image.original_name,
        stored_name=await uploads.store(image),
        content_type=image.content_type,
        size=len(image.data),
        uploaded_by="test",
        uploaded_at=datetime.now(UTC),
    )
    await a.save()
    return a.id


async def make_group(
    school_id: int,
    account_id: int | None,
    statuses: list[str],
    *,
    name: str = "測試團",
    kind: str = "first",
    submitted: datetime | None = None,
    student_id: int | None = None,
    group_status: str = "first_review",
    files: bool = True,
    group_no: str | None = None,
    people: list[tuple] | None = None,
) -> dict[str, Any]:
    """A submitted group; each case has a submit event (and an event reaching its status)."""
    _seq["group"] += 1
    at = submitted or (datetime.now(UTC) - timedelta(days=1))
    app_row = Application(
        group_no=group_no or f"15102{8000 + _seq['group']}",
        business_line="foreign",
        kind=kind,
        name=name,
        member_count=len(statuses),
        school=school_id,
        created_by=account_id,
        student=student_id,
        submitter_name="承辦人",
        submitter_national_id="A123456789",
        submitter_phone="0223456789",
        submitter_email="clerk@example.edu.tw",
        status=group_status,
        station_code="S01",
        submitter_addr={"county": "臺北市", "district": "中正區", "street": "重慶南路一段", "number": "1號"},
        submitted_at=at,
        created_at=at,
        updated_at=at,
    )
    await app_row.save()
    if files:
        await add_file(app_row.id, None, "power_of_attorney", "委託書.jpg")
    cases = []
    for i, status in enumerate(statuses):
        _seq["case"] += 1
        zh, en, born, gender, nat = (people or PEOPLE)[i % len(people or PEOPLE)]
        c = Case(
            application=app_row.id,
            receipt_no=f"1156965{80000 + _seq['case']}",
            status=status,
            identity="foreign",
            enrollment_status="R",
            name_zh=zh,
            no_chinese_name=not zh,
            name_en=en,
            birth_date=born,
            gender=gender,
            nationality=nat,
            birthplace=nat,
            passport_no=f"P{_seq['case']:07d}",
            passport_expiry=date(2031, 1, 1),
            visa_issue_date=date(2026, 8, 1),
            marital_status="single",
            education="senior_high",
            department="資訊管理學系",
            program="bachelor",
            grade="1",
            phone="0912345678",
            address={"county": "臺北市", "district": "大安區", "street": "羅斯福路四段", "number": "1號"},
            complete=True,
            submitted_at=at,
            created_at=at,
            updated_at=at,
        )
        await c.save()
        cases.append(c.id)
        await ReviewEvent.insert(
            ReviewEvent(
                application=app_row.id,
                case=c.id,
                from_status="draft",
                action="submit",
                to_status="first_review",
                actor_kind="school",
                actor_label="03734301 測試人",
                created_at=at,
            )
        )
        if files:
            for kind_ in ("photo", "passport", "visa", "accommodation"):
                await add_file(app_row.id, c.id, kind_, f"{kind_}.jpg")
    await after_transitions({(app_row.id, c) for c in cases})  # what every transition keeps beside the rows
    return {"application": app_row.id, "cases": cases, "group_no": app_row.group_no}


async def return_case(
    application_id: int,
    case_id: int,
    comment: str = "護照影本不清晰，請重新上傳。",
    stage: str = "first_review",
    at: datetime | None = None,
) -> None:
    target = "supplement_first" if stage == "first_review" else "supplement_second"
    await Case.update({Case.status: target}).where(Case.id == case_id)
    await ReviewEvent.insert(
        ReviewEvent(
            application=application_id,
            case=case_id,
            from_status=stage,
            action="return_for_supplement",
            to_status=target,
            actor_kind="reviewer",
            actor_label="reviewer1 初審 王小明",
            comment=comment,
            created_at=at or datetime.now(UTC),
        )
    )
    await after_transitions({(application_id, case_id)})


async def return_group(
    application_id: int, comment: str = "委託書未簽名，請重新上傳。", at: datetime | None = None
) -> None:
    at = at or datetime.now(UTC)

    async def returned(case_id: int | None) -> None:
        """The return's event: of the group (no case), or of one of its cases."""
        await ReviewEvent.insert(
            ReviewEvent(
                application=application_id,
                case=case_id,
                from_status="first_review",
                action="return_group_for_supplement",
                to_status="supplement_first",
                actor_kind="reviewer",
                actor_label="reviewer1",
                comment=comment,
                created_at=at,
            )
        )

    await Application.update({Application.status: "supplement_first"}).where(Application.id == application_id)
    await returned(None)
    for c in await Case.select(Case.id).where(
        (Case.application == application_id) & (Case.status == "first_review")
    ):
        await Case.update({Case.status: "supplement_first"}).where(Case.id == c["id"])
        await returned(c["id"])
    cases = await Case.select(Case.id).where(Case.application == application_id)
    await after_transitions({(application_id, c["id"]) for c in cases})  # what every transition keeps


async def make_permit(
    school_id: int, account_id: int, ui_no: str, *, expires: date | None = None, issued: date | None = None
) -> dict[str, Any]:
    """An issued six-month e-certificate of an admitted student (its group paid)."""
    g = await make_group(school_id, account_id, ["issued"], name="已核發電子證")
    case_id = g["cases"][0]
    await Case.update({Case.ui_no: ui_no, Case.enrollment_status: "A"}).where(Case.id == case_id)
    issued = issued or date.today() - timedelta(days=30)
    expires = expires or issued + timedelta(days=180)
    now = datetime.now(UTC)
    p = Payment(
        order_no=f"T{case_id:08d}",
        school=school_id,
        amount=1000,
        status="paid",
        created_at=now,
        expires_at=now,
        paid_at=now,
    )
    await p.save()
    receipt = (await Case.select(Case.receipt_no).where(Case.id == case_id))[0]["receipt_no"]
    await Permit.insert(
        Permit(
            permit_no=f"E{receipt}",
            case=case_id,
            application=g["application"],
            payment=p.id,
            issued_on=issued,
            expires_on=expires,
            content={"ui_no": ui_no},
            created_at=now,
        )
    )
    return g | {"case": case_id, "permit_no": f"E{receipt}"}


async def make_student(school_id: int, passport_no: str = "P7777777", name_en: str = "STUDENT SELF") -> int:
    s = Student(
        school=school_id,
        year=115,
        passport_no=passport_no,
        name_en=name_en,
        birth_date=date(2003, 1, 1),
        email="self@example.com",
        email_verified_at=datetime.now(UTC),
        created_at=datetime.now(UTC),
    )
    await s.save()
    return s.id


async def make_roster_entry(
    school_id: int, *, name_en: str, passport_no: str, year: int = 115, semester: int = 1, **fields: Any
) -> int:
    """A roster row (名冊) of the school as an import stores it: a registered 外生 unless `fields` say otherwise."""
    t = datetime.now(UTC)
    values: dict[str, Any] = {
        "name_zh": "",
        "birth_date": date(2003, 1, 1),
        "category": "FG",
        "nationality": "LS",
        "gender": "F",
        "national_id": "",
        "qualification": "FOREIGN",
        "program": "B",
        "grade": "1",
        "status": "R",
        **fields,
    }
    row = RosterEntry(
        school=school_id,
        year=year,
        semester=semester,
        name_en=name_en,
        name_en_norm=normalise_name_en(name_en),
        passport_no=passport_no,
        created_at=t,
        updated_at=t,
        **values,
    )
    await row.save()
    await refresh_tally({(school_id, year, semester)})  # the counts every roster write keeps
    return row.id


async def make_roster_student(school_id: int, *, name_en: str, passport_no: str, **fields: Any) -> int:
    """A student of a roster row (`make_roster_entry`), as their first sign-in leaves them; the student's id."""
    entry_id = await make_roster_entry(school_id, name_en=name_en, passport_no=passport_no, **fields)
    student_id = await make_student(school_id, passport_no=passport_no, name_en=name_en)
    await Student.update({Student.roster_entry: entry_id}).where(Student.id == student_id)
    return student_id


def school_actor(ids: dict[str, int], which: str = "main", login_id: str = "03734301") -> Actor:
    return Actor(
        kind="school",
        account_id=ids[which],
        login_id=login_id if which == "main" else f"{login_id}-01",
        name="測試人",
        school_id=ids["school"],
        school_name="測試大學",
        is_main=which == "main",
    )


def student_actor(school_id: int, student_id: int) -> Actor:
    return Actor(
        kind="student", login_id="P7777777", name="STUDENT SELF", school_id=school_id, student_id=student_id
    )


async def login_student(client, student_id: int) -> None:
    """Sign the test client in as a student (the session the email code would open)."""
    from app.services.sessions import create_session
    from app.web.middleware import SESSION_COOKIE

    token = await create_session(account_id=None, kind="student", ip="127.0.0.1", student_id=student_id)
    client.cookies.set(SESSION_COOKIE, token)
    await client.ensure_csrf()
