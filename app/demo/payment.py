"""Demo data of online payment (issue 7): a group awaiting payment with admitted students, a paid group with
its receipt and six-month e-certificates, and a collected IC card. Idempotent.

Everything goes through the real code (`app.demo.flow`): the school files the groups in the wizard's actions,
both reviews by the demo reviewers, `start_payment` makes the order, `apply_result` applies what the gateway
would have notified, and the desk's `card_made` / `card_collected` hand out the card.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.demo import backdate, flow
from app.demo.people import Person

LOGIN_ID = "03734301"

# (name, members, what happens)
GROUPS = [
    (
        "2026 春季錄取新生",
        [
            Person("SATO KEN", "佐藤健", date(2005, 4, 2), "M", "JP", "TK8812345", enrollment="A"),
            Person("MARIA GARCIA", "", date(2004, 12, 19), "F", "ES", "PA1234567", enrollment="A"),
        ],
        "awaiting",
    ),
    (
        "2026 夏季新生（已繳費）",
        [
            Person("YAMADA HANAKO", "山田花子", date(2004, 3, 9), "F", "JP", "TZ1234567", enrollment="A"),
            Person("NGUYEN VAN AN", "阮文安", date(2003, 7, 21), "M", "VN", "C7654321"),
            Person("KIM JI YEON", "金智妍", date(2004, 8, 30), "F", "KR", "M12345678", enrollment="A"),
        ],
        "paid",
    ),
    (
        "2026 在學生（已領證）",
        [Person("JOHN SMITH", "", date(2001, 11, 23), "M", "US", "X77821345")],
        "collected",
    ),
]
# 換證: one of the paid group's six-month e-certificates, renewed to an IC card after registration.
RENEWAL = "2026 在學生換證（待製證）"


async def load() -> None:
    actor = await flow.school_actor(LOGIN_ID)
    if actor is None:
        return
    now = datetime.now(UTC)
    for name, members, fate in GROUPS:
        if await flow.existing(actor, name):
            continue
        filed = await flow.file_group(actor, name, members)
        submitted = now - timedelta(days=12)
        await backdate.backdate_submission(filed.application_id, submitted)
        await flow.approve_for_payment(filed.case_ids, at=submitted + timedelta(days=5))
        if fate == "awaiting":
            continue
        await flow.pay(actor, [filed.application_id], paid_at=now - timedelta(days=2))
        if fate == "collected":
            await flow.card_made_and_collected(filed.case_ids, collected=True)
    await _renewal(actor, now)


async def _renewal(actor, now: datetime) -> None:
    """The school renews YAMADA HANAKO's e-certificate (found by its UI no.), the reviewers approve, it pays:
    the registered student's IC card is in production."""
    if await flow.existing(actor, RENEWAL):
        return
    from tables.tables import Case, Permit

    permit = await Permit.select(Permit.case.ui_no).where(Permit.case.name_en == "YAMADA HANAKO").first()
    if permit is None:
        return
    filed = await flow.file_offering_group(
        actor, "foreign", "renewal", RENEWAL, [({"ui_no": permit["case.ui_no"]}, {})]
    )
    await backdate.backdate_submission(filed.application_id, now - timedelta(days=1, hours=20))
    await flow.approve_for_payment(filed.case_ids, at=now - timedelta(hours=20))
    await flow.pay(actor, [filed.application_id], paid_at=now - timedelta(hours=2))
    assert await Case.exists().where(Case.id.is_in(filed.case_ids) & (Case.status == "card_production"))
