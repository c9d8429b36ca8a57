"""The reviewers' case management around the decisions: claiming (認領), releasing and reassigning cases.

A claim is a row of `case_claim` (one per held case). It says who works on a case; the decision itself still
runs under the case's optimistic lock (`app.actions.review`), and a decision releases the claim.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app import db
from app.actions.review import HeldByOther, NotFound, ReviewError, reviewer_role
from app.domain import workflow
from app.domain.actor import Actor
from app.domain.workflow import IllegalTransition, Role
from app.i18n import gettext as _
from app.queries.review import get_claim
from tables.tables import Case, CaseClaim, ReviewerProfile

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
