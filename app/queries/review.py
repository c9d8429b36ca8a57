"""Reads of the review desk: the queues per stage and one case with its group, documents and history.

Reviewers see every school's cases (the agency decides them all); nothing here is reachable by a
school actor (the desk's guard admits reviewers only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain import workflow
from app.domain.calendar import REVIEW_DAYS, WorkCalendar, age_in_working_days, supplement_deadline
from app.domain.workflow import Role, Status
from app.queries.review_calendar import work_calendar
from tables.tables import Application, Case, ReviewEvent, School

QUEUE_LIMIT = 300
RESUBMITS = ("resubmit", "resubmit_group")


@dataclass(frozen=True)
class Queue:
    key: str
    statuses: tuple[Status, ...]
    answered: bool | None  # True: only cases back from a supplement; False: only the others; None: all


QUEUES = (
    Queue("first", (Status.FIRST_REVIEW,), False),  # 待初審
    Queue("second", (Status.SECOND_REVIEW,), False),  # 待複審
    Queue("answered", (Status.FIRST_REVIEW, Status.SECOND_REVIEW), True),  # 資料補正 answered
    Queue("card", (Status.CARD_PRODUCTION,), None),  # 待製證
    Queue("collect", (Status.CARD_READY,), None),  # 待領證
)
QUEUE_BY_KEY = {q.key: q for q in QUEUES}
# Each role's own queue comes first on its desk.
HOME_QUEUE = {Role.FIRST_REVIEWER: "first", Role.SECOND_REVIEWER: "second", Role.SUPERVISOR: "first"}


@dataclass
class QueueRow:
    case_id: int
    version: int
    application_id: int
    receipt_no: str
    group_no: str
    group_name: str
    school_name: str
    name: str
    passport_no: str
    identity: str
    status: str
    since: datetime | None
    age: int
    overdue: bool


async def _since(case_ids: list[int]) -> dict[int, tuple[datetime, str]]:
    """When each case reached its current status, and by which action (its latest event)."""
    out: dict[int, tuple[datetime, str]] = {}
    if not case_ids:
        return out
    for e in (
        await ReviewEvent.select(ReviewEvent.case, ReviewEvent.created_at, ReviewEvent.action)
        .where(ReviewEvent.case.is_in(case_ids))
        .order_by(ReviewEvent.created_at)
        .order_by(ReviewEvent.id)
    ):
        out[e["case"]] = (e["created_at"], e["action"])
    return out


async def queue_counts() -> dict[str, int]:
    rows = await list_queues_raw()
    return {key: len(v) for key, v in rows.items()}


async def list_queues_raw() -> dict[str, list[dict[str, Any]]]:
    statuses = sorted({s for q in QUEUES for s in q.statuses})
    cases = await Case.select(
        Case.id,
        Case.version,
        Case.application,
        Case.receipt_no,
        Case.name_zh,
        Case.name_en,
        Case.passport_no,
        Case.identity,
        Case.status,
        Case.submitted_at,
        Case.application.group_no,
        Case.application.name,
        Case.application.school.name,
        Case.application.submitted_at,
    ).where(Case.status.is_in(statuses))
    since = await _since([c["id"] for c in cases])
    out: dict[str, list[dict[str, Any]]] = {q.key: [] for q in QUEUES}
    for c in cases:
        at, action = since.get(c["id"], (c["submitted_at"] or c["application.submitted_at"], "submit"))
        c["since"] = at
        answered = action in RESUBMITS
        for q in QUEUES:
            if c["status"] in q.statuses and (q.answered is None or q.answered == answered):
                out[q.key].append(c)
    return out


async def list_queue(key: str, at: datetime, cal: WorkCalendar | None = None) -> list[QueueRow]:
    """One queue, oldest first, with the age in working days and the overdue mark."""
    cal = cal or await work_calendar()
    raw = (await list_queues_raw())[key]
    rows = [
        QueueRow(
            case_id=c["id"],
            version=c["version"],
            application_id=c["application"],
            receipt_no=c["receipt_no"] or "",
            group_no=c["application.group_no"] or "",
            group_name=c["application.name"],
            school_name=c["application.school.name"],
            name=c["name_en"] or c["name_zh"],
            passport_no=c["passport_no"],
            identity=c["identity"],
            status=c["status"],
            since=c["since"],
            age=age_in_working_days(c["since"], at, cal) if c["since"] else 0,
            overdue=bool(c["since"]) and age_in_working_days(c["since"], at, cal) > REVIEW_DAYS,
        )
        for c in raw
    ]
    rows.sort(key=lambda r: (r.since is None, r.since or at, r.case_id))
    return rows[:QUEUE_LIMIT]


@dataclass
class HistoryRow:
    at: datetime
    receipt_no: str
    action: str
    from_status: str
    to_status: str
    actor_label: str
    comment: str
    reply: str


@dataclass
class CaseDetail:
    case: dict[str, Any]
    application: dict[str, Any]
    school: dict[str, Any]
    members: list[dict[str, Any]]
    history: list[HistoryRow]
    attachments: list[Any]
    group_attachments: list[Any]
    since: datetime | None
    age: int
    overdue: bool
    deadline: Any  # the supplement deadline while the case is returned
    group_stage: str


async def _attachments(application_id: int, case_id: int | None) -> list[Any]:
    """The documents, from the attachments feature when it is there."""
    try:
        from app.queries.attachments import list_attachments  # type: ignore[import-not-found]
    except ImportError:
        return []
    try:
        return list(await list_attachments(application_id, case_id=case_id))
    except TypeError:
        return []


def _on_desk():
    """The review desk sees submitted cases only: a case out of 待送件 of a group that was submitted.
    A school's or a student's draft, and its files, are not found (404)."""
    return (Case.status != Status.DRAFT) & Case.application.submitted_at.is_not_null()


async def get_case_detail(case_id: int, at: datetime) -> CaseDetail | None:
    rows = await Case.select().where((Case.id == case_id) & _on_desk()).output(load_json=True)
    if not rows:
        return None
    case = rows[0]
    app_rows = await Application.select().where(Application.id == case["application"]).output(load_json=True)
    application = app_rows[0]
    school = (await School.select().where(School.id == application["school"]))[0]
    members = (
        await Case.select(
            Case.id,
            Case.receipt_no,
            Case.name_en,
            Case.name_zh,
            Case.passport_no,
            Case.status,
            Case.identity,
        )
        .where(Case.application == application["id"])
        .order_by(Case.id)
    )
    events = (
        await ReviewEvent.select(
            ReviewEvent.created_at,
            ReviewEvent.case.receipt_no,
            ReviewEvent.case,
            ReviewEvent.action,
            ReviewEvent.from_status,
            ReviewEvent.to_status,
            ReviewEvent.actor_label,
            ReviewEvent.comment,
            ReviewEvent.reply,
        )
        .where(
            (ReviewEvent.application == application["id"])
            & ((ReviewEvent.case == case_id) | ReviewEvent.case.is_null())
        )
        .order_by(ReviewEvent.created_at, ascending=False)
        .order_by(ReviewEvent.id, ascending=False)
    )
    history = [
        HistoryRow(
            e["created_at"],
            e["case.receipt_no"] or "",
            e["action"],
            e["from_status"],
            e["to_status"],
            e["actor_label"],
            e["comment"],
            e["reply"],
        )
        for e in events
    ]
    cal = await work_calendar()
    own = [e for e in events if e["case"] == case_id]
    since = own[0]["created_at"] if own else (case["submitted_at"] or application["submitted_at"])
    age = age_in_working_days(since, at, cal) if since else 0
    deadline = None
    if case["status"] in workflow.SUPPLEMENT and own:
        deadline = supplement_deadline(own[0]["created_at"], cal)
    return CaseDetail(
        case=case,
        application=application,
        school=school,
        members=members,
        history=history,
        attachments=await _attachments(application["id"], case_id),
        group_attachments=await _attachments(application["id"], None),
        since=since,
        age=age,
        overdue=age > REVIEW_DAYS,
        deadline=deadline,
        group_stage=str(workflow.group_stage([m["status"] for m in members], application["status"])),
    )


async def get_desk_attachment(attachment_id: int) -> dict[str, Any] | None:
    """A file of a submitted group (its own, or of one of its submitted cases) for the review desk."""
    from tables.tables import Attachment

    rows = await Attachment.select(
        Attachment.stored_name, Attachment.original_name, Attachment.content_type, Attachment.case
    ).where(
        (Attachment.id == attachment_id)
        & Attachment.application.submitted_at.is_not_null()
        & (Attachment.application.status != Status.DRAFT)
    )
    if not rows:
        return None
    row = rows[0]
    if row["case"] is not None:
        case = await Case.select(Case.id).where((Case.id == row["case"]) & _on_desk())
        if not case:
            return None
    return row
