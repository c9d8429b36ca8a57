"""下載專區's documents of the lines (issue 14): the applicants a 港澳僑生居留入出境查驗表 is generated for.

Scoped by the actor like every read; counted and paged by the database."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.domain import permits
from app.domain.actor import Actor
from app.domain.workflow import Status
from app.queries.scope import application_scope
from tables.tables import Application, Case, School

PER_PAGE = 50
# A withdrawn, not accepted or rejected case is not in Taiwan on this application: no record for it.
_NOT_LISTED = (Status.DRAFT, Status.WITHDRAWN, Status.GROUP_WITHDRAWN, Status.NOT_ACCEPTED, Status.REJECTED)


@dataclass
class EntryExitPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def _where(actor: Actor) -> Any:
    return (
        Case.application.is_in(
            Application.select(Application.id).where(
                application_scope(actor)
                & Application.group_no.is_not_null()
                & Application.business_line.is_in(list(permits.ENTRY_EXIT_CHECK_LINES))
            )
        )
        & Case.status.not_in([str(s) for s in _NOT_LISTED])
        & Case.receipt_no.is_not_null()
    )


async def entry_exit_page(actor: Actor, page: int = 1) -> EntryExitPage:
    """港澳僑生居留入出境查驗表 - 列表: the actor's applicants of those lines, the newest group first."""
    where = _where(actor)
    total = await Case.count().where(where)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(1, page), pages)
    rows = (
        await Case.select(
            Case.id,
            Case.receipt_no,
            Case.name_zh,
            Case.name_en,
            Case.application.group_no,
        )
        .where(where)
        .order_by(Case.application.submitted_at, ascending=False)
        .order_by(Case.receipt_no)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return EntryExitPage(
        [
            {
                "id": r["id"],
                "receipt_no": r["receipt_no"],
                "group_no": r["application.group_no"],
                "name": f"{r['name_zh']} {r['name_en']}".strip(),
            }
            for r in rows
        ],
        total,
        page,
        pages,
    )


async def get_entry_exit_case(actor: Actor, case_id: int) -> dict[str, Any] | None:
    """One applicant of the list (None when out of scope or not listed): the case, its group and school."""
    case = await Case.select().where(_where(actor) & (Case.id == case_id)).output(load_json=True).first()
    if case is None:
        return None
    app = (
        await Application.select(Application.group_no, Application.school)
        .where(Application.id == case["application"])
        .first()
    )
    school = await School.select().where(School.id == app["school"]).first()
    return {"case": case, "group_no": app["group_no"], "school": school or {}}
