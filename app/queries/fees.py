"""Fees as master data: the fee in force on a day, and the record of its changes (public data)."""

from __future__ import annotations

from datetime import date

from app.domain import lines, offerings
from tables.tables import FeeRate


def _record(row: dict) -> lines.FeeRecord:
    return lines.FeeRecord(row["line"], row["kind"], row["per_person"], row["effective_from"], row["reason"])


async def get_fee(line: str, kind: str, on: date) -> lines.FeeRecord:
    """The fee per person of (line, kind) in force on `on`: the latest change from that day or before,
    else the offering's default."""
    rows = (
        await FeeRate.select()
        .where((FeeRate.line == line) & (FeeRate.kind == kind) & (FeeRate.effective_from <= on))
        .order_by(FeeRate.effective_from, ascending=False)
        .order_by(FeeRate.id, ascending=False)
        .limit(1)
    )
    return lines.fee_in_force(line, kind, [_record(r) for r in rows], on)


async def fee_per_person(offering: offerings.Offering, on: date) -> int:
    """NT$ per person of an offering on a day: master data (`FeeRate`) for the 陸生 and 港澳生 lines, the
    fee table of `app.domain.fees` for the others."""
    if offering.line_offering is None:
        return offering.fee
    return (await get_fee(offering.line, offering.kind, on)).per_person


async def list_fee_changes(line: str, kind: str) -> list[dict]:
    """Every change of (line, kind), newest first: amount, from when, why, who, when recorded."""
    return (
        await FeeRate.select(
            FeeRate.per_person,
            FeeRate.effective_from,
            FeeRate.reason,
            FeeRate.changed_by_label,
            FeeRate.created_at,
        )
        .where((FeeRate.line == line) & (FeeRate.kind == kind))
        .order_by(FeeRate.created_at, ascending=False)
        .order_by(FeeRate.id, ascending=False)
    )


async def list_fees_in_force(on: date) -> dict[tuple[str, str], int]:
    """{(line, kind): NT$ per person} of every offering of the lines, in force on `on` (public data)."""
    rows = await FeeRate.select().where(FeeRate.effective_from <= on)
    records = [_record(r) for r in rows]
    return {
        (o.line, o.kind): lines.fee_in_force(o.line, o.kind, records, on).per_person for o in lines.OFFERINGS
    }
