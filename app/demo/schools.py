"""Demo schools, accounts and the dashboard's submitted groups; `load_demo()` loads every demo module."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app import db
from app.demo import flow
from app.domain import numbering
from app.domain.workflow import Status
from app.services.hashing import hash_password_sync
from tables.tables import Account, Application, Case, ReviewEvent, School

DEMO_PASSWORD = "Demo-2026-pass"  # noqa: S105 - documented demo password, refused in production

SCHOOLS = [
    {
        "name": "國立臺灣大學 (demo)",
        "name_en": "National Taiwan University (demo)",
        "business_no": "03734301",
        "head": "陳文章",
        "unit": "國際事務處",
        "phone": "0233663366",
        "email": "oia@ntu.example.edu.tw",
        "addr_county": "臺北市",
        "addr_district": "大安區",
        "addr_street": "羅斯福路四段",
        "addr_number": "1號",
    },
    {
        "name": "國立政治大學 (demo)",
        "name_en": "National Chengchi University (demo)",
        "business_no": "03734317",
        "head": "李蔡彥",
        "unit": "國際合作事務處",
        "phone": "0229393091",
        "email": "oic@nccu.example.edu.tw",
        "addr_county": "臺北市",
        "addr_district": "文山區",
        "addr_street": "指南路二段",
        "addr_number": "64號",
    },
]

ACCOUNTS = [
    # login_id, school index, main, name, unit, enabled, national_id
    ("03734301", 0, True, "測試人", "國際事務處", True, "A123456789"),
    ("03734301-01", 0, False, "測試帳號", "國立臺灣大學 (demo)", True, "B120863158"),
    ("03734301-02", 0, False, "測試帳號二", "國立臺灣大學 (demo)", False, "F131104002"),
    ("03734302", 1, True, "政大承辦人", "國際合作事務處", True, "A223456781"),
]


async def _school(spec: dict) -> int:
    rows = await School.select(School.id).where(School.business_no == spec["business_no"])
    if rows:
        return rows[0]["id"]
    s = School(created_at=datetime.now(UTC), **spec)
    await s.save()
    return s.id


async def _account(
    login_id: str,
    school_id: int,
    main: bool,
    name: str,
    unit: str,
    enabled: bool,
    nid: str,
    password_hash: str,
) -> int:
    rows = await Account.select(Account.id).where(Account.login_id == login_id)
    if rows:
        return rows[0]["id"]
    a = Account(
        login_id=login_id,
        school=school_id,
        is_main=main,
        name=name,
        unit=unit,
        enabled=enabled,
        national_id=nid,
        birthday=date(1985, 3, 14),
        phone="0233669999",
        phone_ext="123",
        email=f"{login_id}@demo.example.edu.tw",
        password_hash=password_hash,
        password_changed_at=datetime.now(UTC),
        created_at=datetime.now(UTC),
        addr_county="臺北市",
        addr_district="大安區",
        addr_street="羅斯福路四段",
        addr_number="1號",
    )
    await a.save()
    return a.id


# Submitted groups to fill the dashboard: (group seq, name, account, statuses of its cases, comment)
GROUPS = [
    (9001, "2026 第一批次外生", "03734301", [Status.FIRST_REVIEW, Status.FIRST_REVIEW], ""),
    (9002, "2026 交換生補件", "03734301", [Status.SUPPLEMENT_FIRST], "護照影本不清晰，請重新上傳。"),
    (
        9003,
        "2026 秋季核准",
        "03734301",
        [Status.AWAITING_PAYMENT, Status.AWAITING_PAYMENT, Status.AWAITING_PAYMENT],
        "",
    ),
    (9004, "2026 不受理案", "03734301", [Status.NOT_ACCEPTED], "非本系統受理之學生類別。"),
    (9005, "子帳號送件", "03734301-01", [Status.SECOND_REVIEW], ""),
    (9006, "政大第一批", "03734302", [Status.FIRST_REVIEW], ""),
]

STUDENTS = [
    ("STUDENT ONE", "MM214587", date(1988, 2, 2), "F", "LS"),
    ("STUDENT TWO", "P19840502", date(1999, 5, 2), "F", "JP"),
    ("STUDENT THREE", "X77821345", date(2001, 11, 23), "M", "VN"),
]


async def _groups(account_ids: dict[str, int], school_of: dict[str, int]) -> None:
    today = date.today()
    receipt_seq = 90000
    for i, (seq, name, login_id, statuses, comment) in enumerate(GROUPS):
        gno = numbering.group_no(today, "102", seq)
        if await Application.exists().where(Application.group_no == gno):
            receipt_seq += len(statuses)
            continue
        submitted = datetime.now(UTC) - timedelta(days=len(GROUPS) - i)
        app_row = Application(
            group_no=gno,
            business_line="foreign",
            kind="first",
            name=name,
            member_count=len(statuses),
            pickup_method="self",
            station_code="S01",
            school=school_of[login_id],
            created_by=account_ids[login_id],
            submitter_name="測試人",
            submitter_national_id="A123456789",
            submitter_phone="0233669999",
            submitter_email=f"{login_id}@demo.example.edu.tw",
            status=Status.FIRST_REVIEW,
            terms_accepted_at=submitted,
            submitted_at=submitted,
            created_at=submitted,
            updated_at=submitted,
        )
        await app_row.save()
        for j, status in enumerate(statuses):
            receipt_seq += 1
            name_en, passport, born, gender, nat = STUDENTS[j % len(STUDENTS)]
            case = Case(
                application=app_row.id,
                receipt_no=numbering.receipt_no(today, receipt_seq),
                identity="foreign",
                status=Status.FIRST_REVIEW,  # then decided by the demo reviewers (app.demo.flow)
                enrollment_status="R",
                name_en=name_en,
                passport_no=passport,
                birth_date=born,
                gender=gender,
                nationality=nat,
                complete=True,
                submitted_at=submitted,
                created_at=submitted,
                updated_at=submitted,
            )
            await case.save()
            await ReviewEvent.insert(
                ReviewEvent(
                    application=app_row.id,
                    case=case.id,
                    from_status=Status.DRAFT,
                    action="submit",
                    to_status=Status.FIRST_REVIEW,
                    actor_kind="school",
                    actor_label=login_id,
                    created_at=submitted,
                )
            )
            for action in DECISIONS[status]:
                await flow.decide(case.id, action, comment, at=submitted + timedelta(hours=3))


# How each dashboard case reached its status, by the review actions.
DECISIONS = {
    Status.FIRST_REVIEW: (),
    Status.SUPPLEMENT_FIRST: ("return_for_supplement",),
    Status.SECOND_REVIEW: ("pass_first_review",),
    Status.AWAITING_PAYMENT: ("pass_first_review", "approve"),
    Status.NOT_ACCEPTED: ("not_accept",),
}


async def load_demo() -> None:
    await db.start()
    try:
        password_hash = hash_password_sync(DEMO_PASSWORD)
        async with db.write_tx():
            school_ids = [await _school(s) for s in SCHOOLS]
            account_ids: dict[str, int] = {}
            school_of: dict[str, int] = {}
            for login_id, si, main, name, unit, enabled, nid in ACCOUNTS:
                account_ids[login_id] = await _account(
                    login_id, school_ids[si], main, name, unit, enabled, nid, password_hash
                )
                school_of[login_id] = school_ids[si]
            from app.demo import apply, payment, progress, review
            from app.demo.roster import load_demo_roster

            await load_demo_roster()
            await review.load()  # the reviewers first: they decide the dashboard's cases too
            await _groups(account_ids, school_of)
            await payment.load()
            await apply.load()
            await progress.load()
    finally:
        await db.stop()
    print(
        "demo data loaded: accounts 03734301, 03734301-01, 03734301-02 (disabled), 03734302; "
        f"password {DEMO_PASSWORD}"
    )
