"""The demo's cases move as real ones do: review decisions by the demo reviewers through `app.actions.review`,
payments through `app.actions.payment` (the gateway's answer applied as the sandbox would send it), so
receipts and e-certificates are issued by the same code as in production (issue 12)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from piccolo.apps.user.tables import BaseUser

from app.actions import payment as payment_actions
from app.actions import review
from app.domain.actor import Actor
from app.services import payment as gateway
from tables.tables import Account, Case, Payment, ReviewEvent, School

# Who decides at each stage (app.demo.review makes them).
FIRST, SECOND, DESK = "reviewer1", "reviewer2", "supervisor"


async def reviewer(username: str) -> Actor:
    user = await BaseUser.select(BaseUser.id).where(BaseUser.username == username).first()
    actor = await review.reviewer_actor(user["id"]) if user else None
    if actor is None:
        raise RuntimeError("the demo reviewers (app.demo.review) must be loaded first")
    return actor


async def school_actor(login_id: str) -> Actor:
    account = await Account.select().where(Account.login_id == login_id).first()
    school = await School.select(School.name).where(School.id == account["school"]).first()
    return Actor(
        kind="school",
        account_id=account["id"],
        login_id=login_id,
        name=account["name"],
        school_id=account["school"],
        school_name=school["name"] if school else "",
        is_main=account["is_main"],
    )


async def _version(case_id: int) -> int:
    return (await Case.select(Case.version).where(Case.id == case_id).first())["version"]


async def decide(case_id: int, action: str, comment: str = "", *, at: datetime | None = None) -> None:
    """One review decision on a case by the demo reviewer of that stage; its event dated `at` (the demo's past)."""
    who = FIRST if action == "pass_first_review" else (DESK if action.startswith("card_") else SECOND)
    if action in ("return_for_supplement", "not_accept"):
        status = (await Case.select(Case.status).where(Case.id == case_id).first())["status"]
        who = FIRST if status == "first_review" else SECOND
    await review.decide(await reviewer(who), case_id, await _version(case_id), action, comment)
    if at is not None:
        await _date_last_event(case_id, action, at)


async def approve_for_payment(case_ids: list[int], *, at: datetime | None = None) -> None:
    """初審通過 and 複審核准: the cases wait for payment."""
    for case_id in case_ids:
        await decide(case_id, "pass_first_review", at=at - timedelta(days=1) if at else None)
        await decide(case_id, "approve", at=at)


async def pay(login_id: str, application_ids: list[int], *, paid_at: datetime) -> str:
    """The school pays the groups by card; the sandbox's answer is applied by the payment actions, which issue
    the receipts and six-month e-certificates (dated by `paid_at`). Returns the order no."""
    actor = await school_actor(login_id)
    started = await payment_actions.start_payment(actor, application_ids, "card", ip="demo")
    if started.errors:
        raise RuntimeError(f"demo payment refused: {started.errors}")
    payment = await Payment.select().where(Payment.order_no == started.order_no).first()
    await payment_actions.apply_result(
        gateway.GatewayResult(
            order_no=started.order_no,
            outcome=gateway.PAID,
            amount=payment["amount"],
            currency="TWD",
            txn_id="SBXDEMO" + secrets.token_hex(5).upper(),
            paid_at=paid_at,
            message="demo",
        ),
        source="demo",
        ip="demo",
    )
    await Payment.update({Payment.created_at: paid_at - timedelta(minutes=5)}).where(
        Payment.order_no == started.order_no
    )
    return started.order_no


async def _date_last_event(case_id: int, action: str, at: datetime) -> None:
    last = (
        await ReviewEvent.select(ReviewEvent.id)
        .where((ReviewEvent.case == case_id) & (ReviewEvent.action == action))
        .order_by(ReviewEvent.id, ascending=False)
        .first()
    )
    if last:
        await ReviewEvent.update({ReviewEvent.created_at: at.astimezone(UTC)}).where(
            ReviewEvent.id == last["id"]
        )


async def date_payment_events(case_ids: list[int], at: datetime) -> None:
    """The system's events of a payment (已繳費, 已核發 / 待製證) dated when the demo says it was paid."""
    await ReviewEvent.update({ReviewEvent.created_at: at.astimezone(UTC)}).where(
        ReviewEvent.case.is_in(case_ids or [-1])
        & ReviewEvent.action.is_in(["record_payment", "issue_e_certificate", "await_card"])
    )


async def date_events(
    case_ids: list[int], action: str, at: datetime, *, application_id: int | None = None
) -> None:
    """The events of one action on these cases (and, with `application_id`, the group's own) dated `at`."""
    where = ReviewEvent.case.is_in(case_ids or [-1])
    if application_id is not None:
        where = where | ((ReviewEvent.application == application_id) & ReviewEvent.case.is_null())
    await ReviewEvent.update({ReviewEvent.created_at: at.astimezone(UTC)}).where(
        where & (ReviewEvent.action == action)
    )
