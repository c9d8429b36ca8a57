"""A student's own cases, never the school's other students."""

from __future__ import annotations

from app.domain import workflow
from app.domain.actor import Actor
from app.queries.dashboard import DashboardRow
from app.queries.scope import application_scope
from tables.tables import Application, Case

STUDENT_LISTS = ("new", "supplement", "awaiting_payment")


async def list_student_home(actor: Actor) -> dict[str, list[DashboardRow]]:
    """新申請案件, 待補件案件, 待繳費案件 of the signed-in student."""
    apps = (
        await Application.select(
            Application.id,
            Application.name,
            Application.group_no,
            Application.member_count,
            Application.status,
            Application.submitted_at,
        )
        .where(application_scope(actor) & Application.group_no.is_not_null())
        .order_by(Application.submitted_at, ascending=False)
    )
    lists: dict[str, list[DashboardRow]] = {k: [] for k in STUDENT_LISTS}
    if not apps:
        return lists
    statuses: dict[int, list[str]] = {}
    for c in await Case.select(Case.application, Case.status).where(
        Case.application.is_in([a["id"] for a in apps])
    ):
        statuses.setdefault(c["application"], []).append(c["status"])
    for a in apps:
        bucket = workflow.dashboard_list(statuses.get(a["id"], []), a["status"])
        if bucket in lists:
            lists[bucket].append(
                DashboardRow(
                    id=a["id"],
                    name=a["name"],
                    group_no=a["group_no"] or "",
                    member_count=a["member_count"],
                    stage=workflow.label(workflow.group_stage(statuses.get(a["id"], []), a["status"])),
                    submitted_at=a["submitted_at"],
                    comment="",
                )
            )
    return lists
