"""The reviewers' case management around the decisions: claiming (認領), releasing and reassigning cases.

A claim is a row of `case_claim` (one per held case). It says who works on a case; the decision itself still
runs under the case's optimistic lock (`app.actions.review`), and a decision releases the claim.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app import db
from app.actions import review as review_actions
from app.actions.notices import build_mails
from app.actions.review import HeldByOther, NotFound, Outcome, ReviewError, _load_application, reviewer_role
from app.domain import workflow
from app.domain.actor import SYSTEM, Actor
from app.domain.calendar import supplement_lapsed
from app.domain.workflow import IllegalTransition, Role
from app.i18n import gettext as _
from app.queries.review import GRACE_KEY, get_claim, get_grace_days
from app.queries.review_calendar import work_calendar
from tables.tables import Application, Case, CaseClaim, DeskSetting, ReviewerProfile, ReviewEvent

# Cases are held while they wait on the agency.
CLAIMABLE = frozenset(
    {
        workflow.Status.FIRST_REVIEW,
        workflow.Status.SECOND_REVIEW,
        workflow.Status.CARD_PRODUCTION,
        workflow.Status.CARD_READY,
    }
)


def _now() -> datetime:
    return datetime.now(UTC)


async def _case_status(case_id: int) -> str:
    rows = await db.lock_for_update(Case.select(Case.id, Case.status).where(Case.id == case_id))
    if not rows:
        raise NotFound(_("No such case."))
    return rows[0]["status"]


async def claim_case(actor: Actor, case_id: int) -> None:
    """認領: the reviewer takes the case; refused while another reviewer holds it."""
    async with db.write_tx():
        await reviewer_role(actor)
        status = await _case_status(case_id)
        if status not in CLAIMABLE:
            raise IllegalTransition(status, "claim", _("Only a case waiting on the agency can be claimed."))
        held = await get_claim(case_id)
        if held is not None:
            if held.user_id == actor.account_id:
                return
            raise HeldByOther(_("%(name)s already holds this case.", name=held.holder))
        await CaseClaim.insert(CaseClaim(case=case_id, user=actor.account_id, claimed_at=_now()))


async def release_case(actor: Actor, case_id: int) -> None:
    """釋出: the holder (or a supervisor) gives the case back to the queue."""
    async with db.write_tx():
        role = await reviewer_role(actor)
        await _case_status(case_id)
        held = await get_claim(case_id)
        if held is None:
            return
        if held.user_id != actor.account_id and role != Role.SUPERVISOR:
            raise HeldByOther(
                _("%(name)s holds this case; only they or a supervisor can release it.", name=held.holder)
            )
        await CaseClaim.delete().where(CaseClaim.case == case_id)


async def reassign_case(actor: Actor, case_id: int, to_user: int) -> None:
    """A supervisor gives the case to another reviewer (or takes it)."""
    async with db.write_tx():
        role = await reviewer_role(actor)
        if role != Role.SUPERVISOR:
            raise IllegalTransition("", "reassign", _("Only a supervisor can reassign a case."))
        status = await _case_status(case_id)
        if status not in CLAIMABLE:
            raise IllegalTransition(status, "claim", _("Only a case waiting on the agency can be claimed."))
        target = await ReviewerProfile.select(ReviewerProfile.id).where(
            (ReviewerProfile.user == to_user)
            & (ReviewerProfile.user.active == True)  # noqa: E712
            & (ReviewerProfile.user.admin == True)  # noqa: E712
        )
        if not target:
            raise ReviewError(_("Choose a reviewer from the list."), field="to_user")
        await CaseClaim.delete().where(CaseClaim.case == case_id)
        await CaseClaim.insert(
            CaseClaim(case=case_id, user=to_user, claimed_at=_now(), assigned_by=actor.label[:100])
        )


# --- nothing left hanging: lapsed supplements, reopening ------------------------------------------------

MAX_GRACE = 60


def _lapse_comment() -> str:
    """The reason recorded (and mailed) when a supplement lapses: in both languages, as the record is shared."""
    from app.i18n import use_locale

    parts = []
    for lang in ("zh_Hant_TW", "en"):
        with use_locale(lang):
            parts.append(_("The supplement was not made by its deadline, so the case is not accepted."))
    return "\n".join(parts)


async def _latest_event(case_id: int) -> dict[str, Any] | None:
    rows = (
        await ReviewEvent.select(ReviewEvent.created_at, ReviewEvent.from_status, ReviewEvent.to_status)
        .where(ReviewEvent.case == case_id)
        .order_by(ReviewEvent.created_at, ascending=False)
        .order_by(ReviewEvent.id, ascending=False)
        .limit(1)
    )
    return rows[0] if rows else None


async def _close_group_cases(
    actor: Actor, role: Role, application_id: int, cases: list[dict[str, Any]], comment: str
) -> Outcome:
    """Inside a transaction: close these supplement cases of one group as 不受理 (one event each, the group's
    own supplement status too when nothing of it is left to supplement); one e-mail listing them."""
    app_row = await _load_application(application_id)
    at = review_actions.now()
    source = cases[0]["status"]
    for c in cases:
        target = workflow.apply(c["status"], "close_lapsed", role)
        try:
            await db.update_versioned(Case, c["id"], c["version"], {Case.status: target, Case.updated_at: at})
        except db.StaleRowError as exc:
            raise review_actions._stale() from exc
        await review_actions._event(
            application_id, c["id"], c["status"], "close_lapsed", target, actor, comment, at
        )
    await review_actions.release_after_decision([c["id"] for c in cases])
    if app_row["status"] in workflow.SUPPLEMENT:
        left = await Case.count().where(
            (Case.application == application_id) & Case.status.is_in(sorted(workflow.SUPPLEMENT))
        )
        if not left:
            target = workflow.apply(app_row["status"], "close_lapsed", role)
            await db.update_versioned(
                Application,
                application_id,
                app_row["version"],
                {Application.status: target, Application.updated_at: at},
            )
            await review_actions._event(
                application_id, None, app_row["status"], "close_lapsed", target, actor, comment, at
            )
    facts = await review_actions._facts("not_accept", app_row, cases, comment, at, lapsed=True)
    mails = build_mails(facts, await review_actions._recipients(app_row, cases))
    return Outcome(
        application_id, [c["id"] for c in cases], source, workflow.Status.NOT_ACCEPTED, "close_lapsed", mails
    )


async def close_lapsed_supplement(actor: Actor, case_id: int, version: int, comment: str = "") -> Outcome:
    """A supervisor closes a supplement not made by its deadline as 不受理; the reason is recorded and mailed."""
    nested = db.in_transaction()
    async with db.write_tx():
        role = await reviewer_role(actor)
        if role != Role.SUPERVISOR:
            raise IllegalTransition("", "close_lapsed", _("You are not allowed to do this."))
        rows = await db.lock_for_update(Case.select().where(Case.id == case_id))
        if not rows:
            raise NotFound(_("No such case."))
        case = rows[0]
        if case["version"] != version:
            raise review_actions._stale()
        workflow.apply(case["status"], "close_lapsed", role)
        last = await _latest_event(case_id)
        notice = last["created_at"] if last else case["submitted_at"]
        if notice is None or not supplement_lapsed(notice, review_actions.now(), await work_calendar()):
            raise ReviewError(_("The supplement's deadline has not passed yet."))
        text = (comment or "").strip()
        comment = _lapse_comment() + (f"\n{text}" if text else "")
        outcome = await _close_group_cases(actor, role, case["application"], [case], comment)
    return await review_actions._finish(outcome, nested)


async def set_grace_days(actor: Actor, value: str) -> int | None:
    """A supervisor sets (or, empty, turns off) the automatic closure's grace period in working days."""
    value = (value or "").strip()
    if value and (not value.isdigit() or int(value) > MAX_GRACE):
        raise ReviewError(
            _("Enter a whole number of working days from 0 to %(n)d, or leave it empty.", n=MAX_GRACE),
            field="grace",
        )
    async with db.write_tx():
        role = await reviewer_role(actor)
        if role != Role.SUPERVISOR:
            raise IllegalTransition("", "settings", _("You are not allowed to do this."))
        await DeskSetting.delete().where(DeskSetting.key == GRACE_KEY)
        if value:
            await DeskSetting.insert(
                DeskSetting(
                    key=GRACE_KEY, value=str(int(value)), updated_at=_now(), updated_by=actor.label[:100]
                )
            )
    return int(value) if value else None


async def close_lapsed_supplements(at: datetime | None = None) -> list[Outcome]:
    """The rule engine (a scheduled job): every supplement past its deadline plus the supervisors' grace
    period is closed as 不受理 by the system, a group's lapsed cases in one decision and one e-mail.
    Does nothing while no grace period is set. Each group in its own transaction; e-mails after each."""
    grace = await get_grace_days()
    if grace is None:
        return []
    at = at or _now()
    cal = await work_calendar()
    rows = await Case.select(Case.id, Case.application, Case.submitted_at).where(
        Case.status.is_in(sorted(workflow.SUPPLEMENT))
    )
    groups: dict[int, list[int]] = {}
    for r in rows:
        last = await _latest_event(r["id"])
        notice = last["created_at"] if last else r["submitted_at"]
        if notice is not None and supplement_lapsed(notice, at, cal, grace):
            groups.setdefault(r["application"], []).append(r["id"])
    out = []
    for application_id, ids in sorted(groups.items()):
        async with db.write_tx():
            cases = await db.lock_for_update(
                Case.select()
                .where(Case.id.is_in(ids) & Case.status.is_in(sorted(workflow.SUPPLEMENT)))
                .order_by(Case.id)
            )
            if not cases:
                continue
            outcome = await _close_group_cases(SYSTEM, Role.SYSTEM, application_id, cases, _lapse_comment())
        out.append(await review_actions._finish(outcome, False))
    return out


async def reopen_case(actor: Actor, case_id: int, version: int, comment: str) -> Outcome:
    """A supervisor reopens a refused or closed case (不受理 / 不核准) with a recorded reason; it goes back to
    the review stage it was refused from."""
    rows = await Case.select(Case.status).where(Case.id == case_id)
    if not rows:
        raise NotFound(_("No such case."))
    last = await _latest_event(case_id)
    refused_from = last["from_status"] if last and last["to_status"] == rows[0]["status"] else ""
    action = workflow.reopen_action(refused_from)
    return await review_actions._decide_case(actor, case_id, version, action, comment)
