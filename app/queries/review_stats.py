"""The supervisor's view (issue 15, item 7): per queue and per reviewer, cases waiting, overdue, decided today
and this week, and the median working days to a decision; filtered by station and business line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from app import db
from app.domain import review_stats, workflow
from app.domain.calendar import age_in_working_days
from app.domain.review_search import Criteria
from app.queries.review import QUEUES, _dt, count_cases, list_desk_reviewers
from app.queries.review_calendar import work_calendar

# Which queue a decision was taken in, by the status it left.
QUEUE_OF_STATUS = {
    workflow.Status.FIRST_REVIEW: "first",
    workflow.Status.SECOND_REVIEW: "second",
    workflow.Status.SUPPLEMENT_FIRST: "supplement",
    workflow.Status.SUPPLEMENT_SECOND: "supplement",
    workflow.Status.CARD_PRODUCTION: "card",
    workflow.Status.CARD_READY: "collect",
}


@dataclass
class StatRow:
    key: str  # queue key or reviewer user id
    label: str
    waiting: int = 0
    overdue: int = 0
    today: int = 0
    week: int = 0
    median_days: float | None = None


@dataclass
class SupervisorStats:
    queues: list[StatRow]
    reviewers: list[StatRow]
    since: datetime  # start of the median's window


async def _decisions(at: datetime, since: datetime, station: str, line: str) -> list[dict[str, Any]]:
    """Decision events since `since` with the time their case reached the status they left."""
    actions = sorted(review_stats.DECISIONS)
    marks = ", ".join("{}" for _ in actions)
    where = [f'e."action" IN ({marks})', 'e."created_at" >= {}', 'e."case" IS NOT NULL']
    args: list[Any] = [*actions, since]
    if station:
        where.append('a."station_code" = {}')
        args.append(station)
    if line:
        where.append('a."business_line" = {}')
        args.append(line)
    sql = (
        'SELECT e."id" AS "id", e."case" AS "case", e."action" AS "action", e."from_status" AS "from_status", '  # noqa: S608
        'e."created_at" AS "created_at", e."actor_id" AS "actor_id", '
        '(SELECT MAX(p."created_at") FROM "review_event" p WHERE p."case" = e."case" AND p."created_at" < e."created_at") '
        'AS "reached_at", COALESCE(c."submitted_at", a."submitted_at") AS "submitted_at" '
        'FROM "review_event" e JOIN "case" c ON c."id" = e."case" JOIN "application" a ON a."id" = e."application" '
        f"WHERE {' AND '.join(where)}"
    )
    return await db.raw(sql, *args)


async def supervisor_stats(at: datetime, *, station: str = "", line: str = "") -> SupervisorStats:
    cal = await work_calendar()
    today, week = review_stats.day_start(at), review_stats.week_start(at)
    since = min(week, review_stats.day_start(at - timedelta(days=review_stats.MEDIAN_DAYS)))
    events = await _decisions(at, since, station, line)
    base = Criteria(station=station or "all", line=line)

    def fold(row: StatRow, chosen: list[dict[str, Any]]) -> StatRow:
        days = []
        for e in chosen:
            at_e = _dt(e["created_at"])
            if at_e is None:
                continue
            if at_e >= today:
                row.today += 1
            if at_e >= week:
                row.week += 1
            start = _dt(e["reached_at"]) or _dt(e["submitted_at"])
            if start is not None and at_e >= review_stats.day_start(
                at - timedelta(days=review_stats.MEDIAN_DAYS)
            ):
                days.append(age_in_working_days(start, at_e, cal))
        row.median_days = review_stats.median(days)
        return row

    queues = []
    for q in QUEUES:
        row = StatRow(q.key, q.key)
        row.waiting = await count_cases(replace(base, queue=q.key), at, cal)
        row.overdue = await count_cases(replace(base, queue=q.key, overdue=True), at, cal)
        queues.append(fold(row, [e for e in events if QUEUE_OF_STATUS.get(e["from_status"]) == q.key]))

    reviewers = []
    for user_id, name in await list_desk_reviewers():
        row = StatRow(str(user_id), name)
        row.waiting = await count_cases(replace(base, held="me", me=user_id), at, cal)
        row.overdue = await count_cases(replace(base, held="me", me=user_id, overdue=True), at, cal)
        reviewers.append(fold(row, [e for e in events if e["actor_id"] == user_id]))
    return SupervisorStats(queues=queues, reviewers=reviewers, since=since)
