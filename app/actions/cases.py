"""The case pipeline: the steps every flow of a case shares, whatever its offering and whoever files it.

- `check()`: the one check of a case against its offering (`app.domain.offerings.check_case`), from a
  stored case or from the form as typed; the school's form, the student's form, the supplement form and
  submit all call it.
- `store_uploads()`: check each file by its content (Pillow), store it, record its `Attachment`.
- `record_event()`: the one place that writes a `ReviewEvent` (submit, review decisions, supplements,
  payment, withdrawal); at the end of the action (`after_transitions`) it places the group in its 優先處理事項
  list, stamps each case with when and how it reached its status, and counts the station's cases for the review
  desk, so those pages read only what they show.

Each runs inside the caller's transaction (`db.write_tx()`); none opens its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app import db
from app.domain import offerings, workflow
from app.domain.actor import Actor
from app.domain.applicant import order_errors
from app.domain.validators import is_ui_no
from app.i18n import gettext as _
from app.queries.resident_certificates import resident_certificate_known
from app.services import uploads
from tables.tables import Application, Attachment, Case, CaseTally, ReviewEvent

MAX_FILES_PER_KIND = offerings.MAX_FILES


@dataclass(frozen=True)
class Upload:
    kind: str
    filename: str
    data: bytes  # at most uploads.MAX_BYTES + 1 bytes of the file
    size: int | None = None  # the file's real size when `data` holds only its beginning


def today() -> date:
    from app.i18n import TAIPEI

    return datetime.now(TAIPEI).date()


# The one check ------------------------------------------------------------------------------------


def form_of(app: dict[str, Any], case: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """A stored case's form strings and ticked changes, as its offering's form shows them."""
    return offerings.form_of_case(offerings.of(app), case)


def check(
    app: dict[str, Any],
    case: dict[str, Any],
    form: dict[str, str],
    present: set[str],
    changes: Iterable[str] = (),
    *,
    on: date | None = None,
) -> dict[str, str]:
    """Every problem that keeps a case from 已完成, as a form's summary wants it ({}: complete)."""
    offering = offerings.of(app)
    wanted = list(changes)
    facts = offerings.facts_of(offering, app, case, form, wanted)
    typed = {**form, "changes": ",".join(wanted)} if wanted else form
    return offerings.check_case(offering, typed, facts, present, on or today()).problems


def documents(
    app: dict[str, Any], case: dict[str, Any], form: dict[str, str], changes: Iterable[str] = ()
) -> list[offerings.NeededDocument]:
    """The documents the case's form asks for, as the form now has it."""
    offering = offerings.of(app)
    return offerings.needed_documents(offering, offerings.facts_of(offering, app, case, form, list(changes)))


async def present_kinds(application_id: int, case_id: int | None) -> set[str]:
    """The document kinds that have at least one file (the group's own when case_id is None)."""
    clause = Attachment.application == application_id
    clause = clause & (Attachment.case.is_null() if case_id is None else Attachment.case == case_id)
    return {r["kind"] for r in await Attachment.select(Attachment.kind).where(clause)}


async def full_check(
    app: dict[str, Any],
    case: dict[str, Any],
    form: dict[str, str],
    present: set[str],
    changes: Iterable[str] = (),
    *,
    on: date | None = None,
) -> dict[str, str]:
    """`check`, and what only the database knows: for an offering about an existing resident certificate
    (延期, 資料異動), whether its 統一證號 names one this system knows of the group's school's students (a
    student's own group: of that student)."""
    wanted = list(changes)
    errors = check(app, case, form, present, wanted, on=on)
    offering = offerings.of(app)
    if offering.known_certificate and "ui_no" not in errors:
        if found := await ui_no_problem(app, form.get("ui_no", ""), on=on):
            errors["ui_no"] = found
            return order_errors(errors)
    link = offering.link
    if link and case.get("identity") in link.relative_identities and form.get(link.field):
        if link.field not in errors:
            students = (
                await Case.select()
                .where((Case.application == app["id"]) & (Case.identity == link.identity))
                .output(load_json=True)
            )
            if found := offerings.link_problem(offering, case, form, students):
                errors[link.field] = found
                return order_errors(errors)
    return errors


async def problems_when_reopened(
    app: dict[str, Any], case: dict[str, Any], form: dict[str, str], changes: Iterable[str] = ()
) -> dict[str, str]:
    """What a reopened applicant form shows: nothing before its first save, then what keeps it from 已完成
    (the caller has already checked that the actor may see this case)."""
    data = _data(case)
    if not (data.get("saved") or data.get("saved_kind")) or case["complete"]:
        return {}
    return await full_check(app, case, form, await present_kinds(app["id"], case["id"]), changes)


async def ui_no_problem(app: dict[str, Any], ui_no: str, *, on: date | None = None) -> str:
    """For 延期 and 資料異動 (and their 補正): the message when a well-formed 統一證號 names no resident certificate
    this system knows of one of the group's school's students (a student's own group: of that student)."""
    if not ui_no or not is_ui_no(ui_no):
        return ""  # empty or malformed: the form's own check says so
    if await resident_certificate_known(
        app["school"], ui_no, student_id=app.get("student"), today=on or today()
    ):
        return ""
    if app.get("student"):
        return _(
            "No resident certificate of yours known to this system has this UI no. Check the number "
            "on your resident certificate."
        )
    return _(
        "No resident certificate of one of your school's students known to this system has this "
        "UI no. Check the number on the certificate."
    )


async def stored_check(app: dict[str, Any], case: dict[str, Any]) -> dict[str, str]:
    """The full check of a stored case with its stored files (what submit asks of every case)."""
    form, changes = form_of(app, case)
    return await full_check(app, case, form, await present_kinds(app["id"], case["id"]), changes)


# Saving a case's form ---------------------------------------------------------------------------------


def _data(case: dict[str, Any]) -> dict[str, Any]:
    data = case.get("data") or {}
    return json.loads(data) if isinstance(data, str) else dict(data)


def normalise(app: dict[str, Any], case: dict[str, Any], data: dict[str, Any]) -> dict[str, str]:
    """What was typed in the case's form, trimmed, with what the offering fixes put back."""
    spec = offerings.of(app).form
    assert spec.normalise is not None
    return spec.normalise(data, case)


def snapshot(app: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """The case's fields as a supplement round compares them."""
    spec = offerings.of(app).form
    assert spec.snapshot is not None
    return spec.snapshot(case)


def record_update(
    app: dict[str, Any], case: dict[str, Any], form: dict[str, str], changes: Iterable[str] = ()
) -> dict[Any, Any]:
    """The `Case` update that stores a form as typed (valid or not: what was typed comes back)."""
    spec = offerings.of(app).form
    assert spec.record is not None
    rec = spec.record(form, list(changes), case)
    data = _data(case)
    data.update(rec.data)
    data["saved"] = True
    update: dict[Any, Any] = {getattr(Case, name): value for name, value in rec.columns.items()}
    update[Case.data] = data
    return update


# Files ----------------------------------------------------------------------------------------------


async def store_uploads(
    actor: Actor,
    application_id: int,
    case_id: int | None,
    files: list[Upload],
    allowed: Iterable[str],
    *,
    keep_replaced: bool = False,
) -> dict[str, str]:
    """Check, store and record each file; {"doc_<kind>" or "photo": message} for the refused ones.

    A new photo replaces the old one (its file is deleted, unless `keep_replaced`: a supplement's round
    still shows it); at most MAX_FILES_PER_KIND files per document; kinds not allowed are ignored."""
    allowed = set(allowed) & offerings.all_document_kinds()
    errors: dict[str, str] = {}
    for f in files:
        if f.kind not in allowed:
            continue
        key = "photo" if f.kind == "photo" else f"doc_{f.kind}"
        try:
            image = uploads.check_image(f.data, f.filename, f.size)
        except uploads.UploadRefused as exc:
            errors[key] = f"{errors[key]} {exc}" if key in errors else str(exc)
            continue
        clause = (Attachment.application == application_id) & (Attachment.kind == f.kind)
        clause = clause & (Attachment.case.is_null() if case_id is None else Attachment.case == case_id)
        existing = await Attachment.select(Attachment.id, Attachment.stored_name).where(clause)
        if f.kind == "photo":
            for old in existing:
                await Attachment.delete().where(Attachment.id == old["id"])
                if not keep_replaced:
                    await uploads.delete(old["stored_name"])
        elif len(existing) >= MAX_FILES_PER_KIND:
            errors[key] = _("At most %(n)d files per document.", n=MAX_FILES_PER_KIND)
            continue
        await Attachment.insert(
            Attachment(
                application=application_id,
                case=case_id,
                kind=f.kind,
                original_name=image.original_name[:200],
                stored_name=await uploads.store(image),
                content_type=image.content_type,
                size=len(image.data),
                uploaded_by=actor.label[:100],
                uploaded_at=datetime.now(UTC),
            )
        )
    return errors


# Transitions ----------------------------------------------------------------------------------------


async def record_event(
    application_id: int,
    case_id: int | None,
    from_status: str,
    action: str,
    to_status: str,
    *,
    actor_kind: str,
    actor_label: str,
    at: datetime,
    comment: str = "",
    reply: str = "",
    actor_id: int | None = None,
) -> int:
    """The one writer of `ReviewEvent`: a transition of a case (or of a group, case_id None) made by the
    workflow; returns the event's id."""
    event = ReviewEvent(
        application=application_id,
        case=case_id,
        from_status=from_status,
        action=action,
        to_status=to_status,
        actor_kind=actor_kind,
        actor_label=actor_label[:100],
        actor_id=actor_id,
        comment=comment,
        reply=reply,
        created_at=at,
    )
    await event.save()
    db.at_end_of_action(after_transitions, (application_id, case_id))
    return event.id


async def after_transitions(moved: set[tuple[int, int | None]]) -> None:
    """What every transition keeps beside the rows, once at the end of the action that made them (all its case
    and group updates done): each group's 優先處理事項 list, each case's status time and last action, then the
    review desk's counts of their stations (which count those last actions)."""
    groups = {app_id for app_id, _case in moved}
    await refresh_dashboard_lists(groups)
    await refresh_case_times({case for _app, case in moved if case is not None})
    await refresh_case_tally(groups)


# When each case reached its status and by which action (the review desk's since and answered mark): the latest
# event's, else the submission's. Constant SQL; only the ids are bound.
_CASE_TIMES = (
    'UPDATE "case" SET "status_at" = COALESCE('
    '(SELECT MAX(e."created_at") FROM "review_event" e WHERE e."case" = "case"."id"), "case"."submitted_at", '
    '(SELECT a."submitted_at" FROM "application" a WHERE a."id" = "case"."application")), '
    '"last_action" = COALESCE((SELECT e."action" FROM "review_event" e WHERE e."case" = "case"."id" '
    'ORDER BY e."created_at" DESC, e."id" DESC LIMIT 1), \'\') '
    'WHERE "case"."id" IN ({})'
)


# A station's cases per status and answered mark (the review desk's queue counts). Constant SQL but the station.
_TALLY = (
    "INSERT INTO case_tally (station_code, status, answered, cases) "
    "SELECT a.station_code, c.status, c.last_action IN ({}), COUNT(*) "
    'FROM "case" c JOIN application a ON a.id = c.application '
    "WHERE a.station_code = {} AND c.status <> {} GROUP BY a.station_code, c.status, 3"
)


async def refresh_case_tally(application_ids: set[int]) -> None:
    """The review desk's counts (`CaseTally`) of the stations of these groups made again from their cases, at the
    end of every action that records a transition; after `refresh_case_times`, whose answered mark it counts."""
    rows = await Application.select(Application.station_code).where(
        Application.id.is_in(sorted(application_ids))
    )
    await refresh_station_tally({r["station_code"] for r in rows})


async def refresh_station_tally(stations: set[str]) -> None:
    """`CaseTally` of these stations made again from their cases (also when a returned group moves to another
    station). Two actions at one station take turns (an advisory lock on PostgreSQL; SQLite's writers queue)."""
    from app.queries.review import RESUBMITS

    for station in sorted(stations):
        if db.is_postgres():
            await db.raw("SELECT pg_advisory_xact_lock(hashtext({}))", f"case_tally:{station}")
        await CaseTally.delete().where(CaseTally.station_code == station)
        marks = ", ".join("{}" for _ in RESUBMITS)
        await db.raw(_TALLY.replace("IN ({})", f"IN ({marks})", 1), *RESUBMITS, station, "draft")


async def refresh_case_times(case_ids: set[int]) -> None:
    """Each case's `status_at` and `last_action` made again from its events, at the end of every action that
    records a transition (and after the demo moves events into the past)."""
    ids = sorted(case_ids)
    if ids:
        await db.raw(_CASE_TIMES.replace("{}", ", ".join("{}" for _ in ids)), *ids)


async def refresh_dashboard_lists(application_ids: set[int]) -> None:
    """Each group's 優先處理事項 list (`workflow.dashboard_list` over its cases' statuses and its own), written
    where it changed. Runs at the end of every action that records a transition (`record_event`)."""
    ids = sorted(application_ids)
    groups = {
        a["id"]: a
        for a in await Application.select(
            Application.id, Application.status, Application.group_no, Application.dashboard_list
        ).where(Application.id.is_in(ids))
    }
    statuses: dict[int, list[str]] = {i: [] for i in groups}
    for c in await Case.select(Case.application, Case.status).where(Case.application.is_in(ids)):
        statuses[c["application"]].append(c["status"])
    for app_id, a in groups.items():
        placed = workflow.dashboard_list(statuses[app_id], a["status"]) if a["group_no"] else None
        if placed != a["dashboard_list"]:
            await Application.update({Application.dashboard_list: placed}).where(Application.id == app_id)


async def record_actor_event(
    actor: Actor,
    application_id: int,
    case_id: int | None,
    from_status: str,
    action: str,
    to_status: str,
    at: datetime,
    *,
    comment: str = "",
    reply: str = "",
) -> int:
    """`record_event` for a transition made by a signed-in school account or student."""
    return await record_event(
        application_id,
        case_id,
        from_status,
        action,
        to_status,
        actor_kind=actor.kind,
        actor_label=actor.label,
        at=at,
        comment=comment,
        reply=reply,
    )
