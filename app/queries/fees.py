"""Fees as master data: the fee in force on a day, and the record of its changes (public data)."""

from __future__ import annotations

from datetime import date

from app.domain import fees, lines, offerings, permits
from tables.tables import FeeRate


def _record(row: dict) -> lines.FeeRecord:
    return lines.FeeRecord(row["line"], row["kind"], row["per_person"], row["effective_from"], row["reason"])


async def get_fee(line: str, kind: str, on: date) -> lines.FeeRecord:
    """The fee per person of (line, kind) in force on `on`: the latest change from that day or before,
    else the default (`permits.default_fee`: the fee table, else the line's own). Raises `fees.NoFee` when
    (line, kind) has no fee at all."""
    rows = (
        await FeeRate.select()
        .where((FeeRate.line == line) & (FeeRate.kind == kind) & (FeeRate.effective_from <= on))
        .order_by(FeeRate.effective_from, ascending=False)
        .order_by(FeeRate.id, ascending=False)
        .limit(1)
    )
    if rows:
        return _record(rows[0])
    return lines.FeeRecord(line, kind, permits.default_fee(line, kind), date.min, "default")


async def fees_on(pairs: set[tuple[str, str]], on: date) -> dict[tuple[str, str], int]:
    """{(line, kind): NT$ per person in force on `on`} for these pairs, in one read of the changes; a pair
    with no fee at all is left out (it cannot be paid online)."""
    if not pairs:
        return {}
    rows = await FeeRate.select().where(
        FeeRate.line.is_in(sorted({p[0] for p in pairs})) & (FeeRate.effective_from <= on)
    )
    latest: dict[tuple[str, str], dict] = {}
    for r in rows:
        key = (r["line"], r["kind"])
        if key in pairs and (
            key not in latest
            or (r["effective_from"], r["id"]) > (latest[key]["effective_from"], latest[key]["id"])
        ):
            latest[key] = r
    out: dict[tuple[str, str], int] = {}
    for key in pairs:
        if key in latest:
            out[key] = latest[key]["per_person"]
            continue
        try:
            out[key] = permits.default_fee(*key)
        except fees.NoFee:
            continue
    return out


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
