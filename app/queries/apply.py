"""Reads of group applications (申請案) for schools: drafts, one group, its applicants and files.

Everything starts from `application_scope(actor)`: out of scope is None (the web answers 404).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from app import db
from app.domain import offerings, workflow
from app.domain.actor import Actor
from app.queries import fees as fee_queries
from app.queries.attachments import COLUMNS as ATTACHMENT_COLUMNS
from app.queries.scope import application_scope
from tables.tables import Application, Attachment, Case

APPLICATION_COLUMNS = (
    Application.id,
    Application.group_no,
    Application.business_line,
    Application.kind,
    Application.name,
    Application.member_count,
    Application.pickup_method,
    Application.station_code,
    Application.school,
    Application.created_by,
    Application.student,
    Application.submitter_name,
    Application.submitter_national_id,
    Application.submitter_phone,
    Application.submitter_email,
    Application.submitter_addr,
    Application.status,
    Application.terms_accepted_at,
    Application.submitted_at,
    Application.created_at,
    Application.updated_at,
    Application.version,
)


def _select(table: Any, columns: tuple[Any, ...]) -> str:
    """`SELECT <columns> FROM <table>` exactly as Piccolo writes it, built once: Piccolo rebuilds it (copying
    every column) on each call, which costs more than the query on a page's hot path. Where-clauses stay
    Piccolo's (the scope), bound as parameters."""
    return str(table.select(*columns))


async def _rows(sql: str, *args: Any) -> list[dict[str, Any]]:
    """A raw query's rows as dicts, as Piccolo's select gives them (asyncpg answers records)."""
    return [dict(r) for r in await db.raw(sql, *args)]


_APPLICATION_SQL = _select(Application, APPLICATION_COLUMNS) + " WHERE {} LIMIT 1"


@dataclass
class DraftRow:
    id: int
    name: str
    member_count: int
    applicants: int
    updated_at: Any


def is_draft(app: dict[str, Any]) -> bool:
    return app["group_no"] is None and app["status"] == workflow.Status.DRAFT


async def list_drafts(actor: Actor, line: str = "foreign", kind: str = "first") -> list[DraftRow]:
    """暫存申請資料: the actor's unsubmitted groups of one line and kind, the newest first."""
    apps = (
        await Application.select(
            Application.id, Application.name, Application.member_count, Application.updated_at
        )
        .where(
            application_scope(actor)
            & (Application.business_line == line)
            & (Application.kind == kind)
            & Application.group_no.is_null()
            & (Application.status == workflow.Status.DRAFT)
        )
        .order_by(Application.updated_at, ascending=False)
    )
    counts: dict[int, int] = {}
    if apps:
        for c in await Case.select(Case.application).where(Case.application.is_in([a["id"] for a in apps])):
            counts[c["application"]] = counts.get(c["application"], 0) + 1
    return [
        DraftRow(a["id"], a["name"], a["member_count"], counts.get(a["id"], 0), a["updated_at"]) for a in apps
    ]


def _json(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value or "{}")
    return value if value is not None else {}


def _case(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON columns as dicts, whichever engine answered."""
    if row is not None:
        row["data"] = _json(row.get("data"))
        row["address"] = _json(row.get("address"))
    return row


async def get_application(actor: Actor, application_id: int) -> dict[str, Any] | None:
    rows = await _rows(
        _APPLICATION_SQL, (application_scope(actor) & (Application.id == application_id)).querystring
    )
    row = rows[0] if rows else None
    if row is not None:
        row["submitter_addr"] = _json(row["submitter_addr"])
        row["school_name"] = actor.school_name  # in scope, the group is the actor's school's (no join needed)
    return row


async def list_applicants(actor: Actor, application_id: int) -> list[dict[str, Any]] | None:
    """The cases of a group in the order they were added; None when the group is out of scope."""
    if not await Application.exists().where(application_scope(actor) & (Application.id == application_id)):
        return None
    return [_case(c) for c in await Case.select().where(Case.application == application_id).order_by(Case.id)]


async def get_applicant(actor: Actor, application_id: int, case_id: int) -> dict[str, Any] | None:
    if not await Application.exists().where(application_scope(actor) & (Application.id == application_id)):
        return None
    return _case(
        await Case.select().where((Case.application == application_id) & (Case.id == case_id)).first()
    )


async def list_group_attachments(actor: Actor, application_id: int) -> list[dict[str, Any]] | None:
    """Every file of a group (its own and its applicants'); None when out of scope."""
    if not await Application.exists().where(application_scope(actor) & (Application.id == application_id)):
        return None
    return (
        await Attachment.select(*ATTACHMENT_COLUMNS)
        .where(Attachment.application == application_id)
        .order_by(Attachment.id)
    )


async def get_attachment(actor: Actor, attachment_id: int) -> dict[str, Any] | None:
    """One file, only when its group is in the actor's scope."""
    row = await Attachment.select(*ATTACHMENT_COLUMNS).where(Attachment.id == attachment_id).first()
    if row is None:
        return None
    if not await Application.exists().where(
        application_scope(actor) & (Application.id == row["application"])
    ):
        return None
    return row


# What the read-only group page shows of each applicant (a card each).
CARD_COLUMNS = (
    Case.id,
    Case.receipt_no,
    Case.identity,
    Case.status,
    Case.name_zh,
    Case.name_en,
    Case.birth_date,
    Case.passport_no,
    Case.gender,
    Case.complete,
)


_CARDS_SQL = _select(Case, CARD_COLUMNS) + ' WHERE "case"."application" = {} ORDER BY "case"."id"'
_VIEW_FILES_SQL = _select(Attachment, ATTACHMENT_COLUMNS) + (
    ' WHERE "attachment"."application" = {} AND ("attachment"."case" IS NULL OR "attachment"."kind" = {})'
    ' ORDER BY "attachment"."id"'
)


async def cards_of(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The cases of a group already read through the scope, as its read-only page shows them, in order."""
    return await _rows(_CARDS_SQL, app["id"])


async def view_files_of(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The files a group's read-only page shows: the group's own documents and its applicants' photos."""
    return await _rows(_VIEW_FILES_SQL, app["id"], "photo")


def by_kind(attachments: list[dict[str, Any]], case_id: int | None) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for a in attachments:
        if a["case"] == case_id:
            out.setdefault(a["kind"], []).append(a)
    return out


@dataclass
class CheckAnswers:
    """確認送件 (check your answers) of a draft group: every applicant's key fields and documents."""

    app: dict[str, Any]
    offering: offerings.Offering
    applicants: list[offerings.ApplicantAnswers]
    group_files: dict[str, int]
    fee: int = 0  # NT$ per person in force today (master data)

    @property
    def incomplete(self) -> int:
        return sum(1 for a in self.applicants if a.problems)


async def get_check_answers(actor: Actor, application_id: int, today: date) -> CheckAnswers | None:
    """The 確認送件 page's data; None when the group is out of the actor's scope."""
    app = await get_application(actor, application_id)
    if app is None:
        return None
    offering = offerings.of(app)
    cases = (
        await Case.select().where(Case.application == application_id).order_by(Case.id).output(load_json=True)
    )
    files = (
        await Attachment.select(Attachment.id, Attachment.case, Attachment.kind)
        .where(Attachment.application == application_id)
        .order_by(Attachment.id)
    )
    group_files: dict[str, int] = {}
    for f in files:
        if f["case"] is None:
            group_files[f["kind"]] = group_files.get(f["kind"], 0) + 1
    applicants = [offerings.answers_of(offering, app, c, files, today, cases) for c in cases]
    fee = await fee_queries.fee_per_person(offering, today)
    return CheckAnswers(app, offering, applicants, group_files, fee)
