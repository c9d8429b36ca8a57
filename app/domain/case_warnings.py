"""What the review desk warns about on a case page (issue 15, item 6). Pure rules; the query finds the rows."""

from __future__ import annotations

from datetime import date

from app.domain.workflow import CLOSED, Status

PASSPORT_MONTHS = 6
# Another case of the same person still being handled (any school): everything submitted and not finished.
IN_PROGRESS = frozenset(Status) - CLOSED - {Status.DRAFT, Status.ISSUED}


def add_months(d: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def passport_expires_soon(expiry: date | None, today: date) -> bool:
    """The passport expires within six months of today (or has expired)."""
    return expiry is not None and expiry < add_months(today, PASSPORT_MONTHS)


def normalise_document_no(value: str | None) -> str:
    return "".join((value or "").split()).upper()
