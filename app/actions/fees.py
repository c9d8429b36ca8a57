"""A supervisor changes a fee (規費): a new `FeeRate` row from a day on, with who and why.

Rows are never updated or deleted, so the table is the record of every change. The fee a payment
charges is read by `app.queries.fees.get_fee` on the day of the order.
"""

from __future__ import annotations

from datetime import date

from app import db
from app.actions.admin_accounts import is_supervisor
from app.actions.auth import audit
from app.domain import lines
from app.domain.actor import Actor
from app.i18n import gettext as _
from app.services.sessions import now
from tables.tables import FeeRate


class FeeChangeRefused(Exception):
    """Refused; `errors` maps a field to its message."""

    def __init__(self, errors: dict[str, object]):
        self.errors = errors
        super().__init__("; ".join(str(m) for m in errors.values()))


async def change_fee(
    actor: Actor, line: str, kind: str, per_person: int | str, effective_from: date, reason: str
) -> int:
    """Record a new fee per person for (line, kind) from `effective_from`. Returns the row's id."""
    if not await is_supervisor(actor):
        raise FeeChangeRefused({"": _("Only supervisors may change fees.")})
    errors = lines.fee_problems(per_person, reason)
    try:
        lines.offering(line, kind)
    except KeyError:
        errors["kind"] = _("There is no such offering.")
    if effective_from < now().date():
        errors["effective_from"] = _("A fee cannot change in the past: choose today or a later day.")
    if errors:
        raise FeeChangeRefused(errors)
    async with db.write_tx():
        row = FeeRate(
            line=line,
            kind=kind,
            per_person=int(str(per_person).strip()),
            effective_from=effective_from,
            reason=reason.strip(),
            changed_by=actor.account_id,
            changed_by_label=actor.label[:150],
            created_at=now(),
        )
        await row.save()
        await audit(
            "fee_change",
            login_id=actor.login_id,
            actor_login_id=actor.login_id,
            detail=f"{line}/{kind} NT${row.per_person} from {effective_from.isoformat()}",
        )
    return row.id
