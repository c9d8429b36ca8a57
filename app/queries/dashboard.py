"""優先處理事項: the five lists of the signed-in school or sub-account, per tab of the seed (issue 14).

Every list is counted and cut to its first rows by the database (`dashboard_list_clause`, the workflow's rule
as a where-clause), so the page reads at most PER_LIST groups a list whatever the years of data behind it
(issue 16); only the shown groups have their cases' statuses and the reviewer's latest comment read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain import workflow
from app.domain.actor import Actor
from app.domain.permits import DashboardTab
from app.queries.progress import dashboard_list_clause, tab_clause
from app.queries.scope import application_scope
from tables.tables import Application, Case, ReviewEvent

PER_LIST = 5


@dataclass
class DashboardRow:
    id: int
    name: str
    group_no: str
    member_count: int
    stage: str
    submitted_at: datetime | None
    comment: str


async def list_dashboard(
    actor: Actor, tab: DashboardTab
) -> tuple[dict[str, list[DashboardRow]], dict[str, int]]:
    """The rows of each list (the newest first, PER_LIST of them) and each list's full count."""
    base = application_scope(actor) & Application.group_no.is_not_null() & tab_clause(tab)
    lists: dict[str, list[DashboardRow]] = {}
    counts: dict[str, int] = {}
    for key in workflow.DASHBOARD_LISTS:
        where = base & dashboard_list_clause(key)
        counts[key] = await Application.count().where(where)
        rows = (
            await Application.select(
                Application.id,
                Application.name,
                Application.group_no,
                Application.member_count,
                Application.status,
                Application.submitted_at,
            )
            .where(where)
            .order_by(Application.submitted_at, ascending=False)
            .order_by(Application.id, ascending=False)
            .limit(PER_LIST)
            if counts[key]
            else []
        )
        lists[key] = [
            DashboardRow(
                id=a["id"],
                name=a["name"],
                group_no=a["group_no"] or "",
                member_count=a["member_count"],
                stage=a["status"],  # the group's own status until its cases are read below
                submitted_at=a["submitted_at"],
                comment="",
            )
            for a in rows
        ]
    shown = {row.id: row for rows in lists.values() for row in rows}
    if not shown:
        return lists, counts
    statuses: dict[int, list[str]] = {}
    for c in await Case.select(Case.application, Case.status).where(Case.application.is_in(list(shown))):
        statuses.setdefault(c["application"], []).append(c["status"])
    for row in shown.values():
        row.stage = workflow.label(workflow.group_stage(statuses.get(row.id, []), row.stage))
    commented = {row.id: row for key, rows in lists.items() if key != "new" for row in rows}
    if commented:
        # The reviewer's latest comment, read only for the groups shown (already in scope).
        for e in (
            await ReviewEvent.select(ReviewEvent.application, ReviewEvent.comment)
            .where(ReviewEvent.application.is_in(list(commented)) & (ReviewEvent.comment != ""))
            .order_by(ReviewEvent.created_at)
            .order_by(ReviewEvent.id)
        ):
            commented[e["application"]].comment = e["comment"]  # the latest wins
    return lists, counts
