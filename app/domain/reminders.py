"""When a school is reminded (issue 16): the rules of the two reminder jobs, pure.

- **Supplement deadlines** (補正期限): a case returned for supplement must be answered within 3 working days of the
  notice (`calendar.supplement_deadline`). The school is reminded on the working day before the deadline
  (`day_before`) and on the deadline itself (`due_today`). "3 days before" would be the notice's own day, when the
  school has just had the notice mail, so it is not a threshold. A job that missed a day sends the latest
  threshold reached, never an earlier one late; after the deadline nothing is sent (the reviewers' lapse rule
  takes over).
- **E-certificates expiring** (電子居留證到期): the six-month e-certificate of an admitted, not yet registered
  student; the school is reminded once when it has 30 days or fewer left (`30_days`), so the student can apply
  for the resident card (換證) in time. An expired one is not reminded.

A reminder is sent once per case, kind, threshold and due day (recorded in `reminder`); a case returned again
has a new deadline and is reminded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.calendar import WorkCalendar

SUPPLEMENT = "supplement_deadline"
PERMIT = "permit_expiry"

DAY_BEFORE = "day_before"
DUE_TODAY = "due_today"
PERMIT_DAYS = 30
PERMIT_THRESHOLD = "30_days"


@dataclass(frozen=True)
class Due:
    """A reminder to send: its threshold, and the day it is about (deadline or expiry)."""

    threshold: str
    due_on: date


def previous_working_day(day: date, cal: WorkCalendar) -> date:
    d = day - timedelta(days=1)
    while not cal.is_working_day(d):
        d -= timedelta(days=1)
    return d


def supplement_reminder(deadline: date, today: date, cal: WorkCalendar) -> Due | None:
    """The supplement reminder due `today` for a deadline, if any."""
    if today > deadline:
        return None
    if today == deadline:
        return Due(DUE_TODAY, deadline)
    if today >= previous_working_day(deadline, cal):
        return Due(DAY_BEFORE, deadline)
    return None


def permit_reminder(expires_on: date, today: date) -> Due | None:
    """The expiry reminder due `today` for an e-certificate valid until `expires_on` (inclusive), if any."""
    if today > expires_on:
        return None
    if (expires_on - today).days <= PERMIT_DAYS:
        return Due(PERMIT_THRESHOLD, expires_on)
    return None
