"""Demo data after submission (issue 6): returned cases and a returned group with the reviewers' comments,
withdrawn cases and a withdrawn group, open cases to withdraw, and issued six-month e-certificates to
renew (one expired, to show the refusal). Idempotent: a group that exists is left alone.

Every group is filed by the school in the wizard's actions with its photos and documents (so a supplement can
be sent back as it is), decided by the demo reviewers, withdrawn by the school's 撤銷 and paid by the payment
actions, which issue the certificates (`app.demo.flow`); then dated into the past.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.demo import backdate, flow
from app.demo.people import Person

LOGIN_ID = "03734301"

PEOPLE = [
    Person("SUZUKI ICHIRO", "鈴木一郎", date(2004, 6, 1), "M", "JP", "TR4455667"),
    Person("EMMA WILSON", "", date(2003, 2, 14), "F", "GB", "GB7781234"),
    Person("TAN MEI LING", "陳美玲", date(2002, 10, 9), "F", "MY", "K12349876", identity="overseas"),
    Person("LUCAS MARTIN", "", date(2004, 8, 27), "M", "FR", "FR8812093"),
]

RETURN_COMMENT = "護照影本不清晰，請重新上傳清晰的護照資料頁，並確認護照號碼。"
GROUP_COMMENT = "委託書未經學校用印，請重新上傳。"

# (name, number of cases, what happens after submit, days ago paid for the e-certificates (200: expired))
GROUPS = [
    ("2026 秋季外生（退回補正示範）", 2, "case_return", 0),
    ("2026 交換生（團資料補正示範）", 2, "group_return", 0),
    ("2026 春季外生（可撤銷示範）", 2, "open", 0),
    ("2026 夏季外生（已撤銷一案）", 2, "case_withdrawn", 0),
    ("2026 研修生（整團撤銷示範）", 2, "group_withdrawn", 0),
    ("2026 春季新生（電子居留證）", 2, "permits", 40),
    ("2025 秋季新生（電子居留證已逾期）", 1, "permits", 200),
]


async def load() -> None:
    actor = await flow.school_actor(LOGIN_ID)
    if actor is None:
        return
    now = datetime.now(UTC)
    for index, (name, n, fate, paid_days_ago) in enumerate(GROUPS):
        if await flow.existing(actor, name):
            continue
        people = [PEOPLE[(index + 1 + j) % len(PEOPLE)] for j in range(n)]
        if fate == "permits":  # admitted, not registered: the six-month e-certificate after payment
            people = [Person(**{**p.__dict__, "enrollment": "A"}) for p in people]
        filed = await flow.file_group(actor, name, people)
        submitted = now - timedelta(days=paid_days_ago + 10 if fate == "permits" else 4)
        await backdate.backdate_submission(filed.application_id, submitted)
        first, *rest = filed.case_ids
        one_day_ago = now - timedelta(days=1)
        if fate == "case_return":  # the first returned, the second still in first review
            await flow.decide(first, "return_for_supplement", RETURN_COMMENT, at=one_day_ago)
        elif fate == "group_return":
            await flow.return_group(filed.application_id, GROUP_COMMENT, at=now - timedelta(hours=20))
        elif fate in ("open", "case_withdrawn"):  # the second passed first review
            for case_id in rest:
                await flow.decide(case_id, "pass_first_review", at=submitted + timedelta(days=2))
            if fate == "case_withdrawn":
                await flow.withdraw_cases(actor, [first], at=one_day_ago)
        elif fate == "group_withdrawn":
            await flow.withdraw_group(actor, filed, at=now - timedelta(hours=20))
        elif fate == "permits":
            paid_at = now - timedelta(days=paid_days_ago)
            await flow.approve_for_payment(filed.case_ids, at=paid_at - timedelta(days=3))
            await flow.pay(actor, [filed.application_id], paid_at=paid_at)
