"""Working days of the agency: weekends and Taiwan's public holidays off, make-up Saturdays on.

The shipped data (`data/tw-holidays.json`) covers 2025-2027; supervisors add days (a typhoon day,
a correction) as rows of the `holiday` table, which `with_overrides` lays over the file. Dates are
Taipei dates.

- A returned case must be supplemented within SUPPLEMENT_DAYS working days of the notice: the
  deadline is the third working day after the notice's day.
- A case's age is the number of working days since it reached its queue (that day not counted);
  it is overdue when the age passes REVIEW_DAYS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

_DATA = Path(__file__).parent / "data" / "tw-holidays.json"
TAIPEI = ZoneInfo("Asia/Taipei")
SUPPLEMENT_DAYS = 3
REVIEW_DAYS = 5


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # make-up workdays (補行上班), usually Saturdays
    names: tuple[tuple[date, str], ...] = ()

    def is_working_day(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself not counted); n >= 0."""
        if n < 0:
            raise ValueError("n must be >= 0")
        d = start
        while n > 0:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in (start, end]; 0 when end is not after start."""
        count = 0
        d = start
        while d < end:
            d += timedelta(days=1)
            if self.is_working_day(d):
                count += 1
        return count

    def with_overrides(
        self, holidays: dict[date, str] | None = None, workdays: dict[date, str] | None = None
    ) -> WorkCalendar:
        """This calendar with extra days off and extra working days (the later wins over the file)."""
        holidays = holidays or {}
        workdays = workdays or {}
        return WorkCalendar(
            holidays=(self.holidays | frozenset(holidays)) - frozenset(workdays),
            workdays=(self.workdays | frozenset(workdays)) - frozenset(holidays),
            names=self.names + tuple(holidays.items()) + tuple(workdays.items()),
        )

    def name_of(self, d: date) -> str:
        return next((n for day, n in reversed(self.names) if day == d), "")


def _parse(raw: list[dict[str, str]]) -> dict[date, str]:
    return {date.fromisoformat(r["date"]): r.get("name", "") for r in raw}


@cache
def default_calendar() -> WorkCalendar:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    holidays = _parse(data["holidays"])
    workdays = _parse(data.get("workdays", []))
    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        names=tuple(holidays.items()) + tuple(workdays.items()),
    )


def taipei_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a naive datetime has no Taipei date")
        return value.astimezone(TAIPEI).date()
    return value


def age_in_working_days(since: datetime | date, now: datetime | date, cal: WorkCalendar | None = None) -> int:
    cal = cal or default_calendar()
    return cal.working_days_between(taipei_date(since), taipei_date(now))


def is_overdue(since: datetime | date, now: datetime | date, cal: WorkCalendar | None = None) -> bool:
    return age_in_working_days(since, now, cal) > REVIEW_DAYS


def supplement_deadline(notice: datetime | date, cal: WorkCalendar | None = None) -> date:
    """The last day to answer a return for supplement: 3 working days after the notice."""
    cal = cal or default_calendar()
    return cal.add_working_days(taipei_date(notice), SUPPLEMENT_DAYS)


def overdue_before(now: datetime, cal: WorkCalendar | None = None, days: int = REVIEW_DAYS) -> datetime:
    """The instant before which a case that reached its queue is overdue at `now`: `is_overdue(since, now)`
    holds exactly when `since < overdue_before(now)` (with `days=SUPPLEMENT_DAYS`: a supplement's deadline
    has passed). Lets a database filter and sort by the overdue mark."""
    cal = cal or default_calendar()
    today = taipei_date(now)
    day = today
    # The latest Taipei day d with more than `days` working days in (d, today].
    while cal.working_days_between(day, today) <= days:
        day -= timedelta(days=1)
    nxt = day + timedelta(days=1)
    return datetime(nxt.year, nxt.month, nxt.day, tzinfo=TAIPEI).astimezone(UTC)


def supplement_lapsed(
    notice: datetime | date, now: datetime | date, cal: WorkCalendar | None = None, grace: int = 0
) -> bool:
    """A supplement not made by its deadline plus `grace` working days (a supervisor's setting)."""
    cal = cal or default_calendar()
    last = cal.add_working_days(supplement_deadline(notice, cal), max(0, grace))
    return taipei_date(now) > last
