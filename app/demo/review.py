"""Demo data of the review desk: the reviewers and cases waiting at every stage. Idempotent.

reviewer1 (first review), reviewer2 (second review) and supervisor (a piccolo superuser, who also
maintains the back office's master data), password `Demo-2026-pass`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from piccolo.apps.user.tables import BaseUser

from app.demo import flow
from app.domain import numbering
from app.domain.workflow import Role
from app.domain.workflow import Status as S
from tables.tables import (
    Account,
    Application,
    Case,
    ReviewerProfile,
    ReviewEvent,
    School,
)

DEMO_PASSWORD = "Demo-2026-pass"  # noqa: S105 - documented demo password, refused in production

REVIEWERS = [
    # username, display name, role, superuser
    ("reviewer1", "初審 王小明", Role.FIRST_REVIEWER, False),
    ("reviewer2", "複審 李美華", Role.SECOND_REVIEWER, False),
    ("supervisor", "科長 陳志強", Role.SUPERVISOR, True),
]

PEOPLE = [
    ("NGUYEN VAN AN", "阮文安", "C4821937", date(2003, 4, 12), "M", "VN"),
    ("SITI NURHALIZA", "", "A9182736", date(2002, 9, 3), "F", "MY"),
    ("TANAKA HANA", "田中花", "TK5521980", date(2004, 1, 28), "F", "JP"),
    ("JOHN MILLER", "", "567812349", date(2001, 6, 17), "M", "US"),
    ("KIM MINJUN", "金敏俊", "M82736451", date(2003, 11, 5), "M", "KR"),
]

# (group seq, name, login id, days ago submitted, [(case status, history)], group status)
# history: actions after submit, as (action, from, to, comment, days ago)
GROUPS = [
    (9101, "2026 春季外生（逾期示範）", "03734301", 12, [S.FIRST_REVIEW, S.FIRST_REVIEW, S.FIRST_REVIEW], []),
    (
        9102,
        "2026 補正回覆",
        "03734301",
        9,
        [S.FIRST_REVIEW],
        [
            (
                "return_for_supplement",
                S.FIRST_REVIEW,
                S.SUPPLEMENT_FIRST,
                "居留地址證明文件已過期，請重新上傳。",
                6,
            ),
            ("resubmit", S.SUPPLEMENT_FIRST, S.FIRST_REVIEW, "", 2),
        ],
    ),
    (
        9103,
        "2026 交換生第二批",
        "03734302",
        7,
        [S.SECOND_REVIEW, S.SECOND_REVIEW],
        [
            ("pass_first_review", S.FIRST_REVIEW, S.SECOND_REVIEW, "", 4),
        ],
    ),
    (
        9104,
        "2026 學位生製證",
        "03734301",
        20,
        [S.CARD_PRODUCTION, S.CARD_PRODUCTION],
        [
            ("pass_first_review", S.FIRST_REVIEW, S.SECOND_REVIEW, "", 17),
            ("approve", S.SECOND_REVIEW, S.AWAITING_PAYMENT, "", 14),
            ("record_payment", S.AWAITING_PAYMENT, S.PAID, "", 10),
            ("await_card", S.PAID, S.CARD_PRODUCTION, "", 10),
        ],
    ),
    (
        9105,
        "2026 領證示範",
        "03734301",
        25,
        [S.CARD_READY],
        [
            ("pass_first_review", S.FIRST_REVIEW, S.SECOND_REVIEW, "", 22),
            ("approve", S.SECOND_REVIEW, S.AWAITING_PAYMENT, "", 20),
            ("record_payment", S.AWAITING_PAYMENT, S.PAID, "", 18),
            ("await_card", S.PAID, S.CARD_PRODUCTION, "", 18),
            ("card_made", S.CARD_PRODUCTION, S.CARD_READY, "", 3),
        ],
    ),
    (
        9106,
        "2026 不核准示範",
        "03734301",
        15,
        [S.REJECTED],
        [
            ("pass_first_review", S.FIRST_REVIEW, S.SECOND_REVIEW, "", 12),
            ("reject", S.SECOND_REVIEW, S.REJECTED, "就學證明與申請資格不符。", 8),
        ],
    ),
]


async def _reviewers() -> None:
    for username, display, role, superuser in REVIEWERS:
        rows = await BaseUser.select(BaseUser.id).where(BaseUser.username == username)
        if rows:
            user_id = rows[0]["id"]
        else:
            user = await BaseUser.create_user(
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@nia.example.gov.tw",
                active=True,
                admin=True,
                superuser=superuser,
                first_name=display,
            )
            user_id = user.id
        if not await ReviewerProfile.exists().where(ReviewerProfile.user == user_id):
            await ReviewerProfile.insert(
                ReviewerProfile(
                    user=user_id,
                    role=role.value,
                    display_name=display,
                    created_at=datetime.now(UTC),
                )
            )


async def _groups() -> None:
    today = date.today()
    now = datetime.now(UTC)
    receipt_seq = 95000
    for seq, name, login_id, days_ago, statuses, history in GROUPS:
        gno = numbering.group_no(today, "102", seq)
        if await Application.exists().where(Application.group_no == gno):
            receipt_seq += len(statuses)
            continue
        acc = (
            await Account.select(Account.id, Account.school, Account.name, Account.email).where(
                Account.login_id == login_id
            )
        )[0]
        submitted = now - timedelta(days=days_ago)
        app_row = Application(
            group_no=gno,
            business_line="foreign",
            kind="first",
            name=name,
            member_count=len(statuses),
            pickup_method="self",
            station_code="S01",
            school=acc["school"],
            created_by=acc["id"],
            submitter_name=acc["name"],
            submitter_national_id="A123456789",
            submitter_phone="0233669999",
            submitter_email=acc["email"],
            status=S.FIRST_REVIEW,
            terms_accepted_at=submitted,
            submitted_at=submitted,
            created_at=submitted,
            updated_at=submitted,
        )
        await app_row.save()
        driven = all(action != "resubmit" for action, *_rest in history)
        case_ids: list[int] = []
        for j, status in enumerate(statuses):
            receipt_seq += 1
            name_en, name_zh, passport, born, gender, nat = PEOPLE[(seq + j) % len(PEOPLE)]
            case = Case(
                application=app_row.id,
                receipt_no=numbering.receipt_no(today, receipt_seq),
                identity="foreign",
                status=S.FIRST_REVIEW if driven else status,
                enrollment_status="R",
                name_en=name_en,
                name_zh=name_zh,
                no_chinese_name=not name_zh,
                passport_no=passport,
                birth_date=born,
                gender=gender,
                nationality=nat,
                birthplace=nat,
                passport_expiry=date(2030, 12, 31),
                education="大學",
                education_school="國立臺灣大學",
                department="資訊工程學系",
                program="學士班",
                grade="1",
                phone="0912345678",
                email=f"{passport.lower()}@student.example.com",
                address={"county": "臺北市", "district": "大安區", "street": "羅斯福路四段", "number": "1號"},
                complete=True,
                submitted_at=submitted,
                created_at=submitted,
                updated_at=submitted,
            )
            await case.save()
            case_ids.append(case.id)
            if driven:
                await ReviewEvent.insert(
                    ReviewEvent(
                        application=app_row.id,
                        case=case.id,
                        from_status=S.DRAFT,
                        action="submit",
                        to_status=S.FIRST_REVIEW,
                        actor_kind="school",
                        actor_label=f"{login_id} {acc['name']}",
                        created_at=submitted,
                    )
                )
                continue
            for action, src, dst, comment, ago in history:  # a supplement round: its events as they were
                await ReviewEvent.insert(
                    ReviewEvent(
                        application=app_row.id,
                        case=case.id,
                        from_status=src,
                        action=action,
                        to_status=dst,
                        actor_kind="school" if action == "resubmit" else "reviewer",
                        actor_label=login_id if action == "resubmit" else "reviewer1 初審 王小明",
                        comment=comment,
                        reply="已重新上傳。" if action == "resubmit" else "",
                        created_at=now - timedelta(days=ago),
                    )
                )
        if driven:
            await _drive(login_id, app_row.id, case_ids, history, now)


async def _drive(
    login_id: str, application_id: int, case_ids: list[int], history: list, now: datetime
) -> None:
    """The group's history made by the actions: decisions by the demo reviewers, the payment by the school
    (which issues the receipt and sends registered students' cases to card production)."""
    for action, _src, _dst, comment, ago in history:
        at = now - timedelta(days=ago)
        if action == "record_payment":
            await flow.pay(login_id, [application_id], paid_at=at)
            await flow.date_payment_events(case_ids, at)
        elif action != "await_card":  # await_card: the payment did it
            for case_id in case_ids:
                await flow.decide(case_id, action, comment, at=at)


async def load() -> None:
    """Called inside load_demo()'s transaction, after the schools and accounts exist."""
    if not await School.exists().where(School.business_no == "03734301"):
        return
    await _reviewers()
    await _groups()
