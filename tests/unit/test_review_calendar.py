"""The agency's working-day calendar: holidays, make-up Saturdays, deadlines and age."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.calendar import (
    WorkCalendar,
    age_in_working_days,
    default_calendar,
    is_overdue,
    supplement_deadline,
    taipei_date,
)

CAL = default_calendar()


def test_weekends_off_weekdays_on():
    assert CAL.is_working_day(date(2026, 3, 10))  # Tuesday
    assert not CAL.is_working_day(date(2026, 3, 14))  # Saturday
    assert not CAL.is_working_day(date(2026, 3, 15))  # Sunday


def test_lunar_new_year_2026_is_nine_days_off():
    for d in range(14, 23):
        assert not CAL.is_working_day(date(2026, 2, d)), d
    assert CAL.is_working_day(date(2026, 2, 13)) and CAL.is_working_day(date(2026, 2, 23))


def test_make_up_saturday_2025_is_a_working_day():
    assert CAL.is_working_day(date(2025, 2, 8))  # 補行上班
    assert not CAL.is_working_day(date(2025, 1, 27))  # the day it paid for


def test_observed_holidays_each_year():
    assert not CAL.is_working_day(date(2025, 10, 10))
    assert not CAL.is_working_day(date(2026, 10, 9))  # National Day on Saturday, observed Friday
    assert not CAL.is_working_day(date(2027, 10, 11))  # on Sunday, observed Monday
    assert not CAL.is_working_day(date(2026, 5, 1))  # Labour Day for everyone from 2026


def test_supplement_deadline_is_three_working_days_after_the_notice():
    # Notice on Wednesday 2026-09-23: Thu 24, (Fri 25 中秋), Mon 28 教師節 off, Tue 29 -> third working day.
    assert supplement_deadline(date(2026, 9, 23)) == date(2026, 9, 30)
    # An ordinary week: Monday -> Thursday.
    assert supplement_deadline(date(2026, 3, 9)) == date(2026, 3, 12)
    # Notice on a Friday: Mon, Tue, Wed.
    assert supplement_deadline(date(2026, 3, 13)) == date(2026, 3, 18)


def test_deadline_uses_the_taipei_date():
    # 2026-03-08 20:00 UTC is already Monday 03-09 in Taipei.
    notice = datetime(2026, 3, 8, 20, 0, tzinfo=UTC)
    assert taipei_date(notice) == date(2026, 3, 9)
    assert supplement_deadline(notice) == date(2026, 3, 12)


def test_age_and_overdue_after_five_working_days():
    submitted = datetime(2026, 2, 12, 2, 0, tzinfo=UTC)  # Thursday before the New Year break
    # Fri 13 is day 1; the break adds nothing; Mon 23.. Wed 25 are days 2..4.
    assert age_in_working_days(submitted, datetime(2026, 2, 25, 3, 0, tzinfo=UTC)) == 4
    assert not is_overdue(submitted, datetime(2026, 2, 26, 3, 0, tzinfo=UTC))  # 5 days: due, not late
    assert not is_overdue(submitted, datetime(2026, 2, 27, 3, 0, tzinfo=UTC))  # Fri 27: 和平紀念日補假
    assert is_overdue(submitted, datetime(2026, 3, 2, 3, 0, tzinfo=UTC))  # Mon: 6 working days
    assert age_in_working_days(submitted, submitted) == 0


def test_overrides_add_a_typhoon_day_and_a_make_up_day():
    cal = CAL.with_overrides(holidays={date(2026, 7, 14): "颱風停班"}, workdays={date(2026, 7, 18): "補班"})
    assert not cal.is_working_day(date(2026, 7, 14))
    assert cal.is_working_day(date(2026, 7, 18))
    assert cal.name_of(date(2026, 7, 14)) == "颱風停班"
    assert CAL.is_working_day(date(2026, 7, 14))  # the shipped calendar is unchanged


@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)), st.integers(min_value=0, max_value=40)
)
def test_add_and_count_agree(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert n == 0 or CAL.is_working_day(end)
    assert end - start >= timedelta(days=n)


def test_no_day_is_both_holiday_and_workday():
    assert not (CAL.holidays & CAL.workdays)
    assert len(CAL.holidays) > 40
    assert WorkCalendar().is_working_day(date(2026, 2, 17))  # an empty calendar only knows weekends
