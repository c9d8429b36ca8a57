"""Back-dating: the one place where the demo writes rows directly.

Every demo group is filed, decided, supplemented, withdrawn and paid by the real actions (`app.demo.flow`),
which stamp everything with the present. So that the pages show a lived-in past (an overdue case, a
certificate issued 40 days ago, an expired one), the demo afterwards moves those timestamps back. Nothing
else changes here: no status, no number, no document; `tests/unit/test_demo_through_actions.py` fails if
any other module of `app.demo` writes rows itself. The times derived from the events (each case's `status_at`)
are made again from the moved events by the workflow's own `after_transitions`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.actions.cases import after_transitions
from tables.tables import Application, Attachment, Case, Payment, ReviewEvent


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


async def backdate_submission(application_id: int, at: datetime) -> None:
    """The group was started, filed and submitted at `at`: its own times, its cases', its files' and its
    submit events'."""
    at = _utc(at)
    await Application.update(
        {
            Application.created_at: at,
            Application.terms_accepted_at: at,
            Application.submitted_at: at,
            Application.updated_at: at,
        }
    ).where((Application.id == application_id) & Application.submitted_at.is_not_null())
    await Case.update({Case.created_at: at, Case.submitted_at: at, Case.updated_at: at}).where(
        (Case.application == application_id) & Case.submitted_at.is_not_null()
    )
    await Attachment.update({Attachment.uploaded_at: at}).where(Attachment.application == application_id)
    await ReviewEvent.update({ReviewEvent.created_at: at}).where(
        (ReviewEvent.application == application_id) & (ReviewEvent.action == "submit")
    )
    cases = await Case.select(Case.id).where(Case.application == application_id)
    await after_transitions({(application_id, c["id"]) for c in cases})


async def backdate_events(
    case_ids: list[int],
    actions: list[str],
    at: datetime,
    *,
    application_id: int | None = None,
    last: bool = False,
) -> None:
    """The events of these actions on these cases (with `application_id`, the group's own too) dated `at`;
    with `last`, only each case's latest event of those actions (a case returned twice keeps its first)."""
    at = _utc(at)
    where = ReviewEvent.case.is_in(case_ids or [-1])
    if application_id is not None:
        where = where | ((ReviewEvent.application == application_id) & ReviewEvent.case.is_null())
    where = where & ReviewEvent.action.is_in(actions)
    if not last:
        await ReviewEvent.update({ReviewEvent.created_at: at}).where(where)
    else:
        for case_id in case_ids:
            row = (
                await ReviewEvent.select(ReviewEvent.id)
                .where((ReviewEvent.case == case_id) & ReviewEvent.action.is_in(actions))
                .order_by(ReviewEvent.id, ascending=False)
                .first()
            )
            if row:
                await ReviewEvent.update({ReviewEvent.created_at: at}).where(ReviewEvent.id == row["id"])
    moved = await Case.select(Case.application, Case.id).where(Case.id.is_in(case_ids or [-1]))
    await after_transitions({(c["application"], c["id"]) for c in moved})


async def backdate_payment(order_no: str, paid_at: datetime) -> None:
    """The payment order was made a few minutes before the gateway's answer (already dated `paid_at`)."""
    from datetime import timedelta

    await Payment.update({Payment.created_at: _utc(paid_at) - timedelta(minutes=5)}).where(
        Payment.order_no == order_no
    )


async def backdate_supplement(case_id: int, at: datetime) -> None:
    """The school's supplement round of this case was begun and sent at `at`."""
    from tables.tables import SupplementChange

    await SupplementChange.update(
        {SupplementChange.created_at: _utc(at), SupplementChange.sent_at: _utc(at)}
    ).where((SupplementChange.case == case_id) & SupplementChange.sent_at.is_not_null())
