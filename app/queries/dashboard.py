"""優先處理事項: the five lists of the signed-in school or sub-account, per business line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain import workflow
from app.domain.actor import Actor
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


async def list_dashboard(actor: Actor, line: str) -> tuple[dict[str, list[DashboardRow]], dict[str, int]]:
    """The rows of each list (the newest first, PER_LIST of them) and each list's full count."""
    apps = await Application.select(
        Application.id, Application.name, Application.group_no, Application.member_count,
        Application.status, Application.submitted_at,
    ).where(
        application_scope(actor) & (Application.business_line == line) & (Application.group_no.is_not_null())
    ).order_by(Application.submitted_at, ascending=False)
    lists: dict[str, list[DashboardRow]] = {k: [] for k in workflow.DASHBOARD_LISTS}
    counts = dict.fromkeys(workflow.DASHBOARD_LISTS, 0)
    if not apps:
        return lists, counts
    # The same groups as a subquery (not hundreds of bound ids); only which statuses a group has matters, so
    # distinct (group, status) pairs: 10,000 cases give a few hundred rows.
    in_scope = Application.select(Application.id).where(
        application_scope(actor) & (Application.business_line == line) & (Application.group_no.is_not_null())
    )
    statuses: dict[int, list[str]] = {}
    for c in await Case.select(Case.application, Case.status).where(Case.application.is_in(in_scope)).distinct():
        statuses.setdefault(c["application"], []).append(c["status"])
    comments: dict[int, str] = {}
    for e in await ReviewEvent.select(ReviewEvent.application, ReviewEvent.comment).where(
        ReviewEvent.application.is_in(in_scope) & (ReviewEvent.comment != "")
    ).order_by(ReviewEvent.created_at):
        comments[e["application"]] = e["comment"]  # the latest wins
    for a in apps:
        case_statuses = statuses.get(a["id"], [])
        bucket = workflow.dashboard_list(case_statuses, a["status"])
        if bucket is None:
            continue
        counts[bucket] += 1
        if len(lists[bucket]) >= PER_LIST:
            continue
        lists[bucket].append(
            DashboardRow(
                id=a["id"],
                name=a["name"],
                group_no=a["group_no"] or "",
                member_count=a["member_count"],
                stage=workflow.label(workflow.group_stage(case_statuses, a["status"])),
                submitted_at=a["submitted_at"],
                comment=comments.get(a["id"], "") if bucket != "new" else "",
            )
        )
    return lists, counts
