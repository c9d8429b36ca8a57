"""Demo data of the review desk: the reviewers, and groups waiting at every stage. Idempotent.

reviewer1 (first review), reviewer2 (second review) and supervisor (a piccolo superuser, who also
maintains the back office's master data), password `Demo-2026-pass`. The supervisor is made as an
installation's first one is (`bootstrap_supervisor`), the reviewers by that supervisor (`create_reviewer`).
Every group is filed by its school and decided by the reviewers through the actions (`app.demo.flow`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from piccolo.apps.user.tables import BaseUser

from app.actions import admin_accounts
from app.demo import backdate, flow
from app.demo.people import Person

DEMO_PASSWORD = "Demo-2026-pass"  # noqa: S105 - documented demo password, refused in production

REVIEWERS = [
    # username, display name, role
    ("reviewer1", "初審 王小明", "first_reviewer"),
    ("reviewer2", "複審 李美華", "second_reviewer"),
]
SUPERVISOR = ("supervisor", "科長 陳志強")

PEOPLE = [
    Person("NGUYEN VAN AN", "阮文安", date(2003, 4, 12), "M", "VN", "C4821937"),
    Person("SITI NURHALIZA", "", date(2002, 9, 3), "F", "MY", "A9182736"),
    Person("TANAKA HANA", "田中花", date(2004, 1, 28), "F", "JP", "TK5521980"),
    Person("JOHN MILLER", "", date(2001, 6, 17), "M", "US", "567812349"),
    Person("KIM MINJUN", "金敏俊", date(2003, 11, 5), "M", "KR", "M82736451"),
]

# (name, login id, days ago submitted, number of cases, what happened after, as (step, days ago))
GROUPS = [
    ("2026 春季外生（逾期示範）", "03734301", 12, 3, []),
    ("2026 補正回覆", "03734301", 9, 1, [("return", 6), ("answer", 2)]),
    ("2026 交換生第二批", "03734302", 7, 2, [("pass_first_review", 4)]),
    ("2026 複審補正示範", "03734301", 8, 1, [("pass_first_review", 6), ("return", 3)]),
    ("2026 學位生製證", "03734301", 20, 2, [("pass_first_review", 17), ("approve", 14), ("pay", 10)]),
    (
        "2026 領證示範",
        "03734301",
        25,
        1,
        [("pass_first_review", 22), ("approve", 20), ("pay", 18), ("card_made", 3)],
    ),
    ("2026 不核准示範", "03734301", 15, 1, [("pass_first_review", 12), ("reject", 8)]),
]
RETURN_COMMENT = "居留地址證明文件已過期，請重新上傳。"
SECOND_RETURN_COMMENT = "就學證明與護照姓名拼法不一致，請補正。"
REJECT_COMMENT = "就學證明與申請資格不符。"


async def load_reviewers() -> None:
    """The supervisor first (the installation's first one), then the reviewers it creates."""
    username, display = SUPERVISOR
    if not await BaseUser.exists().where(BaseUser.username == username):
        await admin_accounts.bootstrap_supervisor(
            username, display, f"{username}@nia.example.gov.tw", DEMO_PASSWORD
        )
    supervisor = await flow.reviewer(username)
    for username, display, role in REVIEWERS:
        if await BaseUser.exists().where(BaseUser.username == username):
            continue
        await admin_accounts.create_reviewer(
            supervisor,
            admin_accounts.NewReviewer(
                username=username,
                display_name=display,
                email=f"{username}@nia.example.gov.tw",
                role=role,
                stations="",
                password=DEMO_PASSWORD,
            ),
        )


async def load() -> None:
    """The review desk's groups; after the schools and accounts exist."""
    now = datetime.now(UTC)
    for index, (name, login_id, days_ago, n, history) in enumerate(GROUPS):
        actor = await flow.school_actor(login_id)
        if actor is None or await flow.existing(actor, name):
            continue
        people = [PEOPLE[(index + j) % len(PEOPLE)] for j in range(n)]
        filed = await flow.file_group(actor, name, people)
        await backdate.backdate_submission(filed.application_id, now - timedelta(days=days_ago))
        paid = False
        for step, ago in history:
            at = now - timedelta(days=ago)
            if step == "pay":
                await flow.pay(actor, [filed.application_id], paid_at=at)  # registered: to card production
                paid = True
            elif step == "answer":
                for case_id in filed.case_ids:
                    await flow.answer_return(actor, filed, case_id, "已重新上傳。", "accommodation", at=at)
            elif step == "return":
                for case_id in filed.case_ids:
                    comment = (
                        SECOND_RETURN_COMMENT if history[0][0] == "pass_first_review" else RETURN_COMMENT
                    )
                    await flow.decide(case_id, "return_for_supplement", comment, at=at)
            elif step == "card_made":
                assert paid
                await flow.card_made_and_collected(filed.case_ids, collected=False)
                await backdate.backdate_events(filed.case_ids, ["card_made"], at)
            else:
                for case_id in filed.case_ids:
                    await flow.decide(case_id, step, REJECT_COMMENT if step == "reject" else "", at=at)
