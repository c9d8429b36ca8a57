"""The review desk's search rules: criteria from a URL, the pager, and the overdue cut-off a database can use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.domain.calendar import (
    SUPPLEMENT_DAYS,
    default_calendar,
    is_overdue,
    overdue_before,
    supplement_deadline,
)
from app.domain.review_search import Criteria, like_pattern, pager, parse_criteria


def test_overdue_before_agrees_with_is_overdue_hour_by_hour():
    cal = default_calendar()
    for now in (
        datetime(2026, 2, 16, 3, 0, tzinfo=UTC),  # Lunar New Year 2026
        datetime(2026, 10, 12, 15, 59, tzinfo=UTC),  # 23:59 in Taipei
        datetime(2026, 10, 12, 16, 0, tzinfo=UTC),  # midnight in Taipei
        datetime(2025, 12, 31, 9, 0, tzinfo=UTC),
    ):
        cut = overdue_before(now, cal)
        t = now - timedelta(days=30)
        while t <= now:
            assert is_overdue(t, now, cal) == (t < cut), (now, t)
            t += timedelta(hours=1)


def test_supplement_cutoff_is_the_deadline_passed():
    cal = default_calendar()
    now = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)
    cut = overdue_before(now, cal, SUPPLEMENT_DAYS)
    t = now - timedelta(days=15)
    while t <= now:
        late = supplement_deadline(t, cal) < date(2026, 6, 10)
        assert late == (t < cut), t
        t += timedelta(hours=1)


def test_criteria_ignore_what_they_do_not_understand():
    c = parse_criteria(
        {
            "q": "  A12  3 ",
            "queue": "nope",
            "school": "1 OR 1",
            "page": "-4",
            "sort": "x",
            "nationality": "my",
        }
    )
    assert c == Criteria(q="A12 3", nationality="MY")
    c = parse_criteria({"queue": "first", "school": "7", "page": "3", "overdue": "1", "sort": "submitted"})
    assert (c.queue, c.school, c.page, c.overdue, c.sort) == ("first", 7, 3, True, "submitted")
    assert c.query_string(page=4) == "queue=first&school=7&overdue=1&sort=submitted&page=4"


def test_stations_default_to_the_reviewers_own():
    assert parse_criteria({}, stations=("S01", "S02")).station_codes == ("S01", "S02")
    assert parse_criteria({"station": "all"}, stations=("S01",)).station_codes == ()
    assert parse_criteria({"station": "S09"}, stations=("S01",)).station_codes == ("S09",)
    assert parse_criteria({}).station_codes == ()


def test_pager_counts_and_clamps():
    p = pager(330, 1)
    assert (p.pages, p.first, p.last) == (7, 1, 50)
    p = pager(330, 99)
    assert (p.page, p.first, p.last) == (7, 301, 330)
    p = pager(0, 1)
    assert (p.pages, p.first, p.last, p.total) == (1, 0, 0, 0)


def test_like_pattern_escapes_wildcards():
    assert like_pattern("50%_a\\", anywhere=True) == "%50\\%\\_a\\\\%"
    assert like_pattern("AB", anywhere=False) == "AB%"
