"""The reviewers' decisions (初審通過, 退回補正, 不受理, 複審核准, 不核准, 製證完成, 已領證).

One function per decision. Each takes a reviewer `Actor` (never a request), checks the move with
`workflow.apply` for the reviewer's role (read from `ReviewerProfile`, not from the caller), changes
the status under the optimistic lock of the case's `version`, writes a ReviewEvent, and builds the
emails; all in one transaction. The emails go out after the commit: directly when the action
opened the transaction itself, otherwise the caller sends `outcome.mails` after its own commit
(`deliver`).

Two reviewers deciding one case at once: the first wins; the second gets `Conflict` (the case
changed meanwhile) and nothing of its decision is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from app import db, errors
from app.actions import cases as pipeline
from app.actions.notices import NoticeFacts, Recipient, build_mails
from app.domain import fees, issuance, permits, workflow
from app.domain.actor import Actor
from app.domain.calendar import supplement_deadline
from app.domain.workflow import IllegalTransition, Role
from app.i18n import TAIPEI
from app.i18n import gettext as _
from app.queries.fees import get_fee
from app.queries.review import first_reviewers, get_claim
from app.queries.review_calendar import work_calendar
from app.services import mail
from app.services.mail import Mail
from tables.tables import (
    Account,
    Application,
    CannedReason,
    Case,
    CaseClaim,
    Receipt,
    ReviewerProfile,
    School,
    Student,
)

COMMENT_MAX = 2000


class ReviewError(Exception):
    """A decision refused; `message` is for the reviewer, `field` names the input at fault."""

    def __init__(self, message: str, field: str = ""):
        self.message, self.field = message, field
        super().__init__(message)


class Conflict(ReviewError, errors.Conflict):
    """The case (or group) changed since the reviewer opened it."""


class NotFound(ReviewError, errors.NotFound):
    pass


class HeldByOther(Conflict):
    """Another reviewer holds (認領) the case."""


@dataclass
class Outcome:
    application_id: int
    case_ids: list[int]
    from_status: str
    to_status: str
    action: str
    mails: list[Mail] = field(default_factory=list)
    sent: bool = False


def now() -> datetime:
    return datetime.now(UTC)


async def reviewer_role(actor: Actor) -> Role:
    """The acting reviewer's role, from the database: an active admin user with a ReviewerProfile."""
    if actor.kind != "reviewer" or not actor.account_id:
        raise IllegalTransition("", "", _("You are not allowed to do this."))
    rows = await ReviewerProfile.select(ReviewerProfile.role).where(
        (ReviewerProfile.user == actor.account_id)
        & (ReviewerProfile.user.active == True)  # noqa: E712 - a Piccolo expression
        & (ReviewerProfile.user.admin == True)  # noqa: E712
    )
    if not rows:
        raise IllegalTransition("", "", _("You are not allowed to do this."))
    try:
        role = Role(rows[0]["role"])
    except ValueError as exc:
        raise IllegalTransition("", "", _("You are not allowed to do this.")) from exc
    if role not in workflow.DESK:
        raise IllegalTransition("", "", _("You are not allowed to do this."))
    return role


REASON_KIND = {
    "return_for_supplement": "return",
    "return_group_for_supplement": "return",
    "not_accept": "refuse",
    "reject": "refuse",
}


async def with_reason(action: str, reason_id: int | None, comment: str) -> str:
    """The comment with a canned reason put first (both languages, so every reader has it)."""
    if not reason_id:
        return comment
    rows = await CannedReason.select().where((CannedReason.id == reason_id) & (CannedReason.active == True))  # noqa: E712
    if not rows or REASON_KIND.get(action) != rows[0]["kind"]:
        raise ReviewError(
            _("This reason does not fit this decision; choose another or write one."), field="reason"
        )
    r = rows[0]
    text = r["text_zh"] + (f"（{r['text_en']}）" if r["text_en"] else "")
    extra = (comment or "").strip()
    return f"{text}\n{extra}" if extra else text


async def prepare_comment(action: str, comment: str, reason_id: int | None = None) -> str:
    """The comment a decision would record, or ReviewError: checked before the desk asks to confirm."""
    return _clean_comment(action, await with_reason(action, reason_id, comment))


def _clean_comment(action: str, comment: str) -> str:
    comment = (comment or "").strip().replace("\r\n", "\n")
    if action in workflow.COMMENT_REQUIRED and not comment:
        raise ReviewError(_("Please give the reason; the school reads it."), field="comment")
    if len(comment) > COMMENT_MAX:
        raise ReviewError(_("At most %(n)d characters.", n=COMMENT_MAX), field="comment")
    return comment


async def _recipients(app_row: dict[str, Any], cases: list[dict[str, Any]]) -> list[Recipient]:
    """The submitter in the language of their account; the student too when they filed it themself.
    `cases` are the cases concerned (kept for per-case addressing)."""
    out: list[Recipient] = []
    language = "zh_Hant_TW"
    if app_row.get("created_by"):
        acc = await Account.select(Account.language, Account.email).where(Account.id == app_row["created_by"])
        if acc:
            language = acc[0]["language"] or language
    if app_row.get("student"):  # a self-filed case (學生自行申請): the student, in the student's language
        rows = await Student.select(Student.email, Student.language).where(Student.id == app_row["student"])
        if rows:
            out.append(Recipient(rows[0]["email"] or "", rows[0]["language"] or language))
            language = rows[0]["language"] or language
    out.append(Recipient(app_row.get("submitter_email") or "", language))
    return out


async def _load_case(case_id: int) -> dict[str, Any]:
    rows = await db.lock_for_update(Case.select().where(Case.id == case_id))
    if not rows:
        raise NotFound(_("No such case."))
    return rows[0]


async def _load_application(application_id: int) -> dict[str, Any]:
    rows = await db.lock_for_update(Application.select().where(Application.id == application_id))
    if not rows:
        raise NotFound(_("No such application."))
    return rows[0]


def _stale() -> Conflict:
    return Conflict(
        _(
            "This case was changed by someone else meanwhile. Its current state is shown below; "
            "please check it and decide again."
        )
    )


async def check_not_held_by_other(actor: Actor, case_ids: list[int]) -> None:
    """Inside a decision's transaction: refuse when another reviewer holds one of the cases."""
    for case_id in case_ids:
        held = await get_claim(case_id)
        if held is not None and held.user_id != actor.account_id:
            raise HeldByOther(
                _("%(name)s holds this case; ask them or a supervisor to release it.", name=held.holder)
            )


async def release_after_decision(case_ids: list[int]) -> None:
    if case_ids:
        await CaseClaim.delete().where(CaseClaim.case.is_in(case_ids))


async def _check_four_eyes(actor: Actor, cases: list[dict[str, Any]], action: str) -> None:
    """Refuse a second-review decision by the case's own first reviewer (supervisors included)."""
    at_second = [c for c in cases if c["status"] == workflow.Status.SECOND_REVIEW]
    if not at_second:
        return
    firsts = await first_reviewers([c["id"] for c in at_second])
    for c in at_second:
        reason = workflow.four_eyes_refusal(c["status"], firsts.get(c["id"]), actor.account_id)
        if reason:
            raise IllegalTransition(c["status"], action, reason)


async def _event(
    application_id: int,
    case_id: int | None,
    source: str,
    action: str,
    target: str,
    actor: Actor,
    comment: str,
    at: datetime,
) -> None:
    await pipeline.record_event(
        application_id,
        case_id,
        source,
        action,
        target,
        actor_kind="system" if actor.kind == "system" else "reviewer",
        actor_label=actor.label,
        actor_id=actor.account_id,
        comment=comment,
        at=at,
    )


async def _facts(
    action: str,
    app_row: dict[str, Any],
    cases: list[dict[str, Any]],
    comment: str,
    at: datetime,
    *,
    lapsed: bool = False,
) -> NoticeFacts:
    school = await School.select(School.name).where(School.id == app_row["school"])
    deadline: date | None = None
    if action in ("return_for_supplement", "return_group_for_supplement"):
        deadline = supplement_deadline(at, await work_calendar())
    line, kind = app_row.get("business_line") or "foreign", app_row.get("kind") or "first"
    amount: int | None = None
    if action == "approve":
        # The fee in force today; the payment charges the one in force on the day it is made.
        try:
            amount = (await get_fee(line, kind, at.astimezone(TAIPEI).date())).per_person * len(cases)
        except fees.NoFee:
            amount = None
    return NoticeFacts(
        action=action,
        group_name=app_row["name"],
        group_no=app_row["group_no"] or "",
        school_name=school[0]["name"] if school else "",
        comment=comment,
        applicants=tuple((c["receipt_no"] or "", c["name_en"] or c["name_zh"]) for c in cases),
        deadline=deadline,
        station=app_row.get("station_code") or "",
        application_id=app_row["id"],
        amount=amount,
        lapsed=lapsed,
        permit=permits.permit_of(line, kind).title,
    )


async def _finish(outcome: Outcome, nested: bool) -> Outcome:
    if not nested:
        await deliver(outcome.mails)
        outcome.sent = True
    return outcome


async def deliver(mails: list[Mail]) -> None:
    for m in mails:
        await mail.send(m)


async def _decide_case(
    actor: Actor, case_id: int, version: int, action: str, comment: str = "", extra: Any = None
) -> Outcome:
    nested = db.in_transaction()
    async with db.write_tx():
        role = await reviewer_role(actor)
        comment = _clean_comment(action, comment)
        case = await _load_case(case_id)
        if case["version"] != version:
            raise _stale()
        target = workflow.apply(case["status"], action, role)
        await _check_four_eyes(actor, [case], action)
        await check_not_held_by_other(actor, [case_id])
        app_row = await _load_application(case["application"])
        at = now()
        if extra is not None:
            comment = await extra(case, app_row, comment, at)
        try:
            await db.update_versioned(Case, case_id, version, {Case.status: target, Case.updated_at: at})
        except db.StaleRowError as exc:
            raise _stale() from exc
        await _event(app_row["id"], case_id, case["status"], action, target, actor, comment, at)
        await release_after_decision([case_id])
        facts = await _facts(action, app_row, [case], comment, at)
        mails = build_mails(facts, await _recipients(app_row, [case]))
        outcome = Outcome(app_row["id"], [case_id], case["status"], target, action, mails)
    return await _finish(outcome, nested)


async def pass_first_review(actor: Actor, case_id: int, version: int, comment: str = "") -> Outcome:
    """初審通過 → 待複審."""
    return await _decide_case(actor, case_id, version, "pass_first_review", comment)


async def return_for_supplement(actor: Actor, case_id: int, version: int, comment: str) -> Outcome:
    """退回補正 of one case (初審 or 複審); the school has 3 working days to answer."""
    return await _decide_case(actor, case_id, version, "return_for_supplement", comment)


async def not_accept(actor: Actor, case_id: int, version: int, comment: str) -> Outcome:
    """不受理 (reason required)."""
    return await _decide_case(actor, case_id, version, "not_accept", comment)


async def approve(actor: Actor, case_id: int, version: int, comment: str = "") -> Outcome:
    """複審核准 → 待繳費."""
    return await _decide_case(actor, case_id, version, "approve", comment)


async def reject(actor: Actor, case_id: int, version: int, comment: str) -> Outcome:
    """不核准 (reason required)."""
    return await _decide_case(actor, case_id, version, "reject", comment)


async def card_made(actor: Actor, case_id: int, version: int, comment: str = "") -> Outcome:
    """製證完成: the IC card is made → 待領證."""
    return await _decide_case(actor, case_id, version, "card_made", comment)


def normalise_receipt_no(value: str) -> str:
    """外字第 000123 號 / 000123 → 000123 (the digits and letters of the number only)."""
    value = (value or "").strip()
    value = re.sub(r"^外字第|號$", "", value)
    return re.sub(r"[\s\-]", "", value).upper()


async def card_collected(
    actor: Actor, case_id: int, version: int, receipt_no: str, comment: str = "", passport_no: str = ""
) -> Outcome:
    """已領證 at the counter (the seed's IC卡居留證領取說明): the clerk has the receipt and the passport of the
    person collecting. The receipt's number must be one of the case's group, the receipt must list the
    case's 收件號 (its 繳款人 is the group's 收件號 range), and the passport must be the applicant's. The
    receipt is then marked as collected for the case."""
    wanted = normalise_receipt_no(receipt_no)
    if not wanted:
        raise ReviewError(_("Enter the number on the receipt the applicant shows."), field="receipt_no")
    if not (passport_no or "").strip():
        raise ReviewError(
            _("Enter the passport number of the person collecting the card."), field="passport_no"
        )

    async def check(case: dict[str, Any], app_row: dict[str, Any], text: str, at: datetime) -> str:
        receipts = await db.lock_for_update(
            Receipt.select(
                Receipt.id, Receipt.receipt_no, Receipt.payer, Receipt.content, Receipt.collected
            ).where(Receipt.application == app_row["id"])
        )
        match = next((r for r in receipts if normalise_receipt_no(r["receipt_no"]) == wanted), None)
        if match is None:
            raise ReviewError(
                _("This receipt number does not belong to the case's group."), field="receipt_no"
            )
        raw = match["content"]
        content = json.loads(raw) if isinstance(raw, str) else (raw or {})
        if not issuance.receipt_lists(content, match["payer"], case["receipt_no"] or ""):
            raise ReviewError(
                _("This receipt does not list the case's receipt no. %(no)s.", no=case["receipt_no"] or ""),
                field="receipt_no",
            )
        if not issuance.same_passport(passport_no, case["passport_no"] or ""):
            raise ReviewError(
                _("This passport number is not the applicant's. The card is handed only to its holder."),
                field="passport_no",
            )
        raw = match["collected"]
        collected = dict(json.loads(raw) if isinstance(raw, str) else (raw or {}))
        collected[case["receipt_no"] or str(case["id"])] = at.isoformat()
        await Receipt.update({Receipt.collected: collected}).where(Receipt.id == match["id"])
        note = _("Receipt no. %(no)s and the passport checked.", no=match["receipt_no"])
        return f"{text}\n{note}".strip()

    return await _decide_case(actor, case_id, version, "card_collected", comment, extra=check)


async def return_group_for_supplement(
    actor: Actor, application_id: int, version: int, comment: str
) -> Outcome:
    """退回補正 of the whole group (its own data or attachments): the group and its cases at the group's
    review stage go to 初審/複審資料補正 together."""
    nested = db.in_transaction()
    action = "return_group_for_supplement"
    async with db.write_tx():
        role = await reviewer_role(actor)
        comment = _clean_comment(action, comment)
        app_row = await _load_application(application_id)
        if app_row["version"] != version:
            raise _stale()
        cases = await db.lock_for_update(
            Case.select().where(Case.application == application_id).order_by(Case.id)
        )
        stage = workflow.group_review_stage([c["status"] for c in cases])
        if stage is None:
            raise IllegalTransition(
                app_row["status"],
                action,
                _("No case of this group is in review, so the group cannot be returned."),
            )
        target = workflow.apply(stage, action, role)
        per_case = workflow.apply(stage, "return_for_supplement", role)
        await _check_four_eyes(actor, [c for c in cases if c["status"] == stage], action)
        await check_not_held_by_other(actor, [c["id"] for c in cases if c["status"] == stage])
        at = now()
        try:
            await db.update_versioned(
                Application, application_id, version, {Application.status: target, Application.updated_at: at}
            )
        except db.StaleRowError as exc:
            raise _stale() from exc
        await _event(application_id, None, stage, action, target, actor, comment, at)
        moved = [c for c in cases if c["status"] == stage]
        for c in moved:
            await db.update_versioned(
                Case, c["id"], c["version"], {Case.status: per_case, Case.updated_at: at}
            )
            await _event(application_id, c["id"], stage, action, per_case, actor, comment, at)
        await release_after_decision([c["id"] for c in moved])
        facts = await _facts(action, app_row, moved, comment, at)
        mails = build_mails(facts, await _recipients(app_row, moved))
        outcome = Outcome(application_id, [c["id"] for c in moved], str(stage), str(target), action, mails)
    return await _finish(outcome, nested)


CASE_ACTIONS = {
    "pass_first_review": pass_first_review,
    "return_for_supplement": return_for_supplement,
    "not_accept": not_accept,
    "approve": approve,
    "reject": reject,
    "card_made": card_made,
}


async def decide(
    actor: Actor,
    case_id: int,
    version: int,
    action: str,
    comment: str = "",
    receipt_no: str = "",
    passport_no: str = "",
    reason_id: int | None = None,
) -> Outcome:
    """One entry point for the desk and the admin forms: a case-level decision by its action name."""
    comment = await with_reason(action, reason_id, comment)
    if action == "card_collected":
        return await card_collected(actor, case_id, version, receipt_no, comment, passport_no=passport_no)
    fn = CASE_ACTIONS.get(action)
    if fn is None:
        raise IllegalTransition("", action, _("You are not allowed to do this."))
    return await fn(actor, case_id, version, comment)


async def reviewer_actor(user_id: int) -> Actor | None:
    """The Actor of an active back-office user with a reviewer role, else None."""
    rows = await ReviewerProfile.select(
        ReviewerProfile.role,
        ReviewerProfile.display_name,
        ReviewerProfile.user.username,
    ).where(
        (ReviewerProfile.user == user_id)
        & (ReviewerProfile.user.active == True)  # noqa: E712
        & (ReviewerProfile.user.admin == True)  # noqa: E712
    )
    if not rows or rows[0]["role"] not in {r.value for r in workflow.DESK}:
        return None
    r = rows[0]
    return Actor(kind="reviewer", account_id=user_id, login_id=r["user.username"], name=r["display_name"])


GROUP_ACTIONS = frozenset({"pass_first_review", "return_for_supplement", "not_accept", "approve", "reject"})


async def decide_cases(
    actor: Actor,
    application_id: int,
    versions: dict[int, int],
    action: str,
    comment: str = "",
    reason_id: int | None = None,
) -> Outcome:
    """One decision for several cases of one group (the ticked ones, or all): one comment, one event per
    case, one e-mail listing them. All or nothing: a case that changed meanwhile, is held by another
    reviewer or may not take this decision refuses the whole decision and nothing is written."""
    nested = db.in_transaction()
    if action not in GROUP_ACTIONS:
        raise IllegalTransition("", action, _("You are not allowed to do this."))
    if not versions:
        raise ReviewError(_("Tick at least one case of the group."), field="cases")
    comment = await with_reason(action, reason_id, comment)
    async with db.write_tx():
        role = await reviewer_role(actor)
        comment = _clean_comment(action, comment)
        app_row = await _load_application(application_id)
        cases = await db.lock_for_update(
            Case.select()
            .where((Case.application == application_id) & Case.id.is_in(list(versions)))
            .order_by(Case.id)
        )
        if len(cases) != len(versions):
            raise NotFound(_("No such case."))
        source = cases[0]["status"]
        for c in cases:
            if c["version"] != versions[c["id"]]:
                raise _stale()
            if c["status"] != source:
                raise ReviewError(
                    _("The ticked cases are not all at the same stage; decide them separately.")
                )
        target = workflow.apply(source, action, role)
        await _check_four_eyes(actor, cases, action)
        await check_not_held_by_other(actor, [c["id"] for c in cases])
        at = now()
        for c in cases:
            try:
                await db.update_versioned(
                    Case, c["id"], c["version"], {Case.status: target, Case.updated_at: at}
                )
            except db.StaleRowError as exc:
                raise _stale() from exc
            await _event(application_id, c["id"], source, action, target, actor, comment, at)
        await release_after_decision([c["id"] for c in cases])
        facts = await _facts(action, app_row, cases, comment, at)
        mails = build_mails(facts, await _recipients(app_row, cases))
        outcome = Outcome(application_id, [c["id"] for c in cases], source, str(target), action, mails)
    return await _finish(outcome, nested)
