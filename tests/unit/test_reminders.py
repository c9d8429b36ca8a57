"""When schools are reminded (issue 16): the day before a supplement's deadline and on it; an e-certificate once
when 30 days or fewer are left."""

from __future__ import annotations

from datetime import date

from app.domain import reminders as r
from app.domain.calendar import WorkCalendar

CAL = WorkCalendar(holidays=frozenset({date(2026, 10, 9)}))  # a Friday holiday


def test_supplement_reminded_the_working_day_before_and_on_the_deadline():
    deadline = date(2026, 12, 9)  # a Wednesday
    assert r.supplement_reminder(deadline, date(2026, 12, 7), CAL) is None
    assert r.supplement_reminder(deadline, date(2026, 12, 8), CAL) == r.Due(r.DAY_BEFORE, deadline)
    assert r.supplement_reminder(deadline, deadline, CAL) == r.Due(r.DUE_TODAY, deadline)
    assert r.supplement_reminder(deadline, date(2026, 12, 10), CAL) is None  # past: the lapse rule's turn


def test_the_working_day_before_skips_weekends_and_holidays():
    monday = date(2026, 10, 12)  # the Friday before is a holiday: Thursday is the working day before
    assert r.previous_working_day(monday, CAL) == date(2026, 10, 8)
    assert r.supplement_reminder(monday, date(2026, 10, 7), CAL) is None
    for day in (date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 11)):
        # one threshold over the long weekend: recorded once, sent once
        assert r.supplement_reminder(monday, day, CAL) == r.Due(r.DAY_BEFORE, monday)


def test_e_certificate_reminded_within_30_days_until_it_expires():
    expires = date(2027, 3, 31)
    assert r.permit_reminder(expires, date(2027, 2, 28)) is None  # 31 days left
    assert r.permit_reminder(expires, date(2027, 3, 1)) == r.Due(r.PERMIT_THRESHOLD, expires)
    assert r.permit_reminder(expires, expires) == r.Due(r.PERMIT_THRESHOLD, expires)
    assert r.permit_reminder(expires, date(2027, 4, 1)) is None
