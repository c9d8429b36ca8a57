"""The working-day calendar in force: the shipped holidays with the supervisors' `holiday` rows laid over."""

from __future__ import annotations

from app.domain.calendar import WorkCalendar, default_calendar
from tables.tables import Holiday


async def work_calendar() -> WorkCalendar:
    rows = await Holiday.select(Holiday.day, Holiday.kind, Holiday.name)
    if not rows:
        return default_calendar()
    return default_calendar().with_overrides(
        holidays={r["day"]: r["name"] for r in rows if r["kind"] != "workday"},
        workdays={r["day"]: r["name"] for r in rows if r["kind"] == "workday"},
    )
